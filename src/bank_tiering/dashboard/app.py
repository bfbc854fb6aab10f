"""Entry of the dashboard (`streamlit run` target of `bank-tiering dashboard`).

Every run signs the user in first (``auth.gate``: METHODOLOGY.md §15); without a
signed-in user only the sign-in page is drawn (the navigation stays hidden and the URL,
a ``?customer=`` link included, is kept for after the sign-in). The pages are
:data:`bank_tiering.dashboard.pages.PAGES`; a URL path that is none of them opens the
Chinese page 页面不存在 (:func:`navigation_pages`).
"""

import streamlit as st

from bank_tiering.dashboard import auth, pages

#: Session State key of a URL path that named no page (its page stays for the session).
UNKNOWN_PATH_KEY = "unknown_url_path"


def _requested_path() -> str | None:
    """The URL path Streamlit is asked to run when it comes from the address bar (a page
    load), None when a page of the navigation was picked. Streamlit has no public API for
    it: its pages manager holds it until the navigation resolves the page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None or manager.intended_page_script_hash:
        return None
    return manager.intended_page_name


def navigation_pages() -> list:
    """The st.Page of every page; and, once the session was asked for a URL path that is no
    page, a hidden page at that path (so Streamlit runs it instead of showing its English
    "Page not found" dialog and the default page)."""
    unknown = pages.unknown_path(_requested_path())
    if unknown:
        st.session_state[UNKNOWN_PATH_KEY] = unknown
    listed = [st.Page(p.path, title=p.title, url_path=p.url_path, default=p == pages.DEFAULT)
              for p in pages.PAGES]
    path = st.session_state.get(UNKNOWN_PATH_KEY)
    if path:
        listed.append(st.Page(pages.NOT_FOUND.path, title=pages.NOT_FOUND.title,
                              url_path=path, visibility="hidden"))
    return listed


st.set_page_config(page_title="客户分层看板", layout="wide")
viewer = auth.gate()
navigation = st.navigation(navigation_pages(), position="sidebar" if viewer else "hidden")
if viewer is None:
    auth.sign_in_page()
    st.stop()
auth.sidebar(viewer)
navigation.run()
