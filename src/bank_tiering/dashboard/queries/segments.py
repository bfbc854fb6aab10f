"""Queries of the overview, quadrant, flow and Pareto pages (on the scoped relations).

Flows and Pareto are computed here from the scope's customer-months, not read from the
bank-wide marts (``mart_tier_flows`` and ``mart_contribution_pareto`` have no branch or
RM): the same rules as the marts (METHODOLOGY.md §8, INTERFACES.md §3), so for the bank
scope the figures equal the marts' (tested), and for a narrower scope they are the rule
applied to the scope's customers, each at its own month — e.g. an RM's "lost" customers of
a tier are the customers of the tier in the RM's book at the base month that are not in
that tier of the RM's book now (downgraded, gone, or handed to another RM).
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.dashboard.queries.base import Filters, frame, parameters_frame, run, sort_by_order
from bank_tiering.summary import MARKET_CLASS_ORDER, QUADRANT_ORDER, TIER_ORDER

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
    df = parameters_frame(
        con,
        """
        select cast(parameter_value as double) as value from parameters.scalar_parameters
        where parameter_name = $name and branch_id in ('*', $branch)
        order by case when branch_id = '*' then 1 else 0 end
        limit 1
        """,
        {"name": name, "branch": branch or "*"},
    )
    return float(df["value"].iloc[0]) if len(df) else None


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
# Tier flows (METHODOLOGY.md §8) over the scope's customer-months
# --------------------------------------------------------------------------------------


def tier_flows(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
               flow_type: str) -> pd.DataFrame:
    """Start, retained, lost, gained and end per (market, assessed tier) of the period,
    month-on-month (``mom``) or against the December before (``ytd``), over the scope's
    customer-months (each at its own month) and the branch/market filters.

    The rule of mart_tier_flows: start = in the tier at the base month q; retained = in the
    tier at q and at p; lost = at q, not in the tier at p; gained = at p, not at q; end = at
    p; AUM of the month named. A tier has a row when it has a customer at q or p; no rows
    when the base month is not in the serving file.
    """
    if flow_type not in ("mom", "ytd"):
        raise ValueError(f"flow_type must be mom or ytd, not {flow_type!r}")
    base = ("$period - interval 1 month" if flow_type == "mom"
            else "date_trunc('year', $period) - interval 1 month")
    df = frame(
        con, scope,
        f"""
        with
        pair as (
            select cast($period as date) as period_month, cast({base} as date) as base_month
            where cast({base} as date) in (select period_month from loaded_periods)
        ),
        at_base as (
            select s.* from segment as s, pair where s.period_month = pair.base_month
                and {f.where("s", period=False)}
        ),
        at_period as (
            select s.* from segment as s, pair where s.period_month = pair.period_month
                and {f.where("s", period=False)}
        ),
        memberships as (
            select b.market_class, b.market_class_label_zh as market_label, b.tier_code,
                b.tier_label_zh as tier_label,
                coalesce(c.market_class = b.market_class and c.tier_code = b.tier_code, false)
                    as is_retained,
                1 as at_start, 0 as at_end, b.avg_aum as start_aum, c.avg_aum as end_aum
            from at_base as b left join at_period as c using (customer_id)
            union all
            select c.market_class, c.market_class_label_zh, c.tier_code, c.tier_label_zh,
                coalesce(b.market_class = c.market_class and b.tier_code = c.tier_code, false),
                0, 1, null, c.avg_aum
            from at_period as c left join at_base as b using (customer_id)
        )
        select m.market_class, max(m.market_label) as market_label, m.tier_code,
            max(m.tier_label) as tier_label, max(pair.base_month) as base_period_month,
            sum(at_start) as start_customers,
            cast(coalesce(sum(start_aum) filter (where at_start = 1), 0) as double) as start_aum,
            count(*) filter (where at_start = 1 and is_retained) as retained_customers,
            cast(coalesce(sum(start_aum) filter (where at_start = 1 and is_retained), 0)
                as double) as retained_start_aum,
            cast(coalesce(sum(end_aum) filter (where at_start = 1 and is_retained), 0)
                as double) as retained_end_aum,
            count(*) filter (where at_start = 1 and not is_retained) as lost_customers,
            cast(coalesce(sum(start_aum) filter (where at_start = 1 and not is_retained), 0)
                as double) as lost_start_aum,
            count(*) filter (where at_end = 1 and not is_retained) as gained_customers,
            cast(coalesce(sum(end_aum) filter (where at_end = 1 and not is_retained), 0)
                as double) as gained_end_aum,
            sum(at_end) as end_customers,
            cast(coalesce(sum(end_aum) filter (where at_end = 1), 0) as double) as end_aum
        from memberships as m, pair
        group by m.market_class, m.tier_code
        """,
        f.params,
    )
    if df.empty:
        return df
    for column in ("start_customers", "retained_customers", "lost_customers",
                   "gained_customers", "end_customers"):
        df[column] = df[column].astype("int64")
    df["net_customers"] = df["end_customers"] - df["start_customers"]
    df["net_aum"] = df["end_aum"] - df["start_aum"]
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


# --------------------------------------------------------------------------------------
# Pareto (二八定律) over the scope's customers
# --------------------------------------------------------------------------------------


def pareto_shares(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The bank-wide Pareto parameters (seed scalar_parameters, as the mart uses them): the
    top customer share (0.2) and the target contribution share (0.8)."""
    top = scalar_parameter(con, "pareto_top_customer_share")
    target = scalar_parameter(con, "pareto_contribution_share")
    return {"top": math.nan if top is None else top,
            "target": math.nan if target is None else target}


def pareto_curve(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Customers ranked by contribution (highest first, ties by customer_id) with the
    cumulative share of customers and of the net contribution (the Pareto curve drawn)."""
    df = frame(
        con, scope,
        f"""
        select customer_id, cast(contribution as double) as contribution
        from segment where {f.where()}
        order by contribution desc, customer_id
        """,
        f.params,
    )
    n = len(df)
    total = float(df["contribution"].sum()) if n else 0.0
    df["rank"] = range(1, n + 1)
    df["customer_share"] = df["rank"] / n if n else []
    df["cumulative_contribution"] = df["contribution"].cumsum()
    df["contribution_share"] = (df["cumulative_contribution"] / total) if total > 0 else math.nan
    return df


def pareto_summary(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Concentration per market of the filtered customers, and over all of them (the row
    with ``market_class`` ``*``), by the rule of mart_contribution_pareto: the share of the
    net contribution earned by the top ceil(top × n) customers (ranked by contribution, ties
    by customer_id) and the smallest share of customers whose cumulative contribution
    reaches target × the net total; both null when the net total is ≤ 0."""
    shares = pareto_shares(con)
    df = frame(
        con, scope,
        f"""
        with members as (
            select market_class, customer_id, contribution from segment where {f.where()}
            union all
            select '*', customer_id, contribution from segment where {f.where()}
        ),
        ranked as (
            select market_class, contribution,
                row_number() over w as contribution_rank,
                sum(contribution) over (w rows between unbounded preceding and current row)
                    as cumulative_contribution,
                count(*) over (partition by market_class) as customers,
                sum(contribution) over (partition by market_class) as total_contribution
            from members
            window w as (partition by market_class order by contribution desc, customer_id)
        ),
        targeted as (
            select *, ceil(round($top * customers, 9)) as top_customers from ranked
        )
        select market_class, max(customers) as customers,
            cast(max(total_contribution) as double) as total_contribution,
            cast(max(top_customers) as bigint) as top_customers,
            cast(case when max(total_contribution) > 0 then
                sum(contribution) filter (where contribution_rank <= top_customers)
                / max(total_contribution) end as double) as top_customers_contribution_share,
            min(contribution_rank) filter (
                where total_contribution > 0 and round(cumulative_contribution, 6)
                    >= round($target * total_contribution, 6)) as customers_for_target_share
        from targeted
        group by market_class
        """,
        {**f.params, "top": shares["top"], "target": shares["target"]},
    )
    if df.empty:
        return df.assign(market_label=[], customer_share_for_target=[])
    df["customer_share_for_target"] = df["customers_for_target_share"] / df["customers"]
    labels = markets(con)
    df["market_label"] = df["market_class"].map(lambda m: labels.get(m, "所选范围合计"))
    return sort_by_order(df, market_class=(*MARKET_CLASS_ORDER, "*"))
