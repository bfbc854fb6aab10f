"""Tier flows (客户流动, METHODOLOGY.md §8) over a scope's customer-months, with the split of
lost and gained customers by cause (INTERFACES.md §3) — the rules of ``mart_tier_flows``.

For a tier at period p with base period q (``mom``: the month before; ``ytd``: the December
before): start = the scope's customers in the tier at q, end = at p, retained = at both,
lost = at q and not at p, gained = at p and not at q; AUM of the month named. Lost and
gained are split by the move between the two months (ranks and families of seed
``tier_families``, §10): ``lost_downgraded`` / ``lost_upgraded`` (now lower / higher in the
same family), ``lost_left`` (no customer-month of the scope at p, or another family);
``gained_new`` (none at q, or another family), ``gained_upgraded``, ``gained_downgraded``.

Each customer counts in the months it is in the scope, so for an RM a customer handed to
another RM is *lost* (left) and one taken over is *gained* (new); for the bank scope the
figures equal ``mart_tier_flows`` (tested). The dashboard's flows page and the report's
sheet 分层流动 both read :func:`tier_flows`.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import Filters, frame

FLOW_TYPES = ("mom", "ytd")
#: Count columns of a flow row (the mart's names).
COUNTS = (
    "start_customers", "retained_customers", "lost_customers", "lost_downgraded_customers",
    "lost_upgraded_customers", "lost_left_customers", "gained_customers",
    "gained_new_customers", "gained_upgraded_customers", "gained_downgraded_customers",
    "end_customers",
)
#: AUM columns of a flow row (the mart's names, 元).
AMOUNTS = ("start_aum", "retained_start_aum", "retained_end_aum", "lost_start_aum",
           "gained_end_aum", "end_aum")


def base_period(period: date, flow_type: str) -> date:
    """The base period of ``flow_type`` for ``period``: the month before (``mom``) or the
    December before (``ytd``)."""
    if flow_type == "mom":
        return date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)
    if flow_type == "ytd":
        return date(period.year - 1, 12, 1)
    raise ValueError(f"flow_type must be mom or ytd, not {flow_type!r}")


def tier_flows(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
               flow_type: str) -> pd.DataFrame:
    """One row per (market, assessed tier) with a customer of the scope and the filters at
    the base month or the period: the counts of :data:`COUNTS`, the amounts of
    :data:`AMOUNTS`, ``net_customers`` and ``net_aum``, labels (``flow_label``,
    ``market_label``, ``tier_label``) and ``base_period_month``; rows in the methodology's
    order (code_labels). No rows when the base month is not in the serving file."""
    base = base_period(f.period, flow_type)
    move = """case
            when b.tier_family is null or c.tier_family is null
                or b.market_class != c.market_class or b.tier_family != c.tier_family
                then 'outside'
            when c.tier_rank > b.tier_rank then 'up'
            when c.tier_rank < b.tier_rank then 'down'
            else 'same' end"""
    df = frame(
        con, scope,
        f"""
        with
        pair as (
            select cast($period as date) as period_month, cast($base as date) as base_month
            where cast($base as date) in (select period_month from loaded_periods)
        ),
        months as (
            select s.customer_id, s.period_month, s.market_class, s.tier_code, s.avg_aum,
                t.tier_family, t.tier_rank
            from segment as s
            left join parameters.tier_families as t using (market_class, tier_code)
            where s.period_month in (select period_month from pair union
                                     select base_month from pair)
                and {f.where("s", period=False)}
        ),
        at_base as (
            select months.* from months, pair where months.period_month = pair.base_month
        ),
        at_period as (
            select months.* from months, pair where months.period_month = pair.period_month
        ),
        base_side as (
            select b.market_class, b.tier_code, b.avg_aum as start_aum, c.avg_aum as end_aum,
                coalesce(c.market_class = b.market_class and c.tier_code = b.tier_code, false)
                    as retained,
                {move} as move
            from at_base as b left join at_period as c using (customer_id)
        ),
        period_side as (
            select c.market_class, c.tier_code, c.avg_aum as end_aum,
                coalesce(c.market_class = b.market_class and c.tier_code = b.tier_code, false)
                    as retained,
                {move} as move
            from at_period as c left join at_base as b using (customer_id)
        ),
        lost as (
            select market_class, tier_code,
                count(*) as start_customers, sum(start_aum) as start_aum,
                count(*) filter (where retained) as retained_customers,
                coalesce(sum(start_aum) filter (where retained), 0) as retained_start_aum,
                coalesce(sum(end_aum) filter (where retained), 0) as retained_end_aum,
                count(*) filter (where not retained) as lost_customers,
                coalesce(sum(start_aum) filter (where not retained), 0) as lost_start_aum,
                count(*) filter (where not retained and move = 'down')
                    as lost_downgraded_customers,
                count(*) filter (where not retained and move = 'up') as lost_upgraded_customers,
                count(*) filter (where not retained and move not in ('up', 'down'))
                    as lost_left_customers
            from base_side group by market_class, tier_code
        ),
        gained as (
            select market_class, tier_code,
                count(*) as end_customers, sum(end_aum) as end_aum,
                count(*) filter (where not retained) as gained_customers,
                coalesce(sum(end_aum) filter (where not retained), 0) as gained_end_aum,
                count(*) filter (where not retained and move not in ('up', 'down'))
                    as gained_new_customers,
                count(*) filter (where not retained and move = 'up')
                    as gained_upgraded_customers,
                count(*) filter (where not retained and move = 'down')
                    as gained_downgraded_customers
            from period_side group by market_class, tier_code
        )
        select market_class, tier_code, ft.label_zh as flow_label,
            m.label_zh as market_label, t.label_zh as tier_label,
            (select base_month from pair) as base_period_month,
            {", ".join(f"coalesce({c}, 0) as {c}" for c in COUNTS)},
            {", ".join(f"cast(coalesce({a}, 0) as double) as {a}" for a in AMOUNTS)}
        from lost as l
        full join gained as g using (market_class, tier_code)
        left join parameters.code_labels as ft on ft.code_set = 'flow_type' and ft.code = $flow
        left join parameters.code_labels as m
            on m.code_set = 'market_class' and m.code = market_class
        left join parameters.code_labels as t on t.code_set = 'tier_code' and t.code = tier_code
        order by m.sort_order, t.sort_order, market_class, tier_code
        """,
        {**f.params, "base": base, "flow": flow_type},
    )
    for column in COUNTS:
        df[column] = df[column].astype("int64")
    df["net_customers"] = df["end_customers"] - df["start_customers"]
    df["net_aum"] = df["end_aum"] - df["start_aum"]
    df["base_period_month"] = pd.to_datetime(df["base_period_month"]).dt.date
    return df
