"""The serving file (INTERFACES.md §1, bank_tiering.serving): what it holds, how it is
written, and that a reader holding it open never blocks a build and never sees half of one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import SERVED_SAMPLE, Served

from bank_tiering.generator import generate
from bank_tiering.serving import SERVED_SCHEMAS, PublishError, publish

BIN = Path(sys.executable).parent


def _tables(path: Path) -> dict[tuple[str, str], int]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() order by all").fetchall()
        return {
            (s, t): con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in names
        }


def test_serving_file_holds_the_served_schemas_only(served: Served) -> None:
    served_tables = _tables(served.serving_path)
    built = _tables(served.build_path)
    assert {s for s, _ in served_tables} == set(SERVED_SCHEMAS)
    # every table of those schemas, with the build's rows; nothing of staging/intermediate
    assert served_tables == {k: v for k, v in built.items() if k[0] in SERVED_SCHEMAS}
    assert ("marts", "fct_customer_segment") in served_tables
    assert ("semantic", "metricflow_time_spine") in served_tables
    with duckdb.connect(str(served.build_path), read_only=True) as con:
        assert con.execute("select count(*) from duckdb_views() where schema_name in "
                           "('staging', 'intermediate')").fetchone()[0] > 0


def test_serving_file_keeps_types_comments_and_the_old_storage_format(served: Served) -> None:
    with duckdb.connect(str(served.serving_path), read_only=True) as con:
        # written for DuckDB 1.4 readers (storage_compatibility_version v1.4.0)
        tags = con.execute("select tags from duckdb_databases() "
                           "where database_name = current_database()").fetchone()[0]
        assert tags.get("storage_version", "").startswith("v1.4.0")
        comment, = con.execute("select comment from duckdb_tables() where schema_name = 'marts' "
                               "and table_name = 'fct_customer_segment'").fetchone()
        assert comment and "customer" in comment
        served_types = con.execute("select table_name, column_name, data_type "
                                   "from duckdb_columns() where schema_name = 'marts' "
                                   "order by all").fetchall()
    with duckdb.connect(str(served.build_path), read_only=True) as con:
        built_types = con.execute("select table_name, column_name, data_type "
                                  "from duckdb_columns() where schema_name = 'marts' "
                                  "order by all").fetchall()
    assert served_types == built_types


def test_publish_refuses_a_missing_build_and_leaves_no_temp_file(tmp_path: Path) -> None:
    serving = tmp_path / "serving" / "warehouse.duckdb"
    with pytest.raises(PublishError, match="no build file"):
        publish(tmp_path / "missing.duckdb", serving)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="no marts"):
        publish(empty, serving)
    assert not serving.exists()
    assert list(serving.parent.iterdir()) == []


def test_a_reader_never_blocks_a_build_and_keeps_its_data(served: Served,
                                                           tmp_path: Path) -> None:
    """A BI reader holds the served file open while `bank-tiering run` builds a new month
    and publishes: the build succeeds, the reader keeps answering with the old data, and a
    new connection sees the new month."""
    work = Served(tmp_path / "raw", tmp_path)
    generate(work.raw_dir, progress=False, **{**SERVED_SAMPLE, "months": 4})
    shutil.copyfile(served.build_path, work.build_path)  # the incremental state to build on
    publish(work.build_path, work.serving_path)
    sql = "select max(period_month), count(*) from marts.fct_customer_segment"

    reader = duckdb.connect(str(work.serving_path), read_only=True)
    try:
        before = reader.execute(sql).fetchone()
        run = subprocess.run([str(BIN / "bank-tiering"), "run"], env=work.env(),
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "Published" in run.stdout
        assert reader.execute(sql).fetchone() == before  # the old file, still answering
        other_process = subprocess.run(
            [sys.executable, "-c",
             "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
             f"print(c.execute({sql!r}).fetchone()[0])", str(work.serving_path)],
            capture_output=True, text=True, check=True)
        assert other_process.stdout.strip() == "2025-03-01"
    finally:
        reader.close()
    with duckdb.connect(str(work.serving_path), read_only=True) as con:
        after = con.execute(sql).fetchone()
    assert str(before[0]) == "2025-02-01" and str(after[0]) == "2025-03-01"
    assert after[1] > before[1]
    assert not [p for p in os.listdir(work.serving_path.parent) if p.endswith(".tmp")]
