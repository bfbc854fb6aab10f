"""Queries of the customer page, on the scoped relations: a customer outside the scope
(another branch's, another RM's, or an unknown id) gets no row at all."""

from __future__ import annotations

import unicodedata
from datetime import date

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import Filters, frame


def normalise_customer_id(text: str | None) -> str:
    """What a user types for a customer id, as it is compared: full-width characters as
    their ASCII forms (NFKC: ``Ｃ０００１２３`` -> ``C000123``), upper case, no white space."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def find_customers(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
                   search: str = "", limit: int = 50) -> pd.DataFrame:
    """The scope's customers for the picker of the customer page: no PII, only
    customer_id, branch_id, the market and tier labels and ``latest_month`` (the month the
    labels are of); ``in_period`` says whether the customer has a month in ``f.period``.

    With an empty ``search``: the customers of the filters in the period, highest
    contributors first. Else every customer of the scope and the branch and market filters
    (any month) whose id contains ``search`` — compared after
    :func:`normalise_customer_id` on both sides, so case and width do not matter — the
    exact id first, then those of the period, then by id; labels of the period's month, or
    of the latest one. At most ``limit`` rows; ``attrs["total"]`` is the number of matches.
    """
    needle = normalise_customer_id(search)
    if not needle:
        sql = f"""
            select customer_id, branch_id, market_class_label_zh as market_label,
                tier_label_zh as tier_label, period_month as latest_month, true as in_period,
                count(*) over () as total
            from segment where {f.where()}
            order by contribution desc, customer_id
            limit $limit
            """
    else:
        sql = f"""
            with matched as (
                select customer_id, period_month, branch_id, market_class_label_zh,
                    tier_label_zh,
                    -- the period's month first, else the latest
                    case when period_month = $period then date '9999-12-01'
                        else period_month end as preference
                from segment
                where strpos(upper(customer_id), $needle) > 0 and {f.where(period=False)}
            )
            select customer_id, arg_max(branch_id, preference) as branch_id,
                arg_max(market_class_label_zh, preference) as market_label,
                arg_max(tier_label_zh, preference) as tier_label,
                arg_max(period_month, preference) as latest_month,
                bool_or(period_month = $period) as in_period,
                count(*) over () as total
            from matched
            group by customer_id
            order by upper(customer_id) = $needle desc, in_period desc, customer_id
            limit $limit
            """
    df = frame(con, scope, sql, {**f.params, "needle": needle, "limit": limit})
    df.attrs["total"] = int(df["total"].iloc[0]) if len(df) else 0
    df["latest_month"] = pd.to_datetime(df["latest_month"]).dt.date
    return df.drop(columns="total")


def customer_history(con: duckdb.DuckDBPyConnection, scope: Scope,
                     customer_id: str) -> pd.DataFrame:
    """Every month of one customer that is in the scope (for an RM: the months the customer
    was in the RM's book): segment facts, the tier governance of METHODOLOGY.md §10
    (service tier and the rule that decided it, watch, override, reasons), the owner (§14),
    the contribution components, the churn-risk points of each indicator with the score and
    band, net outflow and last month's AUM (§16), and the last contact (§18), one row per
    month (period_month a date). Empty for a customer outside the scope or unknown."""
    history = frame(
        con, scope,
        """
        select s.period_month, s.customer_type_label_zh as customer_type_label,
            s.branch_id, s.market_class, s.market_class_label_zh as market_label,
            s.loan_status_label_zh as loan_status_label, s.tier_code,
            s.tier_label_zh as tier_label, s.value_quadrant,
            s.value_quadrant_label_zh as quadrant_label,
            s.lifecycle_stage_label_zh as lifecycle_label,
            s.activity_level_label_zh as activity_label,
            s.service_tier_code, s.service_tier_label_zh as service_tier_label,
            s.service_tier_rule_label_zh as service_tier_rule_label,
            s.months_below, s.is_on_watch, s.grace_months_left,
            s.override_id, s.override_reason, s.override_approved_by,
            s.tier_reason_zh, s.quadrant_reason_zh,
            s.rm_id, m.rm_name, s.rm_status, s.rm_status_label_zh as rm_status_label,
            cast(s.avg_aum as double) as avg_aum,
            cast(s.avg_deposit_balance as double) as avg_deposit_balance,
            cast(s.avg_loan_balance as double) as avg_loan_balance,
            cast(s.contribution as double) as contribution,
            cast(s.contribution_group_median as double) as group_median,
            cast(s.bank_value_score as double) as bank_value_score,
            s.service_strategy_zh,
            cast(c.loan_ftp_income as double) as loan_ftp_income,
            cast(c.deposit_ftp_income as double) as deposit_ftp_income,
            cast(c.fee_income as double) as fee_income,
            cast(c.capital_cost as double) as capital_cost,
            cast(c.operating_cost as double) as operating_cost,
            cast(c.tax_amount as double) as tax_amount,
            cast(c.credit_cost as double) as credit_cost,
            cast(s.previous_avg_aum as double) as previous_avg_aum,
            cast(s.net_outflow as double) as net_outflow,
            s.period_transactions,
            cast(s.activity_base_transactions as double) as activity_base_transactions,
            cast(s.aum_drop_points as double) as aum_drop_points,
            cast(s.outflow_points as double) as outflow_points,
            cast(s.activity_drop_points as double) as activity_drop_points,
            cast(s.low_satisfaction_points as double) as low_satisfaction_points,
            cast(s.no_owner_points as double) as no_owner_points,
            cast(s.churn_risk_score as double) as churn_risk_score,
            s.churn_risk_band, s.churn_risk_band_label_zh as churn_risk_band_label,
            s.last_contact_date, s.days_since_contact
        from segment as s
        left join contribution as c
            on c.customer_id = s.customer_id and c.period_month = s.period_month
        left join managers as m on m.rm_id = s.rm_id
        where s.customer_id = $customer_id
        order by s.period_month
        """,
        {"customer_id": customer_id},
    )
    history["period_month"] = pd.to_datetime(history["period_month"]).dt.date
    history["last_contact_date"] = [None if pd.isna(d) else pd.Timestamp(d).date()
                                    for d in history["last_contact_date"]]
    return history


def cross_sell_recommendations(con: duckdb.DuckDBPyConnection, scope: Scope, customer_id: str,
                               period: date) -> pd.DataFrame:
    """The product families recommended to one customer in a period (mart_cross_sell,
    METHODOLOGY.md §17) — rank, family and its label, the peers' holding rate — if that
    customer-month is in the scope (for an RM: in the RM's book); else empty."""
    return frame(
        con, scope,
        """
        select recommendation_rank, product_family,
            product_family_label_zh as family_label,
            cast(peer_holding_rate as double) as peer_holding_rate
        from cross_sell
        where customer_id = $customer_id and period_month = $period
        order by recommendation_rank
        """,
        {"customer_id": customer_id, "period": period},
    )
