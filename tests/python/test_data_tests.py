"""The consolidated data tests catch what the per-column tests they replaced caught: a
repeated key, a null in a required column and a code outside the accepted ones fail the
one `primary_key` (or `not_null_columns`) node of the model (tests/generic/primary_key.sql,
issue 18), on an incremental table, a mart, a seed and the quarantine alike, in every
folder whose column tests were folded (staging to the segmentation and governance marts).
The tier-flow and worklist marts are broken on the generated year (the hand-made fixture
has no rows there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import Build

#: (what breaks, the SQL that breaks it on a copy of the dirty build, the test it must fail)
BREAKS = [
    ("a clean transaction group twice (incremental, tested where dq_reason_code is null)",
     "insert into intermediate.int_transaction_days_profiled "
     "select * from intermediate.int_transaction_days_profiled "
     "where dq_reason_code is null and txn_date is not null limit 1",
     "primary_key_int_transaction_days_profiled"),
    ("a customer-month of the contribution mart twice",
     "insert into marts.fct_customer_contribution "
     "select * from marts.fct_customer_contribution limit 1",
     "primary_key_fct_customer_contribution"),
    ("a scalar parameter's (branch, name) twice (seed)",
     "insert into parameters.scalar_parameters "
     "select * from parameters.scalar_parameters limit 1",
     "primary_key_scalar_parameters"),
    ("a null net_outflow (a not_null column of the key test)",
     "update intermediate.int_customer_months_transactions_costed set net_outflow = null "
     "where customer_id = (select min(customer_id) "
     "from intermediate.int_customer_months_transactions_costed)",
     "primary_key_int_customer_months_transactions_costed"),
    ("a quarantine reason that is no reason code (accepted_values of not_null_columns)",
     "update data_quality.dq_quarantine set reason_code = 'not_a_reason' "
     "where source_table = 'transactions'",
     "not_null_columns_dq_quarantine"),
    ("a tier code outside §4's (accepted_values of the segment mart's key test)",
     "update marts.fct_customer_segment set tier_code = 'not_a_tier' "
     "where customer_id = (select min(customer_id) from marts.fct_customer_segment)",
     "primary_key_fct_customer_segment"),
    ("a service-tier rule outside §10's (intermediate incremental table)",
     "update intermediate.int_customer_months_service_tiered set service_tier_rule = 'x' "
     "where customer_id = (select min(customer_id) "
     "from intermediate.int_customer_months_service_tiered)",
     "primary_key_int_customer_months_service_tiered"),
]
#: A model left alone: its key test must still pass.
UNTOUCHED = "primary_key_int_customer_months_fees_summed"
MODELS = ["int_transaction_days_profiled", "fct_customer_contribution", "scalar_parameters",
          "int_customer_months_transactions_costed", "dq_quarantine",
          "int_customer_months_fees_summed", "fct_customer_segment",
          "int_customer_months_service_tiered"]
#: The same on the generated year (conftest `governed`).
GOVERNED_BREAKS = [
    ("a tier-flow row twice (its key flow_type × period × market × tier)",
     "insert into marts.mart_tier_flows select * from marts.mart_tier_flows limit 1",
     "primary_key_mart_tier_flows"),
    ("two worklist rows of one list and branch with the same priority (the alternate key)",
     "update marts.mart_rm_worklist set priority = 1 where priority = 2 "
     "and customer_id = (select min(customer_id) from marts.mart_rm_worklist "
     "where priority = 2)",
     "primary_key_mart_rm_worklist"),
]
GOVERNED_UNTOUCHED = "primary_key_fct_customer_segment"
GOVERNED_MODELS = ["mart_tier_flows", "mart_rm_worklist", "fct_customer_segment"]


def _copy(build: Build, workdir: Path) -> Build:
    """A build on a copy of a session build's warehouse (the shared one stays intact)."""
    build.query("select 1")  # a consistent snapshot of the open warehouse
    snapshot = build.settings.duckdb_path.with_suffix(".snapshot.duckdb")
    copy = Build(build.settings.raw_dir, workdir)
    shutil.copyfile(snapshot, copy.settings.duckdb_path)
    wal = Path(f"{snapshot}.wal")
    if wal.exists():
        shutil.copyfile(wal, f"{copy.settings.duckdb_path}.wal")
    return copy


def _test_statuses(build: Build, models: list[str], breaks: list[tuple[str, str, str]],
                   untouched: str) -> dict[str, tuple[str, int]]:
    """(status, failing rows) of every consolidated test of `models`, by test name prefix."""
    selectors = [f"{m},test_name:{name}" for m in models
                 for name in ("primary_key", "not_null_columns")]
    result = build.dbt("test", "--select", *selectors)
    statuses = {}
    for run in result.result.results:
        name = run.node.name
        key = next((b[2] for b in breaks if name.startswith(b[2])),
                   untouched if name.startswith(untouched) else name)
        statuses[key] = (getattr(run.status, "value", str(run.status)), run.failures or 0)
    return statuses


def _break_and_check(build: Build, workdir: Path, models: list[str],
                     breaks: list[tuple[str, str, str]], untouched: str) -> None:
    """Break a copy of `build` with every SQL of `breaks`; each one's test fails, the
    untouched model's passes (every one of them passed on the intact warehouse)."""
    copy = _copy(build, workdir)
    with duckdb.connect(str(copy.settings.duckdb_path)) as con:
        for what, sql, _ in breaks:
            changed = con.execute(sql).fetchone()
            assert changed is not None and changed[0] >= 1, f"nothing broken: {what}"

    statuses = _test_statuses(copy, models, breaks, untouched)
    for what, _, test in breaks:
        status, failures = statuses[test]
        assert status == "fail" and failures >= 1, f"{what}: {test} {status}"
    assert statuses[untouched][0] == "pass", statuses


def test_consolidated_tests_fail_on_a_broken_key_null_or_code(
    dirty_build: Build, tmp_path: Path
) -> None:
    _break_and_check(dirty_build, tmp_path, MODELS, BREAKS, UNTOUCHED)


def test_flow_and_worklist_key_tests_fail_on_a_repeated_key(
    governed: Build, tmp_path: Path
) -> None:
    _break_and_check(governed, tmp_path, GOVERNED_MODELS, GOVERNED_BREAKS, GOVERNED_UNTOUCHED)
