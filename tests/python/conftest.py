"""Shared fixtures: isolated dbt builds of this project on a given raw landing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bank_tiering.generator import generate
from bank_tiering.project import PROJECT_DIR, Settings, run_dbt, run_dbt_process

FIXTURES = PROJECT_DIR / "tests" / "fixtures"

#: METHODOLOGY.md §10 tier families and ranks, written out here on purpose (the seeds are not
#: read): the independent recomputations of the worklists and of the report's flows use them.
FAMILY_RANK = {
    ("retail", "high_net_worth"): ("retail", 3), ("retail", "mass_affluent"): ("retail", 2),
    ("retail", "mass"): ("retail", 1),
    ("corporate", "strategic"): ("corp_loan", 4), ("corporate", "large"): ("corp_loan", 3),
    ("corporate", "medium"): ("corp_loan", 2), ("corporate", "small"): ("corp_loan", 1),
    ("institution", "strategic"): ("inst_loan", 2),
    ("institution", "institution"): ("inst_loan", 1),
    ("corporate", "above_scale"): ("no_loan", 2), ("corporate", "below_scale"): ("no_loan", 1),
    ("institution", "above_scale"): ("no_loan", 2),
    ("institution", "below_scale"): ("no_loan", 1),
}


class Build:
    """A dbt build of the project into its own DuckDB file and target folder."""

    def __init__(self, raw_dir: Path, workdir: Path) -> None:
        self.settings = Settings(raw_dir=raw_dir, duckdb_path=workdir / "warehouse.duckdb",
                                 serving_path=workdir / "serving" / "warehouse.duckdb")
        self.target = workdir / "target"
        self.logs = workdir / "logs"

        self._snapshot: Path | None = None

    def dbt(self, *args: str):
        self._snapshot = None
        return run_dbt(
            [*args, "--target-path", str(self.target), "--log-path", str(self.logs)],
            self.settings,
        )

    def query(self, sql: str) -> list[tuple]:
        """Query a copy of the warehouse: dbt-duckdb keeps its in-process connection open,
        and DuckDB refuses a second connection with another configuration."""
        if self._snapshot is None:
            self._snapshot = self.settings.duckdb_path.with_suffix(".snapshot.duckdb")
            shutil.copyfile(self.settings.duckdb_path, self._snapshot)
            wal = Path(f"{self.settings.duckdb_path}.wal")
            snapshot_wal = Path(f"{self._snapshot}.wal")
            snapshot_wal.unlink(missing_ok=True)
            if wal.exists():
                shutil.copyfile(wal, snapshot_wal)
        with duckdb.connect(str(self._snapshot), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture
def fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id parameters for tests that hash many passwords (a verification reads
    the parameters from the hash); test_access.py checks the production parameters."""
    from argon2 import PasswordHasher

    from bank_tiering.access import users

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_HASHER", fast)
    monkeypatch.setattr(users, "DUMMY_HASH", fast.hash("dummy"))


#: Test files that run first: the longest (its Spark builds take about 11 minutes), so that
#: under `make test` (two pytest-xdist workers, a file at a time) the other worker runs the
#: rest of the suite meanwhile instead of waiting for it at the end.
FIRST = ("test_spark_equality.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the FIRST files to the front; the order within a file is kept."""
    items.sort(key=lambda item: item.path.name not in FIRST)


@pytest.fixture(scope="session", autouse=True)
def _pii_salt() -> Iterator[None]:
    os.environ.setdefault("BANK_TIERING_PII_SALT", "test-salt")
    yield


@pytest.fixture(scope="session")
def dirty_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The whole project built on the hand-made dirty fixture (every reason kind)."""
    build = Build(FIXTURES / "raw_dirty", tmp_path_factory.mktemp("dirty"))
    result = build.dbt("build")
    assert result.success, "dbt build on tests/fixtures/raw_dirty failed"
    return build


class Served:
    """A generated sample built by the CLI's own dbt child process and published: the
    build file (which keeps its incremental state) and the serving file BI tools read."""

    def __init__(self, raw_dir: Path, workdir: Path) -> None:
        self.raw_dir = raw_dir
        self.build_path = workdir / "warehouse.duckdb"
        self.serving_path = workdir / "serving" / "warehouse.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "BANK_TIERING_RAW_DIR": str(self.raw_dir),
            "BANK_TIERING_DUCKDB": str(self.build_path),
            "BANK_TIERING_SERVING_DUCKDB": str(self.serving_path),
            **extra,
        }

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Query the serving file (read-only, closed again)."""
        with duckdb.connect(str(self.serving_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


#: The small sample the BI tests share: 300 customers × 3 months from December, so the
#: year-start (ytd) flows of January and February exist.
SERVED_SAMPLE = {"customers": 300, "months": 3, "seed": 42, "start_month": date(2024, 12, 1)}


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """SERVED_SAMPLE generated, built (models and seeds; the data tests run elsewhere) in a
    dbt child process, and published to its serving file."""
    from bank_tiering.serving import publish

    workdir = tmp_path_factory.mktemp("served")
    served = Served(workdir / "raw", workdir)
    generate(served.raw_dir, progress=False, **SERVED_SAMPLE)
    settings = Settings(raw_dir=served.raw_dir, duckdb_path=served.build_path,
                        serving_path=served.serving_path)
    code = run_dbt_process(
        ["build", "--quiet", "--exclude", "resource_type:test", "resource_type:unit_test",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        settings,
    )
    assert code == 0, "dbt build of the served sample failed"
    publish(served.build_path, served.serving_path)
    return served


#: The months of the served sample whose outcomes ``served_complete`` completes.
COMPLETED_MONTHS = (date(2024, 12, 1), date(2025, 1, 1))


@pytest.fixture(scope="session")
def served_complete(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the served sample's serving file whose back-test and worklist outcomes of
    December and January have a complete horizon, with hand-set figures: the sample has 3
    months, so m + 3 months is never loaded and all its outcomes are null (METHODOLOGY.md
    §16, §18). The dashboard tests read it to show complete outcomes next to the
    incomplete ones of February; the marts' own rules are tested on a generated year
    (test_early_warning_independent.py). Lost = ⌊(flagged + 1) ÷ 3⌋, contacted = ⌊entries
    ÷ 2⌋, retained = entries − ⌊entries ÷ 4⌋, retained among the contacted = ⌊entries ÷ 4⌋."""
    path = tmp_path_factory.mktemp("served_complete") / "warehouse.duckdb"
    shutil.copyfile(served.serving_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            """
            update marts.mart_early_warning_backtest set is_horizon_complete = true,
                lost_customers = (flagged_customers + 1) // 3,
                lost_share = round(((flagged_customers + 1) // 3) / flagged_customers, 4)
            where period_month in (?, ?)
            """, list(COMPLETED_MONTHS))
        con.execute(
            """
            update marts.mart_worklist_outcomes set is_horizon_complete = true,
                contacted_entries = entries // 2, retained_entries = entries - entries // 4,
                retained_contacted_entries = entries // 4
            where period_month in (?, ?)
            """, list(COMPLETED_MONTHS))
    return path


def land_balances_daily(raw: Path) -> None:
    """Re-land the balances as one file per day (INTERFACES.md §2 allows daily extracts):
    the rows of one account-month then come from many files, which DuckDB scans on
    different threads — the case where a floating-point sum depends on thread timing.
    Rows whose date does not parse go to a file of their own."""
    folder = raw / "balances"
    con = duckdb.connect()
    con.execute(f"create table landed as select * from read_parquet('{folder}/*.parquet')")
    for path in folder.glob("*.parquet"):
        path.unlink()
    parsed = "try_cast(balance_date as date)"
    days = [d for (d,) in con.execute(f"select distinct {parsed} from landed").fetchall()]
    for day in days:
        where = f"{parsed} = date '{day}'" if day is not None else f"{parsed} is null"
        name = day.isoformat() if day is not None else "undated"
        con.execute(f"copy (select * from landed where {where}) to '{folder / name}.parquet'")
    con.close()


@pytest.fixture(scope="session")
def generated_dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Path]:
    """The whole project (models and every test) built on generated data with bad rows of
    every kind injected (the generator's manifest says which), balances landed daily."""
    raw = tmp_path_factory.mktemp("generated_raw")
    generate(raw, customers=400, months=3, seed=11, start_month=date(2025, 1, 1),
             bad_rows=60, progress=False)
    land_balances_daily(raw)
    build = Build(raw, tmp_path_factory.mktemp("generated_build"))
    result = build.dbt("build")
    assert result.success, "dbt build on generated data with bad rows failed"
    return build, raw


@pytest.fixture(scope="session")
def governed(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A generated year (December 2024 – December 2025, 500 customers, the generator's
    overrides, RMs, contacts and early-warning episodes) built, with the data tests of the
    governance and early-warning models: the independent recomputations of §10–18 read it."""
    raw = tmp_path_factory.mktemp("governed_raw")
    generate(raw, customers=500, months=13, seed=8, start_month=date(2024, 12, 1),
             progress=False)
    build = Build(raw, tmp_path_factory.mktemp("governed_build"))
    assert build.dbt("build", "--exclude", "resource_type:test", "resource_type:unit_test").success
    tests = build.dbt(
        "test", "--exclude", "resource_type:unit_test", "--select",
        "int_customer_months_service_tiered", "int_customer_months_explained",
        "int_tier_overrides_checked", "int_tier_overrides_validated", "mart_rm_worklist",
        "fct_customer_segment", "assert_worklist_lost_matches_tier_flows",
        "assert_service_tier_never_below_assessed_without_watch",
        "int_customer_months_risk_scored", "mart_cross_sell", "mart_early_warning_backtest",
        "mart_worklist_outcomes",
    )
    assert tests.success, "governance data tests failed on the generated year"
    return build
