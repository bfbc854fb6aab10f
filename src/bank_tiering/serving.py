"""Publishing the marts to the serving file that BI tools read (INTERFACES.md §1).

DuckDB has one writer per file and any reader (even read-only) blocks the writer, so BI
tools never open the build file. After every successful build the marts are copied into a
new file beside the serving file, which is then renamed over it (``os.replace``, atomic on
one file system):

* readers that hold the old serving file keep its inode and go on answering with the
  old data; a new connection opens the new file — nobody ever sees half a build;
* the build file is only read (``ATTACH … (READ_ONLY)``), so it keeps its incremental
  state for the next build;
* the file is written in DuckDB's v1.4.0 storage format, so DuckDB 1.4 readers (older BI
  drivers) can open it.

What the serving file holds (and nothing else — no staging or intermediate layer, no raw
views, no PII hashes): every table of the schemas in :data:`SERVED_SCHEMAS` — ``marts``
(the contracted marts), ``data_quality`` (quarantine and reconciliation), ``semantic``
(the MetricFlow time spine) and ``parameters`` (the seeds: the lines a chart draws, e.g.
the bank-value line of the quadrant chart). Each table is re-created from the build's own
DDL (types, NOT NULL constraints) and filled with ``INSERT … SELECT``; table and column
comments (the dbt descriptions persisted by ``persist_docs``) are copied too.

MetricFlow names the DuckDB catalog after the file name: keep the serving file named
``warehouse.duckdb`` (the default ``data/serving/warehouse.duckdb``) or run ``dbt parse``
with the ``serving`` target so the semantic manifest uses the serving file's name.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

#: Schemas copied to the serving file, in this order.
SERVED_SCHEMAS: tuple[str, ...] = ("marts", "data_quality", "semantic", "parameters")
#: DuckDB storage format of the serving file (readable by DuckDB >= 1.4).
STORAGE_VERSION = "v1.4.0"
_SOURCE_ALIAS = "bank_tiering_build"


class PublishError(RuntimeError):
    """The build file cannot be published (missing, or without the marts)."""


@dataclass(frozen=True)
class PublishResult:
    """What one publish wrote."""

    serving_path: Path
    tables: dict[str, int]  # "schema.table" -> rows
    seconds: float


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    """(schema, table, create DDL, comment) of every table of the served schemas."""
    placeholders = ", ".join("?" for _ in SERVED_SCHEMAS)
    rows = con.execute(
        f"""
        select schema_name, table_name, sql, comment
        from duckdb_tables()
        where database_name = ? and schema_name in ({placeholders})
        order by schema_name, table_name
        """,
        [_SOURCE_ALIAS, *SERVED_SCHEMAS],
    ).fetchall()
    order = {schema: i for i, schema in enumerate(SERVED_SCHEMAS)}
    return sorted(rows, key=lambda r: (order[r[0]], r[1]))


def _column_comments(con: duckdb.DuckDBPyConnection, schema: str,
                     table: str) -> list[tuple[str, str]]:
    return con.execute(
        """
        select column_name, comment
        from duckdb_columns()
        where database_name = ? and schema_name = ? and table_name = ? and comment is not null
        order by column_index
        """,
        [_SOURCE_ALIAS, schema, table],
    ).fetchall()


def _copy_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = _source_tables(con)
    if not any(schema == "marts" for schema, *_ in tables):
        raise PublishError("the build file has no marts: run `bank-tiering run` first")
    written: dict[str, int] = {}
    for schema in dict.fromkeys(schema for schema, *_ in tables):
        con.execute(f"create schema if not exists {_quote(schema)}")
    for schema, table, ddl, comment in tables:
        name = f"{_quote(schema)}.{_quote(table)}"
        # The DDL names the table schema-qualified without a catalog: it lands in the
        # serving file (the connection's default catalog), with the build's types and
        # NOT NULL constraints.
        con.execute(ddl)
        con.execute(f"insert into {name} select * from {_quote(_SOURCE_ALIAS)}.{name}")
        if comment:
            con.execute(f"comment on table {name} is {_literal(comment)}")
        for column, column_comment in _column_comments(con, schema, table):
            con.execute(
                f"comment on column {name}.{_quote(column)} is {_literal(column_comment)}"
            )
        row = con.execute(f"select count(*) from {name}").fetchone()
        written[f"{schema}.{table}"] = int(row[0]) if row else 0
    return written


def publish(build_path: Path, serving_path: Path) -> PublishResult:
    """Copy the served schemas of ``build_path`` into ``serving_path`` atomically."""
    started = time.perf_counter()
    build_path, serving_path = Path(build_path), Path(serving_path)
    if not build_path.exists():
        raise PublishError(f"no build file at {build_path}: run `bank-tiering run` first")
    if build_path.resolve() == serving_path.resolve():
        raise PublishError("the serving file must not be the build file")
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_path.with_name(f".{serving_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(
            str(tmp), config={"storage_compatibility_version": STORAGE_VERSION}
        ) as con:
            con.execute(
                f"attach {_literal(str(build_path))} as {_quote(_SOURCE_ALIAS)} (read_only)"
            )
            written = _copy_tables(con)
            con.execute(f"detach {_quote(_SOURCE_ALIAS)}")
            con.execute("checkpoint")
        # A WAL beside the serving file could only come from someone writing to it; a new
        # reader would replay it onto the new file, so it goes first.
        Path(f"{serving_path}.wal").unlink(missing_ok=True)
        os.replace(tmp, serving_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    log.info("published %d tables to %s in %.1f s", len(written), serving_path, seconds)
    return PublishResult(serving_path=serving_path, tables=written, seconds=seconds)


def contract_gaps(con: duckdb.DuckDBPyConnection,
                  contract: dict[str, tuple[str, ...]]) -> list[str]:
    """What a serving file lacks of ``contract`` (``"schema.table"`` -> the columns a reader
    needs): ``"schema.table"`` for a missing table, ``"schema.table.column"`` for a missing
    column; empty when it has everything. A reader of a file an older version published
    names what is missing instead of failing on a query."""
    present: dict[str, set[str]] = {}
    for schema, table, column in con.execute(
            "select schema_name, table_name, column_name from duckdb_columns()").fetchall():
        present.setdefault(f"{schema}.{table}", set()).add(column)
    gaps: list[str] = []
    for table, columns in contract.items():
        if table not in present:
            gaps.append(table)
        else:
            gaps.extend(f"{table}.{c}" for c in columns if c not in present[table])
    return gaps
