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


def add_relationship_managers(path: Path) -> None:
    """While the generated sample has no relationship managers (the generator does not land
    them yet, so every customer is unassigned): owners filled in by a fixed rule, in the
    marts of METHODOLOGY.md §14 — per branch RMs ``<branch>-RM1`` and ``<branch>-RM2`` (RM2
    of every branch left on 2025-01-01); customer n is owned by RM1 when n % 3 = 0, by RM2
    when n % 3 = 1, by nobody when n % 3 = 2, except that in the latest period the
    customers with n % 5 = 0 move to the other RM; the handover list rebuilt by §14's rule
    (watched service tier and owner not active, or leaving within 30 days). A no-op on
    marts that already have owners."""
    n = "cast(substr(customer_id, 2) as integer)"
    owner = (f"case when {n} % 3 = 2 then null "
             f"when ({n} % 3 = 0) != ({n} % 5 = 0 and period_month = (select max(period_month) "
             "from marts.fct_customer_segment)) then branch_id || '-RM1' "
             "else branch_id || '-RM2' end")
    status = ("case when rm_id is null then 'unassigned' when rm_id like '%-RM2' and "
              "period_month >= date '2025-01-01' then 'departed' else 'active' end")
    label = ("case rm_status when 'active' then '在职' when 'departed' then '客户经理已离职' "
             "else '无客户经理' end")
    with duckdb.connect(str(path)) as con:
        if con.execute("select count(rm_id) from marts.fct_customer_segment").fetchone()[0]:
            return
        for table in ("fct_customer_segment", "mart_rm_worklist"):
            con.execute(f"update marts.{table} set rm_id = {owner}")
            con.execute(f"update marts.{table} set rm_status = {status}")
            con.execute(f"update marts.{table} set rm_status_label_zh = {label}")
        con.execute(
            """
            insert into marts.dim_relationship_manager
            select branch_id || '-RM' || k, (case k when 1 then '王' else '李' end) || branch_id,
                branch_id, date '2020-01-01', case k when 2 then date '2025-01-01' end
            from (select distinct branch_id from marts.fct_customer_segment), range(1, 3) t(k)
            """)
        con.execute("delete from marts.mart_rm_worklist where list_code = 'handover'")
        con.execute(
            """
            insert into marts.mart_rm_worklist by name
            select s.period_month, 'handover' as list_code, '待交接客户' as list_label_zh,
                s.customer_id, s.branch_id, s.market_class, s.market_class_label_zh,
                s.tier_code, s.tier_label_zh, s.service_tier_code, s.service_tier_label_zh,
                s.avg_aum, 30 as reference_value,
                datediff('day', last_day(s.period_month), m.leave_date) as gap,
                row_number() over (partition by s.period_month, s.branch_id
                                   order by s.avg_aum desc, s.customer_id) as priority,
                s.rm_id, s.rm_status, s.rm_status_label_zh
            from marts.fct_customer_segment as s
            left join marts.dim_relationship_manager as m on m.rm_id = s.rm_id
            where s.service_tier_code in ('high_net_worth', 'mass_affluent', 'strategic', 'large')
                and (s.rm_status != 'active'
                     or m.leave_date <= last_day(s.period_month) + interval 30 day)
            """)


@pytest.fixture(scope="session")
def dashboard_served(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Served:
    """The served sample as the dashboard reads it: with owners in the RM marts (added by
    add_relationship_managers to a copy while the generated sample has none)."""
    workdir = tmp_path_factory.mktemp("dashboard_served")
    copy = Served(served.raw_dir, workdir)
    copy.build_path = served.build_path
    copy.serving_path.parent.mkdir(parents=True)
    shutil.copyfile(served.serving_path, copy.serving_path)
    add_relationship_managers(copy.serving_path)
    return copy
