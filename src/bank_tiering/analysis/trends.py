"""Each tier month by month (趋势) over a scope's customer-months — the semantic layer's
metrics (models/semantic, INTERFACES.md §4) computed in the scope.

Per month up to the period and per market × assessed tier: ``customers``, ``aum`` (sum of
avg_aum within the month: a stock, never added across months), ``contribution``,
``contribution_per_customer`` (ratio of sums), ``total_income`` (loan FTP + deposit FTP +
fee income), ``total_cost`` (capital + operating, tax included, + credit cost) and
``cost_income_ratio`` = total_cost ÷ total_income, each summed before dividing (the
metric ``cost_income_ratio``; null when the income is 0); and the tier mix: the tier's
share of the market's customers (``customer_share``). For the bank scope the figures equal
the marts' sums (tested).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import Filters, frame


def tier_trends(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """One row per month (every loaded month up to ``f.period``) × market × assessed tier
    with a customer of the scope and the filters (branch, market), oldest month first,
    markets and tiers in the methodology's order (code_labels); ``period_month`` a date."""
    df = frame(
        con, scope,
        f"""
        with months as (
            select s.period_month, s.market_class, s.tier_code, s.avg_aum, s.contribution,
                c.loan_ftp_income + c.deposit_ftp_income + c.fee_income as income,
                c.capital_cost + c.operating_cost + c.credit_cost as cost
            from segment as s
            left join contribution as c
                on c.customer_id = s.customer_id and c.period_month = s.period_month
            where s.period_month <= $period and {f.where("s", period=False)}
        ),
        tiers as (
            select period_month, market_class, tier_code, count(*) as customers,
                sum(avg_aum) as aum, sum(contribution) as contribution,
                sum(income) as total_income, sum(cost) as total_cost
            from months
            group by period_month, market_class, tier_code
        )
        select period_month, market_class, tier_code, m.label_zh as market_label,
            t.label_zh as tier_label, customers,
            cast(customers as double) / sum(customers) over (
                partition by period_month, market_class) as customer_share,
            cast(aum as double) as aum, cast(contribution as double) as contribution,
            cast(contribution as double) / customers as contribution_per_customer,
            cast(total_income as double) as total_income,
            cast(total_cost as double) as total_cost,
            cast(total_cost / nullif(total_income, 0) as double) as cost_income_ratio
        from tiers
        left join parameters.code_labels as m
            on m.code_set = 'market_class' and m.code = market_class
        left join parameters.code_labels as t on t.code_set = 'tier_code' and t.code = tier_code
        order by period_month, m.sort_order, t.sort_order, market_class, tier_code
        """,
        f.params,
    )
    df["period_month"] = pd.to_datetime(df["period_month"]).dt.date
    return df
