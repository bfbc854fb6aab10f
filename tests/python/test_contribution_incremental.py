"""Incremental runs of the contribution engine equal a full refresh.

The raw landing grows month by month as it would in production — a partial month first,
then the rest of it and a new month, then another month together with a restatement of an
old month — and after each step ``fct_customer_contribution`` (and the account- and
customer-month tables it is built from) is built incrementally. The result must equal
``dbt build --full-refresh`` of the final landing, row for row (doubles within 1e-6 CNY:
floating-point sums may add up in another order).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build

from bank_tiering.generator import generate

MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")
SELECT = (
    "--select",
    "+fct_customer_contribution",
    "--exclude",
    "resource_type:test",
    "resource_type:unit_test",
)
TABLES = {
    "marts.fct_customer_contribution": ("customer_id", "period_month"),
    "intermediate.int_account_months_aggregated": ("account_id", "period_month"),
    "intermediate.int_customer_months_aggregated": ("customer_id", "period_month"),
}
TOLERANCE = 1e-6


def _land(source: Path, landing: Path, months: dict[str, str | None]) -> None:
    """Copy the small tables and the chosen balance partitions of `source` into `landing`;
    a month mapped to a date keeps only its balance rows up to that date (a partial load)."""
    if landing.exists():
        shutil.rmtree(landing)
    (landing / "balances").mkdir(parents=True)
    for path in source.glob("*.parquet"):
        shutil.copy(path, landing / path.name)
    for month, until in months.items():
        src = source / "balances" / f"{month}.parquet"
        dst = landing / "balances" / f"{month}.parquet"
        if until is None:
            shutil.copy(src, dst)
        else:
            duckdb.execute(
                f"copy (select * from read_parquet('{src}') where balance_date <= date '{until}') "
                f"to '{dst}' (format parquet)"
            )


def _restate_first_month(landing: Path) -> None:
    """A late correction of January: every January fee doubles."""
    fees = landing / "fees.parquet"
    fixed = landing / "fees.fixed.parquet"
    duckdb.execute(
        f"copy (select * replace (case when fee_date < date '2025-02-01' then amount * 2 "
        f"else amount end as amount) from read_parquet('{fees}')) to '{fixed}' (format parquet)"
    )
    fixed.replace(fees)


def _rows(build: Build, table: str, keys: tuple[str, ...]) -> dict[tuple, tuple]:
    columns = [
        r[0]
        for r in build.query(
            f"select column_name from information_schema.columns "
            f"where table_schema || '.' || table_name = '{table}' order by ordinal_position"
        )
    ]
    values = [c for c in columns if c not in keys]
    rows = build.query(f"select {', '.join(keys + tuple(values))} from {table}")
    return {r[: len(keys)]: r[len(keys) :] for r in rows}


def _assert_same(incremental: dict, full: dict, table: str) -> None:
    assert incremental.keys() == full.keys(), (
        f"{table}: keys only incremental {sorted(incremental.keys() - full.keys())[:5]}, "
        f"only full {sorted(full.keys() - incremental.keys())[:5]}"
    )
    diffs = []
    for key, got in incremental.items():
        for a, b in zip(got, full[key], strict=True):
            same = (a == b) or (
                isinstance(a, float) and isinstance(b, float) and abs(a - b) <= TOLERANCE
            )
            if not same:
                diffs.append((key, a, b))
    assert not diffs, f"{table}: {len(diffs)} differences, e.g. {diffs[:5]}"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("contribution_incremental_source")
    generate(
        raw,
        customers=200,
        months=len(MONTHS),
        seed=23,
        start_month=date(2025, 1, 1),
        progress=False,
    )
    return raw


@pytest.fixture(scope="module")
def builds(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    landing = tmp_path_factory.mktemp("contribution_incremental_landing") / "raw"
    incremental = Build(landing, tmp_path_factory.mktemp("contribution_incremental"))

    # 1. January and the first ten days of February.
    _land(source, landing, {"2025-01": None, "2025-02": "2025-02-10"})
    assert incremental.dbt("build", *SELECT).success
    first = incremental.query("select max(period_month) from marts.fct_customer_contribution")
    assert first == [(date(2025, 2, 1),)]

    # 2. The rest of February (the partial month is recomputed) and March.
    _land(source, landing, {"2025-01": None, "2025-02": None, "2025-03": None})
    assert incremental.dbt("build", *SELECT).success

    # 3. April, and a restatement of January picked up through reprocess_from_month.
    _land(source, landing, dict.fromkeys(MONTHS))
    _restate_first_month(landing)
    reprocess = ("--vars", "{reprocess_from_month: '2025-01-01'}")
    assert incremental.dbt("build", *SELECT, *reprocess).success

    full = Build(landing, tmp_path_factory.mktemp("contribution_full_refresh"))
    assert full.dbt("build", *SELECT, "--full-refresh").success
    return incremental, full


@pytest.mark.parametrize("table", sorted(TABLES))
def test_incremental_equals_full_refresh(builds: tuple[Build, Build], table: str) -> None:
    incremental, full = builds
    keys = TABLES[table]
    _assert_same(_rows(incremental, table, keys), _rows(full, table, keys), table)


def test_every_month_is_loaded(builds: tuple[Build, Build]) -> None:
    incremental, _ = builds
    months = incremental.query(
        "select distinct period_month from marts.fct_customer_contribution order by 1"
    )
    assert [m for (m,) in months] == [date(2025, m, 1) for m in range(1, 5)]


def test_without_reprocess_a_restated_month_is_kept(
    source: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The documented limitation: an incremental run recomputes the latest loaded period
    onwards, not months whose inputs changed — a restated January stays as loaded until
    reprocess_from_month (or --full-refresh) says otherwise."""
    landing = tmp_path_factory.mktemp("contribution_restated_landing") / "raw"
    build = Build(landing, tmp_path_factory.mktemp("contribution_restated"))
    _land(source, landing, {"2025-01": None, "2025-02": None})
    assert build.dbt("build", *SELECT).success
    before = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    _restate_first_month(landing)
    assert build.dbt("build", *SELECT).success
    kept = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    assert kept == before
    assert build.dbt("build", *SELECT, "--vars", "{reprocess_from_month: '2025-01-01'}").success
    restated = build.query(
        "select sum(fee_income) from marts.fct_customer_contribution "
        "where period_month = date '2025-01-01'"
    )
    assert restated[0][0] == pytest.approx(2 * before[0][0])
