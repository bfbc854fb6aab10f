"""Incremental runs of the whole build equal a full refresh.

The raw landing grows month by month as it would in production — December 2024, January
and a partial February first,
then the rest of it and a new month, then a restatement of an old month, then another
month whose transactions repeat a February transaction id (the transactions' window and
the facts fed by them must reach back to February: checked right after that step) — and
after each step
every model is built incrementally: ``fct_customer_contribution`` (and the account- and
customer-month tables it is built from, the one pass over the balances, its quarantine
re-read, the transactions check and the data-quality tables) and the segmentation and
governance chain (every customer-month table, the service-tier state machine, the
segment, flow, Pareto and summary marts and the RM worklists: their look-backs — the
month before for mom flows, growth and declining, the December before for ytd flows and
lost_since_year_start — reach before the window, since the landing crosses a year end).
Every month lands with bad balance rows (NaN, an extra copy, an orphan). The result must
equal ``dbt build --full-refresh`` of the same landing exactly, value for value, after
the step that completes the partial month and at the end: the sums are exact DECIMALs
(METHODOLOGY.md §13). Only dq_quarantine's audit timestamp may differ.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build

from bank_tiering.generator import generate

MONTHS = ("2024-12", "2025-01", "2025-02", "2025-03", "2025-04")
SELECT = (
    "--exclude",
    "resource_type:test",
    "resource_type:unit_test",
)
# the contribution chain alone (the limitation test below)
CONTRIBUTION_SELECT = ("--select", "+fct_customer_contribution", *SELECT)
TABLES = {
    "marts.fct_customer_contribution": ("customer_id", "period_month"),
    "intermediate.int_account_months_aggregated": ("account_id", "period_month"),
    "intermediate.int_customer_months_aggregated": ("customer_id", "period_month"),
    "intermediate.int_balance_months_profiled": ("account_id", "period_month"),
    "intermediate.int_balances_rechecked": None,
    "intermediate.int_transactions_checked": None,
    "data_quality.dq_quarantine": None,
    "data_quality.dq_reconciliation": ("source_table",),
    "intermediate.int_customer_month_positions_aggregated": ("customer_id", "period_month"),
    "intermediate.int_customer_month_transactions_counted": ("customer_id", "period_month"),
    "intermediate.int_customer_months_joined": ("customer_id", "period_month"),
    "intermediate.int_customer_months_classified": ("customer_id", "period_month"),
    "intermediate.int_customer_months_profiled": ("customer_id", "period_month"),
    "intermediate.int_customer_months_scored": ("customer_id", "period_month"),
    "intermediate.int_customer_months_valued": ("customer_id", "period_month"),
    "intermediate.int_customer_months_service_tiered": ("customer_id", "period_month"),
    "intermediate.int_customer_months_explained": ("customer_id", "period_month"),
    "marts.fct_customer_segment": ("customer_id", "period_month"),
    "marts.mart_segment_summary": ("period_month", "market_class", "tier_code", "value_quadrant"),
    "marts.mart_contribution_pareto": ("period_month", "market_class"),
    "marts.mart_tier_flows": ("flow_type", "period_month", "market_class", "tier_code"),
    "marts.mart_segment_profile": ("period_month", "market_class", "tier_code",
                                   "profile_dimension", "profile_value"),
    "marts.mart_rm_worklist": ("period_month", "list_code", "customer_id"),
    "marts.mart_rm_portfolio": ("period_month", "rm_id", "market_class", "service_tier_code"),
    "intermediate.int_customer_months_risk_scored": ("customer_id", "period_month"),
    "marts.mart_cross_sell": ("period_month", "customer_id", "product_family"),
    "marts.mart_early_warning_backtest": ("period_month", "market_class", "churn_risk_band"),
    "marts.mart_worklist_outcomes": ("period_month", "list_code", "branch_id"),
    "marts.fct_prospect_quadrant": ("prospect_id",),
}
AUDIT_COLUMNS = {"detected_at", "checked_in_invocation", "profiled_in_invocation"}


def _land(source: Path, landing: Path, months: dict[str, str | None],
          repeated_txn: bool = False, corrected: tuple[str, ...] = ()) -> None:
    """Copy the small tables and the chosen balance partitions of `source` into `landing`;
    a month mapped to a date keeps only its balance rows up to that date (a partial load).
    Transactions land up to the same day; `repeated_txn` adds, in the last month, a row
    repeating a transaction id of February with another amount (a duplicate across
    months: both rows are duplicate_key). The months in `corrected` land without their bad
    rows (a restated extract: the quarantine of their earlier landing must go)."""
    if landing.exists():
        shutil.rmtree(landing)
    (landing / "balances").mkdir(parents=True)
    for path in source.glob("*.parquet"):
        if path.name != "transactions.parquet":
            shutil.copy(path, landing / path.name)
    last_month, until = list(months.items())[-1]
    landed_until = (
        f"date '{until}' + interval 1 day" if until is not None
        else f"date '{last_month}-01' + interval 1 month"
    )
    repeated = (
        f"""union all select * replace (txn_ts + interval 60 day as txn_ts, amount + 1 as amount)
            from (select * from read_parquet('{source}/transactions.parquet')
                  where txn_ts >= date '2025-02-01' and txn_ts < date '2025-02-02'
                    and initiated_by = 'customer'
                  order by txn_id limit 1)"""
        if repeated_txn else ""
    )
    duckdb.execute(f"""
        copy (
            select * from read_parquet('{source}/transactions.parquet')
            where txn_ts < {landed_until}
            {repeated}
        ) to '{landing}/transactions.parquet' (format parquet)
    """)
    for month, until in months.items():
        src = source / "balances" / f"{month}.parquet"
        dst = landing / "balances" / f"{month}.parquet"
        last = "date '9999-12-31'" if until is None else f"date '{until}'"
        if month in corrected:
            duckdb.execute(
                f"copy (select * from read_parquet('{src}') where balance_date <= {last}) "
                f"to '{dst}' (format parquet)"
            )
            continue
        # bad rows of the month, dated on its 5th: a NaN balance, an identical copy of a
        # clean row and a row of an unknown account
        duckdb.execute(f"""
            copy (
                with landed as (select * from read_parquet('{src}') where balance_date <= {last}),
                day5 as (
                    select * from landed where day(balance_date) = 5 order by account_id limit 2
                )
                select * from landed
                union all select account_id, balance_date, 'NaN'::double from (
                    select * from day5 limit 1)
                union all select * from (select * from day5 order by account_id desc limit 1)
                union all select 'A_UNKNOWN', balance_date, 100.0 from (select * from day5 limit 1)
            ) to '{dst}' (format parquet)
        """)


def _restate_first_month(landing: Path) -> None:
    """A late correction of January: every January fee doubles."""
    fees = landing / "fees.parquet"
    fixed = landing / "fees.fixed.parquet"
    duckdb.execute(
        f"copy (select * replace (case when fee_date >= date '2025-01-01' "
        f"and fee_date < date '2025-02-01' then amount * 2 "
        f"else amount end as amount) from read_parquet('{fees}')) to '{fixed}' (format parquet)"
    )
    fixed.replace(fees)


def _rows(build: Build, table: str, keys: tuple[str, ...] | None) -> dict[tuple, list]:
    """Rows by key (a table without a key: every row under its own values), audit
    columns left out."""
    columns = [
        r[0]
        for r in build.query(
            f"select column_name from information_schema.columns "
            f"where table_schema || '.' || table_name = '{table}' order by ordinal_position"
        )
        if r[0] not in AUDIT_COLUMNS
    ]
    keys = keys or tuple(columns)
    values = [c for c in columns if c not in keys]
    rows = build.query(f"select {', '.join(keys + tuple(values))} from {table} order by all")
    grouped: dict[tuple, list] = {}
    for r in rows:
        # a quarantined NaN balance is kept as landed; NaN != NaN, so compare it as text
        r = tuple("NaN" if isinstance(v, float) and v != v else v for v in r)
        grouped.setdefault(r[: len(keys)], []).append(r[len(keys) :])
    return grouped


def _assert_same(incremental: dict, full: dict, table: str) -> None:
    assert incremental.keys() == full.keys(), (
        f"{table}: keys only incremental {sorted(incremental.keys() - full.keys(), key=str)[:5]}, "
        f"only full {sorted(full.keys() - incremental.keys(), key=str)[:5]}"
    )
    diffs = [(key, got, full[key]) for key, got in incremental.items() if got != full[key]]
    assert not diffs, f"{table}: {len(diffs)} differences, e.g. {diffs[:5]}"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("contribution_incremental_source")
    generate(
        raw,
        customers=200,
        months=len(MONTHS),
        seed=23,
        start_month=date(2024, 12, 1),
        progress=False,
    )
    return raw


@pytest.fixture(scope="module")
def builds(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    landing = tmp_path_factory.mktemp("contribution_incremental_landing") / "raw"
    incremental = Build(landing, tmp_path_factory.mktemp("contribution_incremental"))

    # 1. December, January and the first ten days of February.
    _land(source, landing, {"2024-12": None, "2025-01": None, "2025-02": "2025-02-10"})
    assert incremental.dbt("build", *SELECT).success
    first = incremental.query("select max(period_month) from marts.fct_customer_contribution")
    assert first == [(date(2025, 2, 1),)]

    # 2. The rest of February (the partial month is recomputed), its bad rows corrected,
    #    and March: equal to a full refresh of this landing.
    _land(source, landing, {"2024-12": None, "2025-01": None, "2025-02": None, "2025-03": None},
          corrected=("2025-02",))
    assert incremental.dbt("build", *SELECT).success
    completed = Build(landing, tmp_path_factory.mktemp("contribution_full_refresh_completed"))
    assert completed.dbt("build", *SELECT, "--full-refresh").success
    for table, keys in TABLES.items():
        _assert_same(_rows(incremental, table, keys), _rows(completed, table, keys),
                     f"after the partial month completed, {table}")

    # 3. A restatement of January picked up through reprocess_from_month.
    _restate_first_month(landing)
    reprocess = ("--vars", "{reprocess_from_month: '2025-01-01'}")
    assert incremental.dbt("build", *SELECT, *reprocess).success

    # 4. April, with a transaction repeating a February txn_id: the window of the
    #    transactions reaches back to February, and so do the contribution facts (the
    #    February row is no longer clean: February's transaction cost changes).
    _land(source, landing, dict.fromkeys(MONTHS), repeated_txn=True, corrected=("2025-02",))
    _restate_first_month(landing)
    february_cost = (
        "select sum(transaction_cost) from marts.fct_customer_contribution "
        "where period_month = date '2025-02-01'"
    )
    before = incremental.query(february_cost)
    assert incremental.dbt("build", *SELECT).success
    repeated = incremental.query(
        "select txn_month, dq_reason_code from intermediate.int_transactions_checked "
        "where dq_reason_code is not null order by all"
    )
    assert repeated == [(date(2025, 2, 1), "duplicate_key"), (date(2025, 4, 1), "duplicate_key")]
    assert incremental.query(february_cost) != before

    full = Build(landing, tmp_path_factory.mktemp("contribution_full_refresh"))
    assert full.dbt("build", *SELECT, "--full-refresh").success
    return incremental, full


@pytest.mark.parametrize("table", sorted(TABLES))
def test_incremental_equals_full_refresh(builds: tuple[Build, Build], table: str) -> None:
    incremental, full = builds
    keys = TABLES[table]
    got = _rows(incremental, table, keys)
    assert got, f"{table} is empty"
    _assert_same(got, _rows(full, table, keys), table)


def test_every_month_has_quarantined_balances(builds: tuple[Build, Build]) -> None:
    incremental, _ = builds
    months = incremental.query(
        "select period_month, count(*) from intermediate.int_balances_rechecked "
        "where dq_reason_code is not null group by 1 order by 1"
    )
    # February's bad rows were corrected by its second landing: none left
    assert [(m, n) for m, n in months] == [
        (date(2024, 12, 1), 3), *((date(2025, m, 1), 3) for m in (1, 3, 4))]


def test_every_month_is_loaded(builds: tuple[Build, Build]) -> None:
    incremental, _ = builds
    months = incremental.query(
        "select distinct period_month from marts.fct_customer_contribution order by 1"
    )
    assert [m for (m,) in months] == [date(2024, 12, 1), *(date(2025, m, 1) for m in range(1, 5))]


def test_without_reprocess_a_restated_month_is_kept(
    source: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The documented limitation: an incremental run recomputes the latest loaded period
    onwards, not months whose inputs changed — a restated January stays as loaded until
    reprocess_from_month (or --full-refresh) says otherwise."""
    landing = tmp_path_factory.mktemp("contribution_restated_landing") / "raw"
    build = Build(landing, tmp_path_factory.mktemp("contribution_restated"))
    _land(source, landing, {"2024-12": None, "2025-01": None, "2025-02": None})
    assert build.dbt("build", *CONTRIBUTION_SELECT).success
    before = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    _restate_first_month(landing)
    assert build.dbt("build", *CONTRIBUTION_SELECT).success
    kept = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    assert kept == before
    assert build.dbt(
        "build", *CONTRIBUTION_SELECT, "--vars", "{reprocess_from_month: '2025-01-01'}"
    ).success
    restated = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    assert restated[0][0] == pytest.approx(2 * before[0][0])
