"""Spark builds the marts DuckDB builds (INTERFACES.md §5), proven on generated data with
bad rows of every METHODOLOGY.md §9 kind.

The same landing is built on DuckDB and on Spark (dbt-spark, in-process session, local[2])
and every table of the `marts` and `data_quality` schemas is compared row for row: text,
codes, dates, flags and counts identical, amounts (DECIMAL and DOUBLE columns) within
0.01; dq_quarantine's reasons, record keys and raw records identical (only its audit
timestamp `detected_at` differs). Then one more month lands and Spark builds
incrementally on the same warehouse and metastore (month partitions overwritten), which
must again equal a DuckDB build of the whole landing. Last, the same landing is built
through a local Spark Thrift Server (`BANK_TIERING_SPARK_METHOD=thrift`) and compared.

The Spark tables are read where Spark wrote them (bank_tiering.spark_warehouse), with the
same SQL as the DuckDB build file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from bank_tiering.cli import main
from bank_tiering.generator import generate
from bank_tiering.project import PROJECT_DIR
from bank_tiering.spark_thrift import free_port, thrift_server
from bank_tiering.spark_warehouse import connect as connect_spark

#: 150 customers × 4 months from December (year-start flows exist), bad rows of every kind.
SAMPLE = {"customers": 150, "months": 4, "seed": 5, "start_month": date(2024, 12, 1),
          "bad_rows": 20}
#: The first landing stops before this month; the second adds it.
LAST_MONTH = "2025-03"
#: INTERFACES.md §2: the optional raw tables (absent = none); the Thrift build lands none.
OPTIONAL_TABLES = ("tier_overrides", "relationship_managers", "customer_assignments", "contacts")
COMPARED_SCHEMAS = ("marts", "data_quality")
#: Audit columns that differ between any two builds.
AUDIT_COLUMNS = {"detected_at"}
AMOUNT_TYPES = ("DECIMAL", "DOUBLE", "FLOAT", "REAL")
TOLERANCE = 0.01
MODELS_ONLY = ("--exclude", "resource_type:test", "resource_type:unit_test")
#: Models, seeds and the project's own data tests (its generic tests and singular tests:
#: SQL of this project, whose portability is in question). dbt's built-in not_null, unique,
#: accepted_values and relationships tests (372 of 508) are dbt-spark's own SQL; they add
#: ≈ 3 minutes here and passed on Spark too (README "Apache Spark" has the command).
PROJECT_TESTS_ONLY = ("--exclude", "resource_type:unit_test", "test_name:not_null",
                      "test_name:unique", "test_name:accepted_values", "test_name:relationships")


def _dbt(args: list[str], workdir: Path, raw: Path, **env: str) -> subprocess.CompletedProcess:
    """One dbt command in a child process (its own JVM for Spark) with its own environment
    (nothing leaks into the other tests' os.environ)."""
    dbt = Path(sys.executable).with_name("dbt")
    full_env = {
        **os.environ,
        "BANK_TIERING_RAW_DIR": str(raw),
        "BANK_TIERING_DUCKDB": str(workdir / "warehouse.duckdb"),
        "BANK_TIERING_PII_SALT": os.environ.get("BANK_TIERING_PII_SALT", "test-salt"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        **env,
    }
    started = time.monotonic()
    result = subprocess.run(
        [str(dbt), *args, "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROJECT_DIR / "profiles"),
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        env=full_env, capture_output=True, text=True,
    )
    print(f"dbt {' '.join(args)} [{env.get('BANK_TIERING_TARGET', 'duckdb')}] "
          f"{time.monotonic() - started:.0f} s")
    assert result.returncode == 0, (
        f"dbt {' '.join(args)} failed:\n" + "\n".join(
            line for line in result.stdout.splitlines()
            if "ERROR" in line or "FAIL" in line or "Error" in line)[-5000:])
    return result


def _spark_env(warehouse: Path, **extra: str) -> dict[str, str]:
    return {"BANK_TIERING_TARGET": "spark", "BANK_TIERING_SPARK_WAREHOUSE": str(warehouse),
            "BANK_TIERING_THREADS": "2", **extra}


def _land(source: Path, landing: Path, until_month: str | None,
          without_optional: bool = False) -> None:
    """Copy `source` into `landing`; with `until_month`, only the balances, transactions
    and fees before it (rows whose date does not parse land with every landing); with
    `without_optional`, none of the optional tables."""
    if landing.exists():
        shutil.rmtree(landing)
    shutil.copytree(source, landing)
    for table in OPTIONAL_TABLES if without_optional else ():
        (landing / f"{table}.parquet").unlink(missing_ok=True)
        shutil.rmtree(landing / table, ignore_errors=True)
    if until_month is None:
        return
    (landing / "balances" / f"{until_month}.parquet").unlink()
    bound = f"timestamp '{until_month}-01'"
    for table, column in (("transactions", "txn_ts"), ("fees", "fee_date")):
        path = landing / f"{table}.parquet"
        kept = landing / f"{table}.kept.parquet"
        duckdb.execute(
            f"copy (select * from read_parquet('{path}') "
            f"where try_cast({column} as timestamp) is null "
            f"or try_cast({column} as timestamp) < {bound}) to '{kept}' (format parquet)"
        )
        kept.replace(path)


def _compared_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] of every compared table of the DuckDB build."""
    rows = con.execute(
        f"""
        select c.schema_name || '.' || c.table_name, c.column_name, c.data_type
        from duckdb_columns() as c
        inner join duckdb_tables() as t
            on c.database_name = t.database_name and c.schema_name = t.schema_name
            and c.table_name = t.table_name
        where c.database_name = 'duck' and c.schema_name in {COMPARED_SCHEMAS}
        order by 1, c.column_index
        """
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        if column not in AUDIT_COLUMNS:
            tables.setdefault(table, []).append((column, data_type))
    return tables


def _sort_key(row: tuple, amounts: list[bool]) -> tuple:
    return tuple((value is None, round(float(value), 1) if is_amount and value is not None
                  else value) for value, is_amount in zip(row, amounts, strict=True))


def _same(duck: object, spark: object, is_amount: bool) -> bool:
    """Equal, or for amounts (DECIMAL or DOUBLE) within TOLERANCE."""
    if is_amount and duck is not None and spark is not None:
        return abs(Decimal(str(duck)) - Decimal(str(spark))) <= Decimal(str(TOLERANCE))
    return duck == spark


def _differences(duck_db: Path, warehouse: Path) -> tuple[list[str], dict[str, int]]:
    """Every difference between the compared tables of the two builds (empty: equal), and
    the rows compared per table."""
    problems: list[str] = []
    compared: dict[str, int] = {}
    with connect_spark(warehouse) as con:
        con.execute(f"attach '{duck_db}' as duck (read_only)")
        spark_tables = {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, view_name from duckdb_views() where not internal").fetchall()}
        for table, columns in _compared_tables(con).items():
            if table not in spark_tables:
                # an empty partitioned table holds no Parquet file (e.g. the RM books of a
                # landing without the optional RM pair): equal when DuckDB's is empty too
                schema, name = table.split(".")
                duck_rows = con.execute(f"select count(*) from duck.{table}").fetchone()[0]
                if duck_rows == 0 and (warehouse / f"{schema}.db" / name).is_dir():
                    compared[table] = 0
                    continue
                problems.append(f"{table}: not built on Spark")
                continue
            names = ", ".join(f'"{c}"' for c, _ in columns)
            amounts = [t.upper().startswith(AMOUNT_TYPES) for _, t in columns]
            duck_rows = sorted(con.execute(f"select {names} from duck.{table}").fetchall(),
                               key=lambda r: _sort_key(r, amounts))
            spark_rows = sorted(con.execute(f"select {names} from {table}").fetchall(),
                                key=lambda r: _sort_key(r, amounts))
            compared[table] = len(duck_rows)
            if len(duck_rows) != len(spark_rows):
                problems.append(f"{table}: {len(duck_rows)} rows on DuckDB, "
                                f"{len(spark_rows)} on Spark")
                continue
            differing = [
                (duck_row, spark_row, column)
                for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True)
                for (column, _), is_amount, d, s in zip(columns, amounts, duck_row, spark_row,
                                                        strict=True)
                if not _same(d, s, is_amount)
            ]
            if differing:
                duck_row, spark_row, column = differing[0]
                problems.append(f"{table}: {len(differing)} values differ, first {column} in\n"
                                f"  DuckDB {duck_row}\n  Spark  {spark_row}")
    return problems, compared
    return problems, compared


def _assert_equal(duck_db: Path, warehouse: Path) -> None:
    problems, compared = _differences(duck_db, warehouse)
    assert not problems, "\n".join(problems)
    assert compared["data_quality.dq_quarantine"] > 0, "no bad row quarantined: no proof"
    assert compared["marts.fct_customer_segment"] > 0
    print("compared rows:", compared)


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated source, the first landing (before LAST_MONTH), the whole landing, the
    whole landing without any optional table, and a DuckDB build of each."""
    root = tmp_path_factory.mktemp("spark_equality")
    source = root / "source"
    generate(source, progress=False, **SAMPLE)
    paths = {"source": source, "first": root / "first", "all": root / "all",
             "bare": root / "bare"}
    _land(source, paths["first"], LAST_MONTH)
    _land(source, paths["all"], None)
    _land(source, paths["bare"], None, without_optional=True)
    for name in ("first", "all", "bare"):
        workdir = root / f"duckdb_{name}"
        _dbt(["build", "--quiet", *MODELS_ONLY], workdir, paths[name])
        paths[f"duckdb_{name}"] = workdir / "warehouse.duckdb"
    paths["root"] = root
    return paths


def test_spark_session_equals_duckdb_then_incrementally(landings: dict[str, Path]) -> None:
    """Session: a full build (models, seeds, the project's data tests) equals DuckDB; one more
    month, built incrementally on the same warehouse, equals DuckDB's build of it all."""
    root = landings["root"]
    warehouse = root / "spark_session"
    workdir = root / "spark_session_run"
    # the landing grows in place, as in production: first the months before LAST_MONTH
    landing = root / "spark_landing"
    _land(landings["source"], landing, LAST_MONTH)
    _dbt(["build", "--quiet", *PROJECT_TESTS_ONLY], workdir, landing, **_spark_env(warehouse))
    _assert_equal(landings["duckdb_first"], warehouse)
    # the main job's summary reads these Spark tables
    summary = CliRunner().invoke(main, ["summary"], env=_spark_env(warehouse))
    assert summary.exit_code == 0, summary.output
    assert "Reconciliation: balanced" in summary.output
    assert "Segments of 2025-02 (latest period)" in summary.output, summary.output

    _land(landings["source"], landing, None)
    _dbt(["build", "--quiet", *MODELS_ONLY], workdir, landing, **_spark_env(warehouse))
    compiled = workdir / "target" / "run" / "bank_tiering" / "models" / "marts" / "finance"
    assert "insert overwrite" in (compiled / "fct_customer_contribution.sql").read_text(), (
        "the second Spark build was not incremental")
    _assert_equal(landings["duckdb_all"], warehouse)


def test_spark_thrift_equals_duckdb(landings: dict[str, Path]) -> None:
    """Thrift: a local Spark Thrift Server (started from the pinned pyspark, bound to
    127.0.0.1, stopped with its process group) builds the whole landing without any
    optional raw table (INTERFACES.md §2: absent = none; it once stopped with
    PATH_NOT_FOUND) like DuckDB."""
    root = landings["root"]
    warehouse = root / "spark_thrift"
    port = free_port()
    assert not any((landings["bare"] / f"{t}.parquet").exists() for t in OPTIONAL_TABLES)
    with thrift_server(port, warehouse) as server:
        _dbt(["build", "--quiet", *MODELS_ONLY], root / "spark_thrift_run", landings["bare"],
             **_spark_env(warehouse, BANK_TIERING_SPARK_METHOD="thrift",
                          BANK_TIERING_SPARK_PORT=str(port)))
    assert server.poll() is not None, "the Thrift server is still running"
    _assert_equal(landings["duckdb_bare"], warehouse)
