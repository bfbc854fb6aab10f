"""Contribution concentration (二八分析) over a scope's customers — the rule of
``mart_contribution_pareto`` (INTERFACES.md §3), per market and over all of them.

Customers are ranked by contribution, highest first (ties by customer_id). The top share
(seed parameter ``pareto_top_customer_share``, 0.2) of them, ceil(top × n) customers, earns
``top_customers_contribution_share`` of the *net* contribution; the smallest number of
customers whose cumulative contribution reaches the target share (``pareto_contribution_share``,
0.8) of the net total is ``customers_for_target_share``. Both are null when the net total
is ≤ 0. The net total is profits minus losses, so the loss-making customers
(``loss_customers``, ``loss_contribution``) pull it down and a top share can exceed 100 %:
every page and sheet that shows the share says so. The dashboard's 贡献集中度 page and the
report's sheet of the same name both read :func:`pareto_summary`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import Filters, frame

#: ``market_class`` of the row over every market of the filters.
ALL_MARKETS = "*"


def pareto_summary(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters, top: float,
                   target: float) -> pd.DataFrame:
    """One row per market of the filtered customers and one over all of them
    (``market_class`` :data:`ALL_MARKETS`, last; ``market_label`` null): customers, net
    ``total_contribution``, ``top_customers``, ``top_customers_contribution`` and its share
    of the net total, ``customers_for_target_share`` and ``customer_share_for_target``,
    ``loss_customers`` and ``loss_contribution`` (the sum of the negative contributions)."""
    return frame(
        con, scope,
        f"""
        with members as (
            select market_class, customer_id, contribution from segment where {f.where()}
            union all
            select '{ALL_MARKETS}', customer_id, contribution from segment where {f.where()}
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
        ),
        concentration as (
            select market_class, max(customers) as customers,
                max(total_contribution) as total_contribution,
                cast(max(top_customers) as bigint) as top_customers,
                sum(contribution) filter (where contribution_rank <= top_customers)
                    as top_customers_contribution,
                min(contribution_rank) filter (
                    where total_contribution > 0 and round(cumulative_contribution, 6)
                        >= round($target * total_contribution, 6))
                    as customers_for_target_share,
                count(*) filter (where contribution < 0) as loss_customers,
                coalesce(sum(contribution) filter (where contribution < 0), 0)
                    as loss_contribution
            from targeted
            group by market_class
        )
        select market_class, m.label_zh as market_label, customers,
            cast(total_contribution as double) as total_contribution, top_customers,
            cast(top_customers_contribution as double) as top_customers_contribution,
            cast(case when total_contribution > 0
                then top_customers_contribution / total_contribution end as double)
                as top_customers_contribution_share,
            customers_for_target_share,
            cast(customers_for_target_share as double) / customers
                as customer_share_for_target,
            loss_customers, cast(loss_contribution as double) as loss_contribution
        from concentration
        left join parameters.code_labels as m
            on m.code_set = 'market_class' and m.code = market_class
        order by market_class = '{ALL_MARKETS}', m.sort_order, market_class
        """,
        {**f.params, "top": top, "target": target},
    )


def pareto_curve(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The filtered customers ranked by contribution (highest first, ties by customer_id)
    with the cumulative share of customers and of the net contribution (the curve drawn;
    the share is null when the net total is ≤ 0)."""
    return frame(
        con, scope,
        f"""
        select customer_id, cast(contribution as double) as contribution,
            row_number() over w as rank,
            cast(row_number() over w as double) / count(*) over () as customer_share,
            cast(case when sum(contribution) over () > 0 then
                sum(contribution) over (w rows between unbounded preceding and current row)
                / sum(contribution) over () end as double) as contribution_share
        from segment where {f.where()}
        window w as (order by contribution desc, customer_id)
        order by rank
        """,
        f.params,
    )
