"""What the dashboard's queries stand on besides the scoped relations: the serving file
and what the pages read of it.

The scope is in the SQL of every query (METHODOLOGY.md §15): query functions write their SQL
against the scoped relations of :mod:`bank_tiering.analysis.scoped` (``segment``,
``worklist``, ``contribution``, ``managers``, ``cross_sell``, ``outcomes``, ``backtest``,
``loaded_periods``) and run it with
:func:`~bank_tiering.analysis.scoped.run` — the same relations the monthly report uses. A
test (``test_dashboard_scopes``) checks that no query module names a mart, that every query
function takes the scope, and that a scope without customers gets nothing from any of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from bank_tiering.analysis.scoped import (
    BACKTEST,
    CONTRIBUTION,
    CROSS_SELL,
    MANAGERS,
    OUTCOMES,
    SEGMENT,
    WORKLIST,
)

SCALAR_PARAMETERS = "parameters.scalar_parameters"
CODE_LABELS = "parameters.code_labels"
TIER_FAMILIES = "parameters.tier_families"
CONTACT_CADENCE = "parameters.contact_cadence"

#: What the pages read, with the columns INTERFACES.md §3 makes contract (the marts carry
#: more, e.g. labels; a table listed without columns only has to exist). A serving file
#: that lacks one was not published by this version (e.g. an old file): the page says so
#: once (:func:`bank_tiering.serving.contract_gaps`) instead of failing on a query.
CONTRACT: dict[str, tuple[str, ...]] = {
    SEGMENT: (
        "customer_id", "period_month", "customer_type", "branch_id", "loan_status",
        "market_class", "corporate_category", "tier_code", "tier_label_zh", "activity_level",
        "lifecycle_stage", "age_band", "income_band", "occupation_group", "risk_grade",
        "bank_value_score", "contribution", "value_quadrant", "value_quadrant_label_zh",
        "service_strategy_zh", "service_tier_code", "service_tier_label_zh", "months_below",
        "is_on_watch", "grace_months_left", "override_id", "override_reason", "tier_basis",
        "tier_basis_value", "tier_line_value", "next_tier_line_value", "gap_to_next_tier",
        "tier_reason_zh", "quadrant_reason_zh", "rm_id", "rm_status", "rm_status_label_zh",
        "avg_aum", "aum_band",
        # §16 early warning, §18 contacts
        "previous_avg_aum", "net_outflow", "period_transactions", "activity_base_transactions",
        "aum_drop_points", "outflow_points",
        "activity_drop_points", "low_satisfaction_points", "no_owner_points",
        "churn_risk_score", "churn_risk_band", "churn_risk_band_label_zh",
        "last_contact_date", "days_since_contact",
    ),
    WORKLIST: (
        "period_month", "list_code", "list_label_zh", "customer_id", "branch_id",
        "market_class", "tier_code", "service_tier_code", "avg_aum", "reference_value", "gap",
        "months_below", "grace_months_left", "priority", "rm_id", "rm_status",
        "rm_status_label_zh",
    ),
    MANAGERS: ("rm_id", "rm_name", "branch_id", "hire_date", "leave_date"),
    CONTRIBUTION: ("customer_id", "period_month", "loan_ftp_income", "deposit_ftp_income",
                   "fee_income", "capital_cost", "operating_cost", "credit_cost"),
    CROSS_SELL: ("period_month", "customer_id", "branch_id", "rm_id", "market_class",
                 "tier_code", "product_family", "product_family_label_zh",
                 "peer_holding_rate", "recommendation_rank"),
    BACKTEST: ("period_month", "market_class", "market_class_label_zh", "churn_risk_band",
               "churn_risk_band_label_zh", "flagged_customers", "lost_customers",
               "lost_share", "is_horizon_complete"),
    OUTCOMES: ("period_month", "list_code", "branch_id", "entries", "contacted_entries",
               "retained_entries", "retained_contacted_entries", "is_horizon_complete"),
    SCALAR_PARAMETERS: (), CODE_LABELS: (),
    CONTACT_CADENCE: ("branch_id", "market_class", "tier_code", "max_days_between_contacts"),
    TIER_FAMILIES: ("market_class", "tier_code", "tier_family", "tier_rank"),
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
