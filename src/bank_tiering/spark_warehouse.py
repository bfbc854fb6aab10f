"""The tables of a Spark build, read where Spark wrote them (INTERFACES.md §5).

With ``BANK_TIERING_TARGET=spark`` dbt writes every table as Parquet under
``BANK_TIERING_SPARK_WAREHOUSE`` (``<schema>.db/<table>/``, month partitions as
``period_month=<date>/`` folders). :func:`connect` opens an in-memory DuckDB connection
with one view ``<schema>.<table>`` per table found there, so the build summary (and the
Spark equality tests) read the Spark tables themselves with the same SQL as a DuckDB
build, without starting a JVM. dbt views (staging, intermediate) hold no files and are
not listed. Through a Thrift server the warehouse folder must be the server's
(``spark.sql.warehouse.dir``), readable from here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

WAREHOUSE_DEFAULT = "spark-warehouse"


def warehouse_from_env(base: Path) -> Path:
    """BANK_TIERING_SPARK_WAREHOUSE as an absolute path (relative to ``base``)."""
    path = Path(os.environ.get("BANK_TIERING_SPARK_WAREHOUSE", WAREHOUSE_DEFAULT))
    return path if path.is_absolute() else (base / path).resolve()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def tables(warehouse: Path) -> dict[tuple[str, str], Path]:
    """(schema, table) -> folder of every table holding Parquet files under ``warehouse``."""
    found: dict[tuple[str, str], Path] = {}
    for schema_dir in sorted(warehouse.glob("*.db")):
        for table_dir in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
            if next(table_dir.rglob("*.parquet"), None) is not None:
                found[(schema_dir.name[: -len(".db")], table_dir.name)] = table_dir
    return found


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB with a view per Spark table of ``warehouse`` (see the module doc)."""
    if not warehouse.is_dir():
        raise FileNotFoundError(f"no Spark warehouse at {warehouse} (BANK_TIERING_SPARK_WAREHOUSE)")
    con = duckdb.connect()
    for (schema, table), folder in tables(warehouse).items():
        con.execute(f"create schema if not exists {_quote(schema)}")
        glob = str(folder / "**" / "*.parquet").replace("'", "''")
        con.execute(
            f"create view {_quote(schema)}.{_quote(table)} as select * from "
            f"read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
        )
    log.info("read the Spark warehouse %s", warehouse)
    return con


def layer_counts(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[tuple]:
    """(schema, tables, rows) of the Spark tables of ``schemas`` (exact counts)."""
    listed = con.execute(
        "select schema_name, view_name from duckdb_views() where not internal "
        f"and schema_name in ({', '.join('?' for _ in schemas)}) order by 1, 2",
        list(schemas),
    ).fetchall()
    totals: dict[str, list[int]] = {}
    for schema, table in listed:
        row = con.execute(f"select count(*) from {_quote(schema)}.{_quote(table)}").fetchone()
        entry = totals.setdefault(schema, [0, 0])
        entry[0] += 1
        entry[1] += int(row[0]) if row else 0
    return [(schema, n, rows) for schema, (n, rows) in totals.items()]
