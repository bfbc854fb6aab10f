"""What every page does first: open the serving file, draw the sidebar filters.

A page script is::

    with page("分层总览") as (con, scope, filters):
        ...  # queries.f(con, scope, filters, ...), drawn with Streamlit

``page`` takes the signed-in user's scope (``auth.current()``, set by ``app.py`` before
the page runs), opens the serving file read-only for this run and closes it when the
block ends (so a newly published file is seen on the next run), and stops the page with a
clear message when nothing was published yet, the file lacks the mart contract, or the
scope has no customers. The filters only offer what is in the scope (a branch user has
the own branch only); their values live in Session State under keys that survive
switching pages. Tables are :class:`bank_tiering.dashboard.tables.Table`; a long one is
shown a page at a time (:func:`pager`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import streamlit as st

from bank_tiering.access.scope import Scope
from bank_tiering.dashboard import auth, queries
from bank_tiering.dashboard.queries import Filters
from bank_tiering.serving import contract_gaps

SERVING_ENV = "BANK_TIERING_SERVING_DUCKDB"
ALL_BRANCHES = "全部机构"
ALL_MARKETS = "全部市场"
#: Session State keys of the filters' values (kept across pages) and of their widgets.
_STATE = {"period": "filter_period", "branch": "filter_branch", "market": "filter_market"}
#: Session State key of the market labels (code -> 个人客户市场 …) the captions name.
_MARKET_LABELS = "filter_market_labels"
#: Rows of a table page (:func:`pager`).
PAGE_SIZE = 100
#: The page's style: a table cell breaks only between words (at spaces and punctuation),
#: never inside one — 个人客户市场 stays on one line; long texts (reasons) still wrap. The
#: cell's text is a markdown paragraph with its own rule, hence the descendants and
#: !important.
STYLE = """<style>
[data-testid="stTable"] th, [data-testid="stTable"] td,
[data-testid="stTable"] th *, [data-testid="stTable"] td * {
    word-break: keep-all !important; overflow-wrap: normal !important;
}
</style>"""

#: Colours of the value quadrants (重要, 优质, 普通, 退出).
QUADRANT_COLOURS = {
    "important": "#c0392b", "quality": "#e67e22", "ordinary": "#2980b9", "exit": "#95a5a6",
}
#: Colours of the churn-risk bands (高, 中, 低; METHODOLOGY.md §16).
BAND_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#7f8c8d"}


def serving_path() -> Path:
    """The serving file: BANK_TIERING_SERVING_DUCKDB (set by `bank-tiering dashboard`)."""
    from bank_tiering.project import Settings

    env = os.environ.get(SERVING_ENV)
    return Path(env) if env else Settings.from_env().serving_path


def _save(key: str, widget_key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def _persisted_select(label: str, options: list, name: str, fmt=str) -> object:
    """A sidebar selectbox whose value survives page switches.

    Streamlit forgets a page's widget state when another page runs, so the value lives in
    a plain Session State key (_STATE), is copied into the widget before it is drawn and
    copied back by the widget's on_change callback.
    """
    key = _STATE[name]
    widget_key = f"widget_{key}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    st.session_state[widget_key] = st.session_state[key]
    return st.sidebar.selectbox(label, options, key=widget_key, format_func=fmt,
                                on_change=_save, args=(key, widget_key))


def sidebar_filters(con: duckdb.DuckDBPyConnection, scope: Scope) -> Filters | None:
    """Period (latest first), branch and market selectors within the scope; None when the
    scope has no customer in any period."""
    periods = queries.periods(con, scope)
    if not periods:
        return None
    st.sidebar.header("筛选")
    period = _persisted_select("期间", periods, "period", lambda d: f"{d:%Y年%m月}")
    branches = queries.branches(con, scope)
    branch_options = branches if scope.kind == "branch" else [ALL_BRANCHES, *branches]
    branch = _persisted_select("机构", branch_options, "branch")
    market_labels = queries.markets(con)
    st.session_state[_MARKET_LABELS] = market_labels
    market = _persisted_select(
        "市场", [ALL_MARKETS, *market_labels], "market",
        lambda code: market_labels.get(code, code),
    )
    return Filters(
        period=period,
        branch=None if branch == ALL_BRANCHES else branch,
        market=None if market == ALL_MARKETS else market,
    )


@contextmanager
def page(title: str) -> Iterator[tuple[duckdb.DuckDBPyConnection, Scope, Filters]]:
    """Title, read-only connection for this run, the viewer's scope and the sidebar
    filters; closes the connection.

    Stops the page with one clear message when nothing was published yet, when the
    serving file lacks what the pages read (queries.CONTRACT, e.g. a file an older version
    published), or when the scope has no customers.
    """
    scope = auth.current().scope
    st.html(STYLE)
    st.title(title)
    path = serving_path()
    try:
        with queries.serving_connection(path) as con:
            gaps = contract_gaps(con, queries.CONTRACT)
            if gaps:
                shown = "、".join(f"`{g}`" for g in gaps[:6]) + ("等" if len(gaps) > 6 else "")
                st.error(f"服务文件 {path} 不符合数据集市契约（INTERFACES.md §3），缺少 "
                         f"{len(gaps)} 项：{shown}。它可能由旧版本发布：请用当前版本重新运行 "
                         "`make run`（构建并发布数据）。")
                st.stop()
            filters = sidebar_filters(con, scope)
            if filters is None:
                st.warning(f"您的权限范围（{scope.label_zh}）内没有客户数据。"
                           if scope.kind != "bank" else
                           "服务文件中还没有期间数据：请先运行 `make run`。")
                st.stop()
            yield con, scope, filters
    except queries.ServingFileMissing:
        st.error(f"还没有发布的服务文件 {path}：请先运行 `make run`（构建并发布数据）。")
        st.stop()


def market_label(code: str | None) -> str:
    """The Chinese label of a market code (全部市场 for none), as the sidebar shows it."""
    if code is None:
        return ALL_MARKETS
    return st.session_state.get(_MARKET_LABELS, {}).get(code, code)


def describe_filters(scope: Scope, filters: Filters) -> str:
    """One line naming the scope and the filters, e.g. "总行（全部客户） · 2025年12月 ·
    全部机构 · 个人客户市场" (the market by its Chinese label, never its code)."""
    return " · ".join([
        scope.label_zh,
        f"{filters.period:%Y年%m月}",
        filters.branch or ALL_BRANCHES,
        market_label(filters.market),
    ])


def pager(total: int, key: str, size: int | None = None) -> tuple[int, int]:
    """A page selector for a table of ``total`` rows shown ``size`` (default
    :data:`PAGE_SIZE`) at a time, drawn only when it has more than one page; returns
    (offset, size) of the page chosen. The caption below the table names the rows shown
    and the total (:func:`page_caption`)."""
    size = size or PAGE_SIZE
    pages = max(1, math.ceil(total / size))
    if pages == 1:
        return 0, size
    if st.session_state.get(key, 1) > pages:  # the filters changed: fewer rows now
        st.session_state[key] = pages
    chosen = st.number_input(f"页码（共 {pages} 页，每页 {size} 户）", min_value=1,
                             max_value=pages, step=1, key=key)
    return (int(chosen) - 1) * size, size


def page_caption(offset: int, shown: int, total: int) -> None:
    """"第 101–200 户，共 234 户" under a paged table (nothing when it shows every row)."""
    if shown < total:
        st.caption(f"显示第 {offset + 1:,}–{offset + shown:,} 户，共 {total:,} 户"
                   "（翻页见上方页码；下载含全部）。")
