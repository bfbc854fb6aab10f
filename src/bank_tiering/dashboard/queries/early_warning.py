"""Queries of the page 流失预警 (METHODOLOGY.md §16) and of the worklists' outcomes (§18), on
the scoped relations.

* the churn-risk bands of the scope's customers (``segment``) by market and assessed tier;
* the back-test (``backtest``): bank-wide per market and band, so the bank scope only — a
  branch or RM scope gets no row (:mod:`bank_tiering.analysis.scoped`);
* the outcomes of a worklist (``outcomes``): per branch, summed over the scope's branches —
  an RM scope gets no row (the mart is not per RM).

The three warning lists themselves are worklists
(:func:`~bank_tiering.dashboard.queries.books.worklist_rows`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.order import MARKET_CLASS_ORDER, TIER_ORDER, sort_by_order
from bank_tiering.analysis.scoped import Filters, frame, parameters_frame

#: The bands from the highest risk down (code_labels churn_risk_band).
BAND_ORDER = ("high", "medium", "low")


def band_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """churn_risk_band -> its Chinese label (code_labels: 高, 中, 低), highest risk first."""
    df = parameters_frame(con, "select code, label_zh from parameters.code_labels "
                               "where code_set = 'churn_risk_band'")
    labels = dict(zip(df["code"], df["label_zh"], strict=True))
    return {band: labels.get(band, band) for band in BAND_ORDER}


def churn_bands(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Customers and AUM per churn-risk band (§16) by market and assessed tier for the
    filters: one line per market × tier × band that has customers, markets, tiers and bands
    in the methodology's order (highest risk first)."""
    df = frame(
        con, scope,
        f"""
        select market_class, max(market_class_label_zh) as market_label, tier_code,
            max(tier_label_zh) as tier_label, churn_risk_band,
            max(churn_risk_band_label_zh) as band_label, count(*) as customers,
            cast(sum(avg_aum) as double) as aum
        from segment where {f.where()}
        group by market_class, tier_code, churn_risk_band
        """,
        f.params,
    )
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER,
                         churn_risk_band=BAND_ORDER)


def backtest(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The back-test of the period (mart_early_warning_backtest, bank-wide): per market
    and band the watched-tier customers flagged, those lost within the horizon and the
    lost share — null while the horizon is incomplete. The market filter applies; the
    branch filter does not (the mart has no branch). Empty for a branch or RM scope."""
    df = frame(
        con, scope,
        f"""
        select period_month, market_class, market_class_label_zh as market_label,
            churn_risk_band, churn_risk_band_label_zh as band_label, flagged_customers,
            lost_customers, lost_share, is_horizon_complete
        from backtest where {f.where(branch=False)}
        """,
        f.params,
    )
    return sort_by_order(df, market_class=MARKET_CLASS_ORDER, churn_risk_band=BAND_ORDER)


def backtest_trend(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Lost share by band month by month, over the months up to the period whose horizon is
    complete (the others have no outcome yet): flagged and lost summed over the markets of
    the filter, lost share = lost ÷ flagged. Empty for a branch or RM scope."""
    markets = f.where(period=False, branch=False)
    df = frame(
        con, scope,
        f"""
        select period_month, churn_risk_band, max(churn_risk_band_label_zh) as band_label,
            cast(sum(flagged_customers) as bigint) as flagged_customers,
            cast(sum(lost_customers) as bigint) as lost_customers,
            cast(sum(lost_customers) as double) / sum(flagged_customers) as lost_share
        from backtest
        where period_month <= $period and is_horizon_complete and {markets}
        group by period_month, churn_risk_band
        """,
        f.params,
    )
    df["period_month"] = pd.to_datetime(df["period_month"]).dt.date
    return sort_by_order(df, churn_risk_band=BAND_ORDER).sort_values(
        "period_month", kind="stable").reset_index(drop=True)


def list_outcomes(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters,
                  list_code: str) -> pd.DataFrame:
    """What one worklist of the period achieved (mart_worklist_outcomes, §18), summed over
    the scope's branches (the branch filter applies; the mart has no market, so the market
    filter does not): one row — entries, contacted, retained, retained among the contacted
    (null while the horizon is incomplete), is_horizon_complete and the branches summed —
    or none (no entry, or an RM scope)."""
    return frame(
        con, scope,
        f"""
        select list_code, count(*) as branches, cast(sum(entries) as bigint) as entries,
            cast(sum(contacted_entries) as bigint) as contacted_entries,
            cast(sum(retained_entries) as bigint) as retained_entries,
            cast(sum(retained_contacted_entries) as bigint) as retained_contacted_entries,
            bool_and(is_horizon_complete) as is_horizon_complete
        from outcomes
        where {f.where(market=False)} and list_code = $list_code
        group by list_code
        """,
        {**f.params, "list_code": list_code},
    )
