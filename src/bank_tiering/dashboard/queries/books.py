"""Queries of the worklist page and the 我的客户 page (RM books), on the scoped relations.

An RM's book (名下客户, METHODOLOGY.md §14) in a period = the customer-months whose owner at
the period end is that RM (``rm_id`` of ``segment``); customers without an owner are in no
book (the books table shows them as one line 无客户经理, so the lines add up to the scope).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.order import MARKET_CLASS_ORDER, TIER_ORDER, sort_by_order
from bank_tiering.analysis.scoped import Filters, frame

# --------------------------------------------------------------------------------------
# Worklists (mart_rm_worklist, METHODOLOGY.md §11, §14)
# --------------------------------------------------------------------------------------


def worklist_counts(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Every worklist (code_labels ``worklist``, in its order) with its customers and AUM
    for the filters; a list without rows has 0."""
    return frame(
        con, scope,
        f"""
        with counted as (
            select list_code, count(*) as customers, cast(sum(avg_aum) as double) as aum
            from worklist where {f.where()}
            group by list_code
        )
        select l.code as list_code, l.label_zh as list_label,
            coalesce(c.customers, 0) as customers, coalesce(c.aum, 0) as aum
        from parameters.code_labels as l
        left join counted as c on c.list_code = l.code
        where l.code_set = 'worklist'
        order by l.sort_order, l.code
        """,
        f.params,
    )


def worklist_rows(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters, list_code: str,
                  limit: int | None = 100, offset: int = 0) -> pd.DataFrame:
    """The rows of one list, by branch then priority (1 = highest avg_aum in the branch),
    at most ``limit`` from row ``offset`` on (a page of the table; ``limit`` None: all, for
    a download), with the owner (RM id, name, status); ``attrs["total"]`` is the list's
    size for the filters."""
    df = frame(
        con, scope,
        f"""
        select w.period_month, w.list_code, w.list_label_zh as list_label,
            w.branch_id, w.priority, w.customer_id, w.market_class_label_zh as market_label,
            w.tier_code, w.tier_label_zh as tier_label, w.service_tier_code,
            w.service_tier_label_zh as service_tier_label,
            cast(w.avg_aum as double) as avg_aum,
            w.reference_tier_code, w.reference_tier_label_zh as reference_tier_label,
            w.reference_period_month,
            cast(w.reference_value as double) as reference_value,
            cast(w.gap as double) as gap, w.months_below, w.grace_months_left,
            w.rm_id, m.rm_name, w.rm_status, w.rm_status_label_zh as rm_status_label,
            count(*) over () as total
        from worklist as w
        left join managers as m on m.rm_id = w.rm_id
        where {f.where("w")} and w.list_code = $list_code
        order by w.branch_id, w.priority, w.customer_id
        {"limit $limit" if limit is not None else ""} offset $offset
        """,
        {**f.params, "list_code": list_code, "limit": limit, "offset": offset},
    )
    df.attrs["total"] = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns="total")


# --------------------------------------------------------------------------------------
# RM books (我的客户)
# --------------------------------------------------------------------------------------


def rm_book(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
            rm_id: str | None = None) -> pd.DataFrame:
    """The customers of the period in the scope — for an RM user the own book; with
    ``rm_id`` the book of that RM (within the scope) — with assessed and service tier,
    AUM, contribution, the owner and its status, and the worklists each customer is on
    (labels in the lists' order), by AUM, highest first."""
    only = "and s.rm_id = $book_rm" if rm_id is not None else ""
    return frame(
        con, scope,
        f"""
        with lists as (
            select w.customer_id,
                string_agg(w.list_label_zh, '、' order by l.sort_order, w.list_code)
                    as worklists
            from worklist as w
            left join parameters.code_labels as l
                on l.code_set = 'worklist' and l.code = w.list_code
            where w.period_month = $period
            group by w.customer_id
        )
        select s.customer_id, s.branch_id, s.market_class_label_zh as market_label,
            s.tier_label_zh as tier_label, s.service_tier_label_zh as service_tier_label,
            cast(s.avg_aum as double) as avg_aum,
            cast(s.contribution as double) as contribution,
            s.is_on_watch, s.rm_id, m.rm_name, s.rm_status,
            s.rm_status_label_zh as rm_status_label,
            coalesce(lists.worklists, '') as worklists
        from segment as s
        left join lists on lists.customer_id = s.customer_id
        left join managers as m on m.rm_id = s.rm_id
        where {f.where("s")} {only}
        order by s.avg_aum desc, s.customer_id
        """,
        {**f.params, "book_rm": rm_id},
    )


def rm_books(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """One line per RM with a book in the scope and period (customers, AUM, contribution,
    customers on watch, the RM's name, branch and status), and one line for the customers
    without an owner (rm_id null); by AUM, highest first, the unassigned line last."""
    return frame(
        con, scope,
        f"""
        select s.rm_id, max(m.rm_name) as rm_name, max(m.branch_id) as rm_branch_id,
            max(s.rm_status) as rm_status, max(s.rm_status_label_zh) as rm_status_label,
            count(*) as customers, cast(sum(s.avg_aum) as double) as aum,
            cast(sum(s.contribution) as double) as contribution,
            count(*) filter (where s.is_on_watch) as on_watch
        from segment as s
        left join managers as m on m.rm_id = s.rm_id
        where {f.where("s")}
        group by s.rm_id
        order by s.rm_id is null, aum desc, s.rm_id
        """,
        f.params,
    )


def rm_book_mix(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The books by market and service tier: one line per RM × market × service tier with
    customers, AUM, contribution and customers on watch (what mart_rm_portfolio sums, here
    within the scope); RMs by id, markets and tiers in the methodology's order (also in
    ``attrs["tiers"]``: the (market label, service tier label) pairs)."""
    df = frame(
        con, scope,
        f"""
        select s.rm_id, max(m.rm_name) as rm_name, s.market_class,
            max(s.market_class_label_zh) as market_label, s.service_tier_code,
            max(s.service_tier_label_zh) as service_tier_label,
            count(*) as customers, cast(sum(s.avg_aum) as double) as aum,
            cast(sum(s.contribution) as double) as contribution,
            count(*) filter (where s.is_on_watch) as on_watch
        from segment as s
        left join managers as m on m.rm_id = s.rm_id
        where {f.where("s")} and s.rm_id is not null
        group by s.rm_id, s.market_class, s.service_tier_code
        order by s.rm_id
        """,
        f.params,
    )
    by_tier = sort_by_order(df, market_class=MARKET_CLASS_ORDER, service_tier_code=TIER_ORDER)
    result = by_tier.sort_values("rm_id", kind="stable").reset_index(drop=True)
    #: (market label, service tier label) of the rows, in the methodology's order
    result.attrs["tiers"] = list(dict.fromkeys(zip(by_tier["market_label"],
                                                   by_tier["service_tier_label"], strict=True)))
    return result
