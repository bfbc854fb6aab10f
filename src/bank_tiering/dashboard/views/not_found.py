"""页面不存在: a URL path that is no page of the dashboard (a mistyped or outdated link) —
in Chinese, with a link to every page (instead of Streamlit's English dialog)."""

import streamlit as st

from bank_tiering.dashboard import pages

st.title(pages.NOT_FOUND.title)
st.warning("您打开的链接不是看板的页面（地址可能输入有误或已过期）。请从左侧导航或下列页面中选择：")
for spec in pages.PAGES:
    st.page_link(spec.path, label=spec.title)
