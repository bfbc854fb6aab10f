"""The dashboard's pages, in the navigation's order: one line per page.

A new page is a script under ``views/`` (it opens with ``with page("标题") as (con, scope,
filters):`` of :mod:`bank_tiering.dashboard.common`), one :class:`PageSpec` here, and its
queries in a module of :data:`bank_tiering.dashboard.queries.QUERY_MODULES` (the scope test
calls each of them). ``app.py`` builds the navigation from :data:`PAGES`, the browser test
opens and photographs every page of it, and the AppTests switch to each.

A URL path that is no page (a mistyped link) opens :data:`NOT_FOUND`, a Chinese page that
names the pages, instead of Streamlit's English "Page not found" dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VIEWS = Path(__file__).parent / "views"


@dataclass(frozen=True)
class PageSpec:
    """One page: its script under ``views/``, its title (the navigation's link text and
    the page's heading) and its URL path (the default page is also served at ``/``)."""

    script: str
    title: str
    url_path: str

    @property
    def path(self) -> Path:
        return VIEWS / self.script

    @property
    def view(self) -> str:
        """The script as AppTest's ``switch_page`` names it (``views/overview.py``)."""
        return f"views/{self.script}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "分层总览", "overview"),
    PageSpec("trends.py", "趋势", "trends"),
    PageSpec("profiles.py", "客群画像", "profiles"),
    PageSpec("quadrants.py", "价值象限", "quadrants"),
    PageSpec("flows.py", "分层流动", "flows"),
    PageSpec("pareto.py", "贡献集中度", "pareto"),
    PageSpec("worklist.py", "客户经理工作清单", "worklist"),
    PageSpec("early_warning.py", "流失预警", "early_warning"),
    PageSpec("books.py", "我的客户", "books"),
    PageSpec("customer.py", "客户视图", "customer"),
)
#: The default page (opened at ``/``).
DEFAULT = PAGES[0]
#: The page of a URL path that is no page.
NOT_FOUND = PageSpec("not_found.py", "页面不存在", "")


def by_script(script: str) -> PageSpec:
    """The page of a script name (``"flows.py"``)."""
    return next(p for p in PAGES if p.script == script)


def unknown_path(requested: str | None) -> str | None:
    """``requested`` (a URL path Streamlit was asked for, without the leading ``/``) when
    it names no page, else None. Streamlit only resolves one path segment to a page, so
    only the first segment counts."""
    if not requested:
        return None
    first = requested.strip("/").split("/")[0]
    known = {p.url_path for p in PAGES} | {""}
    return first if first not in known else None
