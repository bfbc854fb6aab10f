"""The monthly report's figures, computed in SQL on the serving file for one scope.

Every figure is computed here from ``marts.fct_customer_segment`` (and
``marts.mart_rm_worklist``) over the scope's customers: the whole bank, or the customers
of one branch (``branch_id``) — the flow and Pareto marts are bank-wide, so a branch's own
figures cannot be read from them. The rules are the marts' own (METHODOLOGY.md §4–§11,
INTERFACES.md §3): for the whole bank the results equal ``mart_segment_summary``,
``mart_tier_flows``, ``mart_contribution_pareto`` and ``mart_segment_profile`` (tested), so
a branch's figures follow the same definitions. Parameters come from the ``parameters``
schema (the seeds): tier families and ranks, the Pareto shares of the scope's branch.
Only ``marts.*`` and ``parameters.*`` are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from bank_tiering.serving import contract_gaps

SEGMENT = "marts.fct_customer_segment"
WORKLIST = "marts.mart_rm_worklist"
RELATIONSHIP_MANAGERS = "marts.dim_relationship_manager"
TIER_FAMILIES = "parameters.tier_families"
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
    TIER_FAMILIES: ("market_class", "tier_code", "tier_family", "tier_rank"),
    SCALAR_PARAMETERS: ("branch_id", "parameter_name", "parameter_value"),
    CODE_LABELS: ("code_set", "code", "label_zh", "sort_order"),
}

#: The profile dimensions of mart_segment_profile (doc `segment_profile_rule`) and the
#: market classes each applies to (None: every one): a null value is `not_applicable`
#: outside them, `unknown` inside.
PROFILE_DIMENSIONS: dict[str, tuple[str, ...] | None] = {
    "age_band": ("retail",), "income_band": ("retail",), "occupation_group": ("retail",),
    "risk_grade": ("corporate", "institution"), "lifecycle_stage": None,
    "activity_level": None, "aum_band": None,
}


@dataclass(frozen=True)
class Scope:
    """The report's period and customers: the whole bank, or one branch's customers."""

    period: date
    branch: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        """Predicate (and parameters) restricting a customer-level table to the scope's
        customers — every period; callers add the period."""
        if self.branch is None:
            return "true", []
        return f"{alias + '.' if alias else ''}branch_id = ?", [self.branch]


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


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _labels_sql(code_set: str, alias: str) -> str:
    return (f"left join {CODE_LABELS} as {alias} on {alias}.code_set = '{code_set}' "
            f"and {alias}.code = ")


def pyramid(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per market × assessed tier: customers, AUM and contribution, and the customers served
    at the tier (service tier, METHODOLOGY.md §10), of whom on watch and overridden."""
    where, params = scope.where()
    return _frame(con, f"""
        with scoped as (
            select * from {SEGMENT} where period_month = ? and {where}
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
        """, [scope.period, *params])


def quadrants(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per market × tier × value quadrant (METHODOLOGY.md §5), as mart_segment_summary:
    customers and their share of the market's customers, contribution and its share of the
    market's net contribution (signed; null when that is 0), AUM; and the tier's group
    median contribution, a bank-wide reference value (the quadrant compares with it)."""
    where, params = scope.where()
    return _frame(con, f"""
        with scoped as (
            select * from {SEGMENT} where period_month = ? and {where}
        ),
        segments as (
            select market_class, tier_code, value_quadrant, count(*) as customers,
                sum(contribution) as contribution, sum(avg_aum) as aum,
                max(contribution_group_median) as group_median
            from scoped group by all
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
        """, [scope.period, *params])


def flow_base_periods(con: duckdb.DuckDBPyConnection, period: date) -> dict[str, date]:
    """The base periods of METHODOLOGY.md §8 that are loaded (periods of the marts,
    bank-wide): ``ytd`` the December before, ``mom`` the month before."""
    loaded = set(periods(con))
    december = date(period.year - 1, 12, 1)
    month_before = date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)
    return {flow: base for flow, base in (("ytd", december), ("mom", month_before))
            if base in loaded}


def flows(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """METHODOLOGY.md §8 flows of the scope's customers from each loaded base period to the
    period, per market × tier, with the split of lost and gained customers by cause (seed
    tier_families ranks): the rules of mart_tier_flows (macro segmentation_tier_move)."""
    bases = flow_base_periods(con, scope.period)
    if not bases:
        return pd.DataFrame()
    where, params = scope.where()
    pairs = " union all ".join("select ? as flow_type, cast(? as date) as base_period_month"
                               for _ in bases)
    pair_params = [v for flow, base in bases.items() for v in (flow, base)]
    move = """case
            when b.tier_family is null or c.tier_family is null
                or b.market_class != c.market_class or b.tier_family != c.tier_family
                then 'outside'
            when c.tier_rank > b.tier_rank then 'up'
            when c.tier_rank < b.tier_rank then 'down'
            else 'same' end"""
    return _frame(con, f"""
        with pairs as ({pairs}),
        segments as (
            select s.customer_id, s.period_month, s.market_class, s.tier_code, s.avg_aum,
                f.tier_family, f.tier_rank
            from {SEGMENT} as s
            left join {TIER_FAMILIES} as f using (market_class, tier_code)
            where {where}
        ),
        current_months as (select * from segments where period_month = ?),
        base_side as (
            select p.flow_type, p.base_period_month, b.market_class, b.tier_code,
                b.avg_aum as start_aum, c.avg_aum as end_aum,
                coalesce(c.market_class = b.market_class and c.tier_code = b.tier_code, false)
                    as retained,
                {move} as move
            from pairs as p
            join segments as b on b.period_month = p.base_period_month
            left join current_months as c on c.customer_id = b.customer_id
        ),
        current_side as (
            select p.flow_type, p.base_period_month, c.market_class, c.tier_code,
                c.avg_aum as end_aum,
                coalesce(c.market_class = b.market_class and c.tier_code = b.tier_code, false)
                    as retained,
                {move} as move
            from pairs as p
            cross join current_months as c
            left join segments as b
                on b.customer_id = c.customer_id and b.period_month = p.base_period_month
        ),
        lost as (
            select flow_type, base_period_month, market_class, tier_code,
                count(*) as start_customers, sum(start_aum) as start_aum,
                count(*) filter (where retained) as retained_customers,
                coalesce(sum(start_aum) filter (where retained), 0) as retained_start_aum,
                coalesce(sum(end_aum) filter (where retained), 0) as retained_end_aum,
                count(*) filter (where not retained) as lost_customers,
                coalesce(sum(start_aum) filter (where not retained), 0) as lost_start_aum,
                count(*) filter (where not retained and move = 'down') as lost_downgraded,
                count(*) filter (where not retained and move = 'up') as lost_upgraded,
                count(*) filter (where not retained and move not in ('up', 'down'))
                    as lost_left
            from base_side group by all
        ),
        gained as (
            select flow_type, base_period_month, market_class, tier_code,
                count(*) as end_customers, sum(end_aum) as end_aum,
                count(*) filter (where not retained) as gained_customers,
                coalesce(sum(end_aum) filter (where not retained), 0) as gained_end_aum,
                count(*) filter (where not retained and move not in ('up', 'down'))
                    as gained_new,
                count(*) filter (where not retained and move = 'up') as gained_upgraded,
                count(*) filter (where not retained and move = 'down') as gained_downgraded
            from current_side group by all
        )
        select flow_type, base_period_month, market_class, tier_code,
            ft.label_zh as flow_label, m.label_zh as market_label, t.label_zh as tier_label,
            coalesce(l.start_customers, 0) as start_customers,
            cast(coalesce(l.start_aum, 0) as double) as start_aum,
            coalesce(l.retained_customers, 0) as retained_customers,
            cast(coalesce(l.retained_start_aum, 0) as double) as retained_start_aum,
            cast(coalesce(l.retained_end_aum, 0) as double) as retained_end_aum,
            coalesce(l.lost_customers, 0) as lost_customers,
            coalesce(l.lost_downgraded, 0) as lost_downgraded,
            coalesce(l.lost_upgraded, 0) as lost_upgraded,
            coalesce(l.lost_left, 0) as lost_left,
            cast(coalesce(l.lost_start_aum, 0) as double) as lost_start_aum,
            coalesce(g.gained_customers, 0) as gained_customers,
            coalesce(g.gained_new, 0) as gained_new,
            coalesce(g.gained_upgraded, 0) as gained_upgraded,
            coalesce(g.gained_downgraded, 0) as gained_downgraded,
            cast(coalesce(g.gained_end_aum, 0) as double) as gained_end_aum,
            coalesce(g.end_customers, 0) as end_customers,
            cast(coalesce(g.end_aum, 0) as double) as end_aum
        from lost as l
        full join gained as g using (flow_type, base_period_month, market_class, tier_code)
        {_labels_sql('flow_type', 'ft')}flow_type
        {_labels_sql('market_class', 'm')}market_class
        {_labels_sql('tier_code', 't')}tier_code
        order by case flow_type when 'ytd' then 1 else 2 end, m.sort_order, t.sort_order
        """, [*pair_params, *params, scope.period])


def scalar_parameters(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, float]:
    """The scope's scalar parameters (seed scalar_parameters): the branch's row where it has
    one, else the bank-wide `*` row (METHODOLOGY.md §6)."""
    rows = con.execute(
        f"select parameter_name, cast(parameter_value as double) from {SCALAR_PARAMETERS} "
        "where branch_id in ('*', ?) "
        "order by parameter_name, case when branch_id = '*' then 1 else 0 end",
        [scope.branch or "*"]).fetchall()
    values: dict[str, float] = {}
    for name, value in rows:
        values.setdefault(name, float(value))
    return values


def pareto_shares(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[float, float]:
    """The scope's Pareto parameters: top customer share (0.2) and target contribution
    share (0.8)."""
    values = scalar_parameters(con, scope)
    try:
        return values["pareto_top_customer_share"], values["pareto_contribution_share"]
    except KeyError as missing:
        raise LookupError(f"parameter {missing} is missing from {SCALAR_PARAMETERS}") from None


def pareto(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Concentration of contribution per market (二八分析, the rule of
    mart_contribution_pareto): customers ranked by contribution (ties by customer_id), the
    ceil(top share × n) top customers' share of the net total, and the smallest k whose
    cumulative contribution reaches the target share of it (null when the net total is
    ≤ 0); with the loss-making customers, which pull the net total down (a top share can
    exceed 100 %)."""
    top, target = pareto_shares(con, scope)
    where, params = scope.where()
    return _frame(con, f"""
        with ranked as (
            select market_class, contribution,
                row_number() over w as contribution_rank,
                sum(contribution) over (w rows between unbounded preceding and current row)
                    as cumulative,
                count(*) over (partition by market_class) as customers,
                sum(contribution) over (partition by market_class) as total
            from {SEGMENT}
            where period_month = ? and {where}
            window w as (partition by market_class
                         order by contribution desc, customer_id asc)
        ),
        concentration as (
            select market_class, max(customers) as customers, max(total) as total,
                ceil(round(? * max(customers), 9)) as top_customers,
                sum(contribution) filter (
                    where contribution_rank <= ceil(round(? * customers, 9))) as top_total,
                min(case when total > 0 and round(cumulative, 6) >= round(? * total, 6)
                    then contribution_rank end) as customers_for_target,
                count(*) filter (where contribution < 0) as loss_customers,
                coalesce(sum(contribution) filter (where contribution < 0), 0) as loss_total
            from ranked group by market_class
        )
        select market_class, m.label_zh as market_label, customers,
            cast(total as double) as total_contribution,
            cast(top_customers as bigint) as top_customers,
            cast(top_total as double) as top_contribution,
            case when total > 0 then cast(top_total / total as double) end as top_share,
            customers_for_target,
            cast(customers_for_target as double) / customers as customer_share_for_target,
            loss_customers, cast(loss_total as double) as loss_total
        from concentration
        {_labels_sql('market_class', 'm')}market_class
        order by m.sort_order
        """, [scope.period, *params, top, top, target])


def profiles(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Segment profiles (the rule of mart_segment_profile, doc `segment_profile_rule`) of
    the scope's customers: per market × tier × dimension × value, customers and their share
    of the tier, AUM (total, mean) and contribution."""
    where, params = scope.where()
    values = []
    for dimension, markets in PROFILE_DIMENSIONS.items():
        inside = "true" if markets is None else \
            "market_class in (" + ", ".join(f"'{m}'" for m in markets) + ")"
        values.append(
            f"select market_class, tier_code, '{dimension}' as profile_dimension, "
            f"coalesce({dimension}, case when {inside} then 'unknown' else 'not_applicable' "
            f"end) as profile_value, avg_aum, contribution from scoped")
    return _frame(con, f"""
        with scoped as (
            select * from {SEGMENT} where period_month = ? and {where}
        ),
        profile_values as ({' union all '.join(values)}),
        grouped as (
            select market_class, tier_code, profile_dimension, profile_value,
                count(*) as customers, sum(avg_aum) as aum, sum(contribution) as contribution
            from profile_values group by all
        )
        select market_class, tier_code, profile_dimension, profile_value,
            m.label_zh as market_label, t.label_zh as tier_label, d.label_zh as dimension_label,
            coalesce(v.label_zh, g.label_zh) as value_label, customers,
            cast(customers as double) / sum(customers) over (
                partition by market_class, tier_code, profile_dimension) as customer_share,
            cast(aum as double) as aum, cast(aum as double) / customers as mean_aum,
            cast(contribution as double) as contribution
        from grouped
        {_labels_sql('market_class', 'm')}market_class
        {_labels_sql('tier_code', 't')}tier_code
        {_labels_sql('profile_dimension', 'd')}profile_dimension
        left join {CODE_LABELS} as v
            on v.code_set = profile_dimension and v.code = profile_value
        {_labels_sql('profile_value', 'g')}profile_value
        order by m.sort_order, t.sort_order, d.sort_order,
            coalesce(v.sort_order, g.sort_order), profile_value
        """, [scope.period, *params])


def worklist_sizes(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every worklist: the lists of code_labels `worklist` and any other list_code the mart
    holds, with the scope's customers, their AUM and the branches they are in (0 when the
    list is empty)."""
    where, params = scope.where()
    return _frame(con, f"""
        with listed as (
            select list_code, max(list_label_zh) as list_label, count(*) as customers,
                cast(coalesce(sum(avg_aum), 0) as double) as aum,
                count(distinct branch_id) as branches
            from {WORKLIST} where period_month = ? and {where} group by list_code
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
        """, [scope.period, *params])


def worklist_rows(con: duckdb.DuckDBPyConnection, scope: Scope, list_code: str) -> pd.DataFrame:
    """The rows of one list for the scope, by branch and priority, with the owner columns
    the mart carries (rm_id, rm_status_label_zh — METHODOLOGY.md §14) and the RM's name
    where dim_relationship_manager is published."""
    where, params = scope.where("w")
    columns = table_columns(con, WORKLIST)
    owner = []
    joins = ""
    if "rm_id" in columns:
        owner.append("w.rm_id")
        if "rm_name" in table_columns(con, RELATIONSHIP_MANAGERS):
            owner.append("r.rm_name")
            joins += f" left join {RELATIONSHIP_MANAGERS} as r on r.rm_id = w.rm_id"
    if "rm_status_label_zh" in columns:
        owner.append("w.rm_status_label_zh as rm_status_label")
    elif "rm_status" in columns:
        owner.append("s.label_zh as rm_status_label")
        joins += f" {_labels_sql('rm_status', 's')}w.rm_status"
    return _frame(con, f"""
        select w.branch_id, w.priority, w.customer_id, w.market_class_label_zh as market_label,
            w.tier_label_zh as tier_label, w.service_tier_label_zh as service_tier_label,
            cast(w.avg_aum as double) as avg_aum,
            w.reference_tier_label_zh as reference_tier_label, w.reference_period_month,
            cast(w.reference_value as double) as reference_value, cast(w.gap as double) as gap,
            w.months_below, w.grace_months_left{''.join(', ' + c for c in owner)}
        from {WORKLIST} as w{joins}
        where w.period_month = ? and w.list_code = ? and {where}
        order by w.branch_id, w.priority, w.customer_id
        """, [scope.period, list_code, *params])


def governance(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Per market (METHODOLOGY.md §10): customers, on watch (保级关注), served at an
    override in force (人工调整), and served at a tier other than the assessed one."""
    where, params = scope.where()
    return _frame(con, f"""
        select market_class, m.label_zh as market_label, count(*) as customers,
            count(*) filter (where is_on_watch) as on_watch,
            count(*) filter (where override_id is not null) as overridden,
            count(*) filter (where service_tier_code != tier_code) as service_differs
        from {SEGMENT} as s
        {_labels_sql('market_class', 'm')}s.market_class
        where s.period_month = ? and {where}
        group by all
        order by max(m.sort_order)
        """, [scope.period, *params])
