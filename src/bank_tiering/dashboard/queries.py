"""The dashboard's queries: marts of the serving file in, pandas frames out.

Everything here is plain DuckDB + pandas (no Streamlit), so the pages stay thin and the
numbers can be tested directly. Money is cast to DOUBLE on the way out (the marts may
hold DECIMAL). Only marts (``marts.*``) and parameter seeds (``parameters.*``) are read.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bank_tiering.summary import MARKET_CLASS_ORDER, QUADRANT_ORDER, TIER_ORDER

SEGMENT = "marts.fct_customer_segment"
CONTRIBUTION = "marts.fct_customer_contribution"
FLOWS = "marts.mart_tier_flows"
PARETO = "marts.mart_contribution_pareto"
WORKLIST = "marts.mart_rm_worklist"
SCALAR_PARAMETERS = "parameters.scalar_parameters"
CODE_LABELS = "parameters.code_labels"

#: What the pages read, with the columns INTERFACES.md §3 makes contract (the marts carry
#: more, e.g. labels; a table listed without columns only has to exist). A serving file
#: that lacks one was not published by this version (e.g. an old file): the page says so
#: once (:func:`contract_gaps`) instead of failing on a query.
CONTRACT: dict[str, tuple[str, ...]] = {
    SEGMENT: (
        "customer_id", "period_month", "customer_type", "branch_id", "loan_status",
        "market_class", "corporate_category", "tier_code", "tier_label_zh", "activity_level",
        "lifecycle_stage", "age_band", "income_band", "occupation_group", "risk_grade",
        "bank_value_score", "contribution", "value_quadrant", "value_quadrant_label_zh",
        "service_strategy_zh", "service_tier_code", "service_tier_label_zh", "months_below",
        "is_on_watch", "grace_months_left", "override_id", "override_reason", "tier_basis",
        "tier_basis_value", "tier_line_value", "next_tier_line_value", "gap_to_next_tier",
        "tier_reason_zh", "quadrant_reason_zh",
    ),
    WORKLIST: (
        "period_month", "list_code", "list_label_zh", "customer_id", "branch_id",
        "market_class", "tier_code", "service_tier_code", "avg_aum", "reference_value", "gap",
        "months_below", "grace_months_left", "priority",
    ),
    CONTRIBUTION: (), FLOWS: (), PARETO: (), SCALAR_PARAMETERS: (), CODE_LABELS: (),
}


class ServingFileMissing(FileNotFoundError):
    """No serving file yet (nothing was published)."""


@contextmanager
def serving_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the serving file read-only for one page run, and close it afterwards.

    Closing matters: inside one process DuckDB hands out the already-open database while
    any connection to the path is open, so only a closed connection lets the next run see
    a newly published file.
    """
    if not Path(path).exists():
        raise ServingFileMissing(str(path))
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters: one period, and optionally one branch and one market."""

    period: date
    branch: str | None = None
    market: str | None = None

    def segment_where(self, alias: str = "", with_branch: bool = True) -> tuple[str, list[Any]]:
        """SQL predicate and parameters of these filters on a customer-month table;
        ``with_branch=False`` for bank-wide marts, which have no branch."""
        p = f"{alias}." if alias else ""
        clauses = [f"{p}period_month = ?"]
        params: list[Any] = [self.period]
        if with_branch and self.branch is not None:
            clauses.append(f"{p}branch_id = ?")
            params.append(self.branch)
        if self.market is not None:
            clauses.append(f"{p}market_class = ?")
            params.append(self.market)
        return " and ".join(clauses), params


def _rank(order: tuple[str, ...], code: object) -> int:
    return order.index(code) if code in order else len(order)


def _sorted(df: pd.DataFrame, **orders: tuple[str, ...]) -> pd.DataFrame:
    if df.empty:
        return df.reset_index(drop=True)
    keys = [df[col].map(lambda v, o=order: _rank(o, v)) for col, order in orders.items()]
    frame = df.assign(**{f"_k{i}": k for i, k in enumerate(keys)})
    return frame.sort_values([f"_k{i}" for i in range(len(keys))]).drop(
        columns=[f"_k{i}" for i in range(len(keys))]).reset_index(drop=True)


def contract_gaps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the serving file lacks of :data:`CONTRACT`: ``"schema.table"`` for a missing
    table, ``"schema.table.column"`` for a missing column; empty when it has everything."""
    present: dict[str, set[str]] = {}
    for schema, table, column in con.execute(
            "select schema_name, table_name, column_name from duckdb_columns()").fetchall():
        present.setdefault(f"{schema}.{table}", set()).add(column)
    gaps = []
    for table, columns in CONTRACT.items():
        if table not in present:
            gaps.append(table)
        else:
            gaps.extend(f"{table}.{c}" for c in columns if c not in present[table])
    return gaps


# --------------------------------------------------------------------------------------
# Filter options
# --------------------------------------------------------------------------------------


def periods(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Periods of the segment mart, latest first."""
    rows = con.execute(
        f"select distinct period_month from {SEGMENT} order by period_month desc"
    ).fetchall()
    return [r[0] for r in rows]


def branches(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        f"select distinct branch_id from {SEGMENT} where branch_id is not null order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def markets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """market_class -> its Chinese label, in the methodology's order."""
    rows = con.execute(
        f"select market_class, max(market_class_label_zh) from {SEGMENT} group by 1"
    ).fetchall()
    return dict(sorted(rows, key=lambda r: _rank(MARKET_CLASS_ORDER, r[0])))


# --------------------------------------------------------------------------------------
# Overview: tier pyramid per market
# --------------------------------------------------------------------------------------


def totals(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, float]:
    """Customers, AUM (sum of avg_aum) and contribution of the filtered customer-months,
    and how many of them are on watch (保级关注), served at an override (人工调整), or
    served at another tier than the assessed one (METHODOLOGY.md §10)."""
    where, params = f.segment_where()
    row = con.execute(
        f"""
        select count(*), cast(coalesce(sum(avg_aum), 0) as double),
            cast(coalesce(sum(contribution), 0) as double),
            count(*) filter (where is_on_watch),
            count(*) filter (where override_id is not null),
            count(*) filter (where service_tier_code != tier_code)
        from {SEGMENT} where {where}
        """,
        params,
    ).fetchone()
    customers, aum, contribution, on_watch, overridden, differs = row or (0, 0, 0, 0, 0, 0)
    return {"customers": int(customers), "aum": float(aum), "contribution": float(contribution),
            "on_watch": int(on_watch), "overridden": int(overridden),
            "service_differs": int(differs)}


def tier_pyramid(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per market × tier: customers, aum, contribution by the assessed tier, with
    the customer share within the market; and beside them the customers served at the tier
    (service tier, METHODOLOGY.md §10), of whom on watch and overridden.

    A tier that only serves customers (e.g. held there by an override) has a row with 0
    assessed customers. Rows are in the methodology's order (market, then tier from the
    top tier down).
    """
    where, params = f.segment_where()
    df = con.execute(
        f"""
        with filtered as (
            select * from {SEGMENT} where {where}
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
        params,
    ).df()
    if df.empty:
        return df
    by_market = df.groupby("market_class")["customers"].transform("sum")
    df["customer_share"] = df["customers"] / by_market
    df["aum_per_customer"] = (df["aum"] / df["customers"]).where(df["customers"] > 0)
    df["tier_rank"] = df["tier_code"].map(lambda v: _rank(TIER_ORDER, v))
    return _sorted(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


# --------------------------------------------------------------------------------------
# Value quadrants
# --------------------------------------------------------------------------------------


def quadrant_groups(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The (market_class, tier_code) groups of the filtered customers, largest first."""
    where, params = f.segment_where()
    df = con.execute(
        f"""
        select market_class, max(market_class_label_zh) as market_label,
            tier_code, max(tier_label_zh) as tier_label, count(*) as customers
        from {SEGMENT} where {where}
        group by market_class, tier_code
        """,
        params,
    ).df()
    return _sorted(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


def quadrant_points(con: duckdb.DuckDBPyConnection, f: Filters, market_class: str,
                    tier_code: str) -> pd.DataFrame:
    """Each customer of one (market_class, tier_code) group: contribution, bank_value_score,
    quadrant, and the group's median contribution (the x line of METHODOLOGY.md §5)."""
    where, params = f.segment_where()
    return con.execute(
        f"""
        select customer_id, branch_id,
            cast(contribution as double) as contribution,
            cast(bank_value_score as double) as bank_value_score,
            value_quadrant, value_quadrant_label_zh as quadrant_label,
            cast(contribution_group_median as double) as group_median,
            cast(avg_aum as double) as aum
        from {SEGMENT}
        where {where} and market_class = ? and tier_code = ?
        order by customer_id
        """,
        [*params, market_class, tier_code],
    ).df()


def quadrant_summary(points: pd.DataFrame) -> pd.DataFrame:
    """Customers, contribution and AUM per quadrant of the points, in quadrant order."""
    if points.empty:
        return pd.DataFrame(columns=["value_quadrant", "quadrant_label", "customers",
                                     "contribution", "aum"])
    df = points.groupby(["value_quadrant", "quadrant_label"], as_index=False).agg(
        customers=("customer_id", "count"), contribution=("contribution", "sum"),
        aum=("aum", "sum"))
    return _sorted(df, value_quadrant=QUADRANT_ORDER)


def scalar_parameter(con: duckdb.DuckDBPyConnection, name: str,
                     branch: str | None = None) -> float | None:
    """A scalar parameter (seed scalar_parameters): the branch's row when it has one,
    else the bank-wide ``*`` row (METHODOLOGY.md §6)."""
    row = con.execute(
        f"""
        select cast(parameter_value as double) from {SCALAR_PARAMETERS}
        where parameter_name = ? and branch_id in ('*', ?)
        order by case when branch_id = '*' then 1 else 0 end
        limit 1
        """,
        [name, branch or "*"],
    ).fetchone()
    return float(row[0]) if row else None


# --------------------------------------------------------------------------------------
# Tier flows
# --------------------------------------------------------------------------------------


def tier_flows(con: duckdb.DuckDBPyConnection, f: Filters, flow_type: str) -> pd.DataFrame:
    """mart_tier_flows of the period (bank-wide: the mart has no branch) for one flow type."""
    where, params = f.segment_where(with_branch=False)
    df = con.execute(
        f"""
        select market_class, market_class_label_zh as market_label, tier_code,
            tier_label_zh as tier_label, base_period_month,
            start_customers, cast(start_aum as double) as start_aum,
            retained_customers, cast(retained_start_aum as double) as retained_start_aum,
            cast(retained_end_aum as double) as retained_end_aum,
            lost_customers, cast(lost_start_aum as double) as lost_start_aum,
            gained_customers, cast(gained_end_aum as double) as gained_end_aum,
            end_customers, cast(end_aum as double) as end_aum
        from {FLOWS} where flow_type = ? and {where}
        """,
        [flow_type, *params],
    ).df()
    if df.empty:
        return df
    df["net_customers"] = df["end_customers"] - df["start_customers"]
    df["net_aum"] = df["end_aum"] - df["start_aum"]
    return _sorted(df, market_class=MARKET_CLASS_ORDER, tier_code=TIER_ORDER)


# --------------------------------------------------------------------------------------
# Pareto
# --------------------------------------------------------------------------------------


def pareto_shares(con: duckdb.DuckDBPyConnection, period: date) -> dict[str, float]:
    """The Pareto parameters the mart was built with: top customer share (0.2) and
    target contribution share (0.8)."""
    row = con.execute(
        f"select max(top_customer_share), max(target_contribution_share) from {PARETO} "
        "where period_month = ?",
        [period],
    ).fetchone()
    if not row or row[0] is None:
        return {"top": float("nan"), "target": float("nan")}
    return {"top": float(row[0]), "target": float(row[1])}


def pareto_curve(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Customers ranked by contribution (highest first, ties by customer_id) with the
    cumulative share of customers and of the net contribution (Lorenz/Pareto curve)."""
    where, params = f.segment_where()
    df = con.execute(
        f"""
        select customer_id, cast(contribution as double) as contribution
        from {SEGMENT} where {where}
        order by contribution desc, customer_id
        """,
        params,
    ).df()
    n = len(df)
    total = float(df["contribution"].sum()) if n else 0.0
    df["rank"] = range(1, n + 1)
    df["customer_share"] = df["rank"] / n if n else []
    df["cumulative_contribution"] = df["contribution"].cumsum()
    df["contribution_share"] = (df["cumulative_contribution"] / total) if total > 0 else math.nan
    df.attrs["total"] = total
    return df


def pareto_figures(curve: pd.DataFrame, top_share: float, target_share: float) -> dict:
    """The mart's two figures from a curve: contribution share of the top ``top_share`` of
    customers (ceil), and the smallest customer share whose contribution reaches
    ``target_share`` of the total; None when the total is ≤ 0 (INTERFACES.md §3)."""
    n = len(curve)
    total = curve.attrs.get("total", float(curve["contribution"].sum()) if n else 0.0)
    if n == 0 or total <= 0 or math.isnan(top_share) or math.isnan(target_share):
        return {"customers": n, "top_customers": None, "top_share": None,
                "customers_for_target": None, "customer_share_for_target": None}
    top = math.ceil(round(top_share * n, 9))
    top_contribution = float(curve["contribution"].iloc[:top].sum())
    reached = curve.index[curve["cumulative_contribution"] >= target_share * total]
    k = int(curve.loc[reached[0], "rank"]) if len(reached) else n
    return {"customers": n, "top_customers": top, "top_share": top_contribution / total,
            "customers_for_target": k, "customer_share_for_target": k / n}


def pareto_mart(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """mart_contribution_pareto of the period (per market; the mart has no branch)."""
    where, params = f.segment_where(with_branch=False)
    df = con.execute(
        f"""
        select market_class, market_class_label_zh as market_label, customers,
            cast(total_contribution as double) as total_contribution,
            top_customers, top_customers_contribution_share,
            customers_for_target_share, customer_share_for_target
        from {PARETO} where {where}
        """,
        params,
    ).df()
    return _sorted(df, market_class=MARKET_CLASS_ORDER)


# --------------------------------------------------------------------------------------
# RM worklists (mart_rm_worklist, METHODOLOGY.md §11)
# --------------------------------------------------------------------------------------


def worklist_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every worklist (code_labels ``worklist``, in its order) with its customers and AUM
    for the filters; a list without rows has 0."""
    where, params = f.segment_where()
    return con.execute(
        f"""
        with counted as (
            select list_code, count(*) as customers, cast(sum(avg_aum) as double) as aum
            from {WORKLIST} where {where}
            group by list_code
        )
        select l.code as list_code, l.label_zh as list_label,
            coalesce(c.customers, 0) as customers, coalesce(c.aum, 0) as aum
        from {CODE_LABELS} as l
        left join counted as c on c.list_code = l.code
        where l.code_set = 'worklist'
        order by l.sort_order, l.code
        """,
        params,
    ).df()


def worklist_rows(con: duckdb.DuckDBPyConnection, f: Filters, list_code: str,
                  limit: int = 100) -> pd.DataFrame:
    """The rows of one list, by branch then priority (1 = highest avg_aum in the branch),
    at most ``limit``; ``attrs["total"]`` is the list's size for the filters."""
    where, params = f.segment_where()
    df = con.execute(
        f"""
        select branch_id, priority, customer_id, market_class_label_zh as market_label,
            tier_code, tier_label_zh as tier_label, service_tier_code,
            service_tier_label_zh as service_tier_label,
            cast(avg_aum as double) as avg_aum,
            reference_tier_code, reference_tier_label_zh as reference_tier_label,
            reference_period_month,
            cast(reference_value as double) as reference_value,
            cast(gap as double) as gap, months_below, grace_months_left,
            count(*) over () as total
        from {WORKLIST}
        where {where} and list_code = ?
        order by branch_id, priority, customer_id
        limit ?
        """,
        [*params, list_code, limit],
    ).df()
    df.attrs["total"] = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns="total")


# --------------------------------------------------------------------------------------
# Customer page
# --------------------------------------------------------------------------------------


def top_customers(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 500) -> list[str]:
    """Customers of the filters by contribution, highest first (the page's choices)."""
    where, params = f.segment_where()
    rows = con.execute(
        f"select customer_id from {SEGMENT} where {where} "
        "order by contribution desc, customer_id limit ?",
        [*params, limit],
    ).fetchall()
    return [r[0] for r in rows]


def customer_history(con: duckdb.DuckDBPyConnection, customer_id: str) -> pd.DataFrame:
    """Every month of one customer: segment facts, the tier governance of METHODOLOGY.md
    §10 (service tier and the rule that decided it, watch, override, reasons) and the
    contribution components, one row per month (period_month a date)."""
    history = con.execute(
        f"""
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
            cast(c.credit_cost as double) as credit_cost
        from {SEGMENT} as s
        left join {CONTRIBUTION} as c
            on c.customer_id = s.customer_id and c.period_month = s.period_month
        where s.customer_id = ?
        order by s.period_month
        """,
        [customer_id],
    ).df()
    history["period_month"] = history["period_month"].dt.date  # comparable with Filters
    return history
