"""Queries of the filters and of the overview and quadrant pages (on the scoped relations),
and the parameters the pages read (lines, ratios, labels).

The flows, Pareto, profile and trend figures — shared with the monthly report — are
:mod:`bank_tiering.analysis` (``flows``, ``pareto``, ``profiles``, ``trends``).
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.order import (
    MARKET_CLASS_ORDER,
    QUADRANT_ORDER,
    TIER_ORDER,
    sort_by_order,
)
from bank_tiering.analysis.scoped import Filters, frame, parameters_frame, run, scalar_parameters

# --------------------------------------------------------------------------------------
# Filter options
# --------------------------------------------------------------------------------------


def periods(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[date]:
    """The periods in which the scope has customers, latest first."""
    rows = run(con, scope, "select distinct period_month from segment order by 1 desc")
    return [r[0] for r in rows.fetchall()]


def branches(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """The branches of the scope's customers (a branch user: only the own branch)."""
    rows = run(con, scope, "select distinct branch_id from segment where branch_id is not null "
                           "order by 1")
    return [r[0] for r in rows.fetchall()]


def markets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """market_class -> its Chinese label (code_labels), in the methodology's order."""
    df = parameters_frame(con, "select code, label_zh from parameters.code_labels "
                               "where code_set = 'market_class'")
    return dict(sorted(zip(df["code"], df["label_zh"], strict=True),
                       key=lambda r: MARKET_CLASS_ORDER.index(r[0])
                       if r[0] in MARKET_CLASS_ORDER else len(MARKET_CLASS_ORDER)))


def scalar_parameter(con: duckdb.DuckDBPyConnection, name: str,
                     branch: str | None = None) -> float | None:
    """A scalar parameter (seed scalar_parameters): the branch's row when it has one,
    else the bank-wide ``*`` row (METHODOLOGY.md §6)."""
    return scalar_parameters(con, branch).get(name)


def contact_cadence(con: duckdb.DuckDBPyConnection, branch: str | None = None) -> pd.DataFrame:
    """The contact cadence (seed contact_cadence, METHODOLOGY.md §18) as it applies to
    ``branch``: per market and tier the branch's row where it has one, else the bank-wide
    ``*`` row (§6) — market, tier, their labels and max_days_between_contacts, in the
    methodology's order."""
    df = parameters_frame(
        con,
        """
        select c.market_class, m.label_zh as market_label, c.tier_code,
            t.label_zh as tier_label,
            cast(arg_min(c.max_days_between_contacts, c.branch_id = '*') as integer)
                as max_days_between_contacts
        from parameters.contact_cadence as c
        left join parameters.code_labels as m
            on m.code_set = 'market_class' and m.code = c.market_class
        left join parameters.code_labels as t on t.code_set = 'tier_code' and t.code = c.tier_code
        where c.branch_id in ('*', $branch)
        group by all
        """,
        {"branch": branch or "*"},
    )
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


# --------------------------------------------------------------------------------------
# Overview: tier pyramid per market
# --------------------------------------------------------------------------------------


def totals(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> dict[str, float]:
    """Customers, AUM (sum of avg_aum) and contribution of the filtered customer-months,
    and how many of them are on watch (保级关注), served at an override (人工调整), or
    served at another tier than the assessed one (METHODOLOGY.md §10)."""
    row = run(
        con, scope,
        f"""
        select count(*), cast(coalesce(sum(avg_aum), 0) as double),
            cast(coalesce(sum(contribution), 0) as double),
            count(*) filter (where is_on_watch),
            count(*) filter (where override_id is not null),
            count(*) filter (where service_tier_code != tier_code)
        from segment where {f.where()}
        """,
        f.params,
    ).fetchone()
    customers, aum, contribution, on_watch, overridden, differs = row or (0, 0, 0, 0, 0, 0)
    return {"customers": int(customers), "aum": float(aum), "contribution": float(contribution),
            "on_watch": int(on_watch), "overridden": int(overridden),
            "service_differs": int(differs)}


def tier_pyramid(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """One row per market × tier: customers, aum, contribution by the assessed tier, with
    the customer share within the market; and beside them the customers served at the tier
    (service tier, METHODOLOGY.md §10), of whom on watch and overridden.

    A tier that only serves customers (e.g. held there by an override) has a row with 0
    assessed customers. Rows are in the methodology's order (market, then tier from the
    top tier down).
    """
    df = frame(
        con, scope,
        f"""
        with filtered as (
            select * from segment where {f.where()}
        ),
        assessed as (
            select market_class, max(market_class_label_zh) as market_label,
                tier_code, max(tier_label_zh) as tier_label,
                count(*) as customers,
                cast(sum(avg_aum) as double) as aum,
                cast(sum(contribution) as double) as contribution
            from filtered group by market_class, tier_code
        ),
        served as (
            select market_class, max(market_class_label_zh) as market_label,
                service_tier_code as tier_code, max(service_tier_label_zh) as tier_label,
                count(*) as service_customers,
                count(*) filter (where is_on_watch) as on_watch,
                count(*) filter (where override_id is not null) as overridden
            from filtered group by market_class, service_tier_code
        )
        select market_class, tier_code,
            coalesce(a.market_label, s.market_label) as market_label,
            coalesce(a.tier_label, s.tier_label) as tier_label,
            coalesce(a.customers, 0) as customers,
            coalesce(a.aum, 0) as aum,
            coalesce(a.contribution, 0) as contribution,
            coalesce(s.service_customers, 0) as service_customers,
            coalesce(s.on_watch, 0) as on_watch,
            coalesce(s.overridden, 0) as overridden
        from assessed as a
        full join served as s using (market_class, tier_code)
        """,
        f.params,
    )
    if df.empty:
        return df
    by_market = df.groupby("market_class")["customers"].transform("sum")
    df["customer_share"] = df["customers"] / by_market
    df["aum_per_customer"] = (df["aum"] / df["customers"]).where(df["customers"] > 0)
    df["tier_rank"] = df["tier_code"].map(lambda v: TIER_ORDER.index(v)
                                          if v in TIER_ORDER else len(TIER_ORDER))
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


# --------------------------------------------------------------------------------------
# Value quadrants
# --------------------------------------------------------------------------------------


def quadrant_groups(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The (market_class, tier_code) groups of the filtered customers, in the methodology's
    order, with their customers."""
    df = frame(
        con, scope,
        f"""
        select market_class, max(market_class_label_zh) as market_label,
            tier_code, max(tier_label_zh) as tier_label, count(*) as customers
        from segment where {f.where()}
        group by market_class, tier_code
        """,
        f.params,
    )
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


def quadrant_points(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
                    market_class: str, tier_code: str) -> pd.DataFrame:
    """Each customer of one (market_class, tier_code) group: contribution, bank_value_score,
    quadrant, and the group's median contribution (the x line of METHODOLOGY.md §5: the
    median of the whole group, as the mart computed it)."""
    return frame(
        con, scope,
        f"""
        select customer_id, branch_id,
            cast(contribution as double) as contribution,
            cast(bank_value_score as double) as bank_value_score,
            value_quadrant, value_quadrant_label_zh as quadrant_label,
            cast(contribution_group_median as double) as group_median,
            cast(avg_aum as double) as aum
        from segment
        where {f.where()} and market_class = $group_market and tier_code = $group_tier
        order by customer_id
        """,
        {**f.params, "group_market": market_class, "group_tier": tier_code},
    )


def quadrant_summary(points: pd.DataFrame) -> pd.DataFrame:
    """Customers, contribution and AUM per quadrant of the points, in quadrant order."""
    if points.empty:
        return pd.DataFrame(columns=["value_quadrant", "quadrant_label", "customers",
                                     "contribution", "aum"])
    df = points.groupby(["value_quadrant", "quadrant_label"], as_index=False).agg(
        customers=("customer_id", "count"), contribution=("contribution", "sum"),
        aum=("aum", "sum"))
    return sort_by_order(df, value_quadrant=QUADRANT_ORDER)


# --------------------------------------------------------------------------------------
# Pareto (二八定律): the parameters (the figures: bank_tiering.analysis.pareto)
# --------------------------------------------------------------------------------------


def pareto_shares(con: duckdb.DuckDBPyConnection, branch: str | None = None
                  ) -> dict[str, float]:
    """The Pareto parameters (seed scalar_parameters) of ``branch`` (its row where it has
    one, else the bank-wide one the mart uses): the top customer share (0.2) and the target
    contribution share (0.8)."""
    top = scalar_parameter(con, "pareto_top_customer_share", branch)
    target = scalar_parameter(con, "pareto_contribution_share", branch)
    return {"top": math.nan if top is None else top,
            "target": math.nan if target is None else target}
