"""The monthly report's figures, computed in SQL on the serving file for one scope.

Every figure is computed over the scope's customers (a :class:`~bank_tiering.access.scope.
Scope`: the whole bank, or one branch's customers) on the scoped relations of
:mod:`bank_tiering.analysis.scoped` — the same relations and, for the flows, Pareto and
profiles, the same SQL (:mod:`bank_tiering.analysis`) as the dashboard. The flow and Pareto
marts are bank-wide, so a branch's own figures cannot be read from them; the rules are the
marts' own (METHODOLOGY.md §4–§11, INTERFACES.md §3): for the whole bank the results equal
``mart_segment_summary``, ``mart_tier_flows``, ``mart_contribution_pareto`` and
``mart_segment_profile`` (tested). Parameters come from the ``parameters`` schema (the
seeds): tier families and ranks, the Pareto shares of the scope's branch. Only
``marts.*`` (through the scoped relations, and the checks of the serving file here) and
``parameters.*`` are read.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis import flows as shared_flows
from bank_tiering.analysis import pareto as shared_pareto
from bank_tiering.analysis.profiles import segment_profiles
from bank_tiering.analysis.scoped import Filters, frame, scalar_parameters
from bank_tiering.serving import contract_gaps

SEGMENT = "marts.fct_customer_segment"
WORKLIST = "marts.mart_rm_worklist"
RELATIONSHIP_MANAGERS = "marts.dim_relationship_manager"
TIER_FAMILIES = "parameters.tier_families"
CONTRIBUTION = "marts.fct_customer_contribution"
SCALAR_PARAMETERS = "parameters.scalar_parameters"
CODE_LABELS = "parameters.code_labels"

#: What the report reads, with the columns it needs (a serving file published by an older
#: version may lack some: the report then names them instead of failing on a query).
REQUIRED: dict[str, tuple[str, ...]] = {
    SEGMENT: (
        "customer_id", "period_month", "branch_id", "market_class", "market_class_label_zh",
        "tier_code", "tier_label_zh", "value_quadrant", "value_quadrant_label_zh", "avg_aum",
        "contribution", "contribution_group_median", "service_tier_code",
        "service_tier_label_zh", "is_on_watch", "override_id", "age_band", "income_band",
        "occupation_group", "risk_grade", "lifecycle_stage", "activity_level", "aum_band",
    ),
    WORKLIST: (
        "period_month", "list_code", "list_label_zh", "customer_id", "branch_id",
        "market_class_label_zh", "tier_label_zh", "service_tier_label_zh", "avg_aum",
        "reference_tier_label_zh", "reference_period_month", "reference_value", "gap",
        "months_below", "grace_months_left", "priority",
    ),
    CONTRIBUTION: ("customer_id", "period_month"),
    TIER_FAMILIES: ("market_class", "tier_code", "tier_family", "tier_rank"),
    SCALAR_PARAMETERS: ("branch_id", "parameter_name", "parameter_value"),
    CODE_LABELS: ("code_set", "code", "label_zh", "sort_order"),
}


def missing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the serving file lacks of :data:`REQUIRED` (``schema.table`` or
    ``schema.table.column``); empty when it has everything."""
    return contract_gaps(con, REQUIRED)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of ``schema.table`` (empty when it does not exist)."""
    schema, name = table.split(".")
    return {c for (c,) in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
        [schema, name]).fetchall()}


def periods(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every period of the segment fact, oldest first."""
    return [p for (p,) in con.execute(
        f"select distinct period_month from {SEGMENT} order by 1").fetchall()]


def branches(con: duckdb.DuckDBPyConnection, period: date) -> list[str]:
    """The branches with customers in the period."""
    return [b for (b,) in con.execute(
        f"select distinct branch_id from {SEGMENT} where period_month = ? "
        "and branch_id is not null order by 1", [period]).fetchall()]


def _labels_sql(code_set: str, alias: str) -> str:
    return (f"left join {CODE_LABELS} as {alias} on {alias}.code_set = '{code_set}' "
            f"and {alias}.code = ")


def pyramid(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Per market × assessed tier: customers, AUM and contribution, and the customers served
    at the tier (service tier, METHODOLOGY.md §10), of whom on watch and overridden."""
    return frame(con, scope, f"""
        with scoped as (
            select * from segment where period_month = $period
        ),
        assessed as (
            select market_class, tier_code, count(*) as customers,
                sum(avg_aum) as aum, sum(contribution) as contribution
            from scoped group by all
        ),
        served as (
            select market_class, service_tier_code as tier_code,
                count(*) as service_customers,
                count(*) filter (where is_on_watch) as on_watch,
                count(*) filter (where override_id is not null) as overridden
            from scoped group by all
        )
        select market_class, tier_code, m.label_zh as market_label, t.label_zh as tier_label,
            coalesce(a.customers, 0) as customers,
            cast(coalesce(a.aum, 0) as double) as aum,
            cast(coalesce(a.contribution, 0) as double) as contribution,
            coalesce(s.service_customers, 0) as service_customers,
            coalesce(s.on_watch, 0) as on_watch, coalesce(s.overridden, 0) as overridden
        from assessed as a
        full join served as s using (market_class, tier_code)
        {_labels_sql('market_class', 'm')}market_class
        {_labels_sql('tier_code', 't')}tier_code
        order by m.sort_order, t.sort_order
        """, {"period": period})


def quadrants(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Per market × tier × value quadrant (METHODOLOGY.md §5), as mart_segment_summary:
    customers and their share of the market's customers, contribution and its share of the
    market's net contribution (signed; null when that is 0), AUM; and the tier's group
    median contribution, a bank-wide reference value (the quadrant compares with it)."""
    return frame(con, scope, f"""
        with segments as (
            select market_class, tier_code, value_quadrant, count(*) as customers,
                sum(contribution) as contribution, sum(avg_aum) as aum,
                max(contribution_group_median) as group_median
            from segment where period_month = $period group by all
        )
        select market_class, tier_code, value_quadrant, m.label_zh as market_label,
            t.label_zh as tier_label, q.label_zh as quadrant_label, customers,
            cast(customers as double) / sum(customers) over (partition by market_class)
                as customer_share,
            cast(contribution as double) as contribution,
            cast(contribution / nullif(sum(contribution) over (partition by market_class), 0)
                as double) as contribution_share,
            cast(aum as double) as aum,
            cast(contribution as double) / customers as contribution_per_customer,
            cast(group_median as double) as group_median
        from segments
        {_labels_sql('market_class', 'm')}market_class
        {_labels_sql('tier_code', 't')}tier_code
        {_labels_sql('value_quadrant', 'q')}value_quadrant
        order by m.sort_order, t.sort_order, q.sort_order
        """, {"period": period})


def flow_base_periods(con: duckdb.DuckDBPyConnection, period: date) -> dict[str, date]:
    """The base periods of METHODOLOGY.md §8 that are loaded (periods of the marts,
    bank-wide): ``ytd`` the December before, ``mom`` the month before."""
    loaded = set(periods(con))
    return {flow: base for flow in ("ytd", "mom")
            if (base := shared_flows.base_period(period, flow)) in loaded}


def flows(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """METHODOLOGY.md §8 flows of the scope's customers from each loaded base period (year
    start first) to the period, per market × tier, with the split of lost and gained
    customers by cause: :func:`bank_tiering.analysis.flows.tier_flows` (the dashboard's)."""
    frames = [shared_flows.tier_flows(con, scope, Filters(period), flow).assign(flow_type=flow)
              for flow in flow_base_periods(con, period)]
    frames = [df for df in frames if not df.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def pareto_shares(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[float, float]:
    """The scope's Pareto parameters (its branch's where it has them): top customer share
    (0.2) and target contribution share (0.8)."""
    values = scalar_parameters(con, scope.branch_id)
    try:
        return values["pareto_top_customer_share"], values["pareto_contribution_share"]
    except KeyError as missing:
        raise LookupError(f"parameter {missing} is missing from {SCALAR_PARAMETERS}") from None


def pareto(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Concentration of contribution per market (二八分析, the rule of
    mart_contribution_pareto) with the loss-making customers, which pull the net total
    down (a top share can exceed 100 %): :func:`bank_tiering.analysis.pareto.pareto_summary`
    (the dashboard's), per market."""
    df = shared_pareto.pareto_summary(con, scope, Filters(period), *pareto_shares(con, scope))
    return df[df["market_class"] != shared_pareto.ALL_MARKETS].reset_index(drop=True)


def profiles(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Segment profiles (the rule of mart_segment_profile) of the scope's customers:
    :func:`bank_tiering.analysis.profiles.segment_profiles` (the dashboard's)."""
    return segment_profiles(con, scope, Filters(period))


def worklist_sizes(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Every worklist: the lists of code_labels `worklist` and any other list_code the mart
    holds, with the scope's customers, their AUM and the branches they are in (0 when the
    list is empty)."""
    return frame(con, scope, f"""
        with listed as (
            select list_code, max(list_label_zh) as list_label, count(*) as customers,
                cast(coalesce(sum(avg_aum), 0) as double) as aum,
                count(distinct branch_id) as branches
            from worklist where period_month = $period group by list_code
        ),
        known as (
            select code as list_code, label_zh, sort_order from {CODE_LABELS}
            where code_set = 'worklist'
        )
        select list_code, coalesce(k.label_zh, l.list_label) as list_label,
            coalesce(l.customers, 0) as customers, coalesce(l.aum, 0) as aum,
            coalesce(l.branches, 0) as branches
        from known as k full join listed as l using (list_code)
        order by coalesce(k.sort_order, 999), list_code
        """, {"period": period})


def worklist_rows(con: duckdb.DuckDBPyConnection, scope: Scope, period: date,
                  list_code: str) -> pd.DataFrame:
    """The rows of one list for the scope, by branch and priority, with the owner columns
    the mart carries (rm_id, rm_status_label_zh — METHODOLOGY.md §14) and the RM's name
    where dim_relationship_manager is published."""
    columns = table_columns(con, WORKLIST)
    owner = []
    joins = ""
    if "rm_id" in columns:
        owner.append("w.rm_id")
        if "rm_name" in table_columns(con, RELATIONSHIP_MANAGERS):
            owner.append("r.rm_name")
            joins += " left join managers as r on r.rm_id = w.rm_id"
    if "rm_status_label_zh" in columns:
        owner.append("w.rm_status_label_zh as rm_status_label")
    elif "rm_status" in columns:
        owner.append("s.label_zh as rm_status_label")
        joins += f" {_labels_sql('rm_status', 's')}w.rm_status"
    return frame(con, scope, f"""
        select w.branch_id, w.priority, w.customer_id, w.market_class_label_zh as market_label,
            w.tier_label_zh as tier_label, w.service_tier_label_zh as service_tier_label,
            cast(w.avg_aum as double) as avg_aum,
            w.reference_tier_label_zh as reference_tier_label, w.reference_period_month,
            cast(w.reference_value as double) as reference_value, cast(w.gap as double) as gap,
            w.months_below, w.grace_months_left{''.join(', ' + c for c in owner)}
        from worklist as w{joins}
        where w.period_month = $period and w.list_code = $list_code
        order by w.branch_id, w.priority, w.customer_id
        """, {"period": period, "list_code": list_code})


def governance(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> pd.DataFrame:
    """Per market (METHODOLOGY.md §10): customers, on watch (保级关注), served at an
    override in force (人工调整), and served at a tier other than the assessed one."""
    return frame(con, scope, f"""
        select market_class, m.label_zh as market_label, count(*) as customers,
            count(*) filter (where is_on_watch) as on_watch,
            count(*) filter (where override_id is not null) as overridden,
            count(*) filter (where service_tier_code != tier_code) as service_differs
        from segment as s
        {_labels_sql('market_class', 'm')}s.market_class
        where s.period_month = $period
        group by all
        order by max(m.sort_order)
        """, {"period": period})
