"""Entry of the dashboard (`streamlit run` target of `bank-tiering dashboard`).

Every run signs the user in first (``auth.gate``: METHODOLOGY.md §15); without a
signed-in user only the sign-in page is drawn (the navigation stays hidden and the URL,
a ``?customer=`` link included, is kept for after the sign-in).
"""

from pathlib import Path

import streamlit as st

from bank_tiering.dashboard import auth

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="客户分层看板", layout="wide")
viewer = auth.gate()
navigation = st.navigation([
    st.Page(VIEWS / "overview.py", title="分层总览", url_path="overview", default=True),
    st.Page(VIEWS / "quadrants.py", title="价值象限", url_path="quadrants"),
    st.Page(VIEWS / "flows.py", title="分层流动", url_path="flows"),
    st.Page(VIEWS / "pareto.py", title="贡献集中度", url_path="pareto"),
    st.Page(VIEWS / "worklist.py", title="客户经理工作清单", url_path="worklist"),
    st.Page(VIEWS / "books.py", title="我的客户", url_path="books"),
    st.Page(VIEWS / "customer.py", title="客户视图", url_path="customer"),
], position="sidebar" if viewer else "hidden")
if viewer is None:
    auth.sign_in_page()
    st.stop()
auth.sidebar(viewer)
navigation.run()
