"""Bit-identical rebuilds (METHODOLOGY.md §13): the same landed data built again, and built
with 1, 2 and 4 threads, gives every mart and data-quality table identical value for value.

The first build is the session's full build of generated data with bad rows (balances
landed as daily files, so one account-month's rows are scanned by several threads); the
others build models and seeds only (no tests) into fresh warehouses. Only the audit
timestamp `detected_at` of dq_quarantine may differ.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Build

SCHEMAS = ("marts", "data_quality")
AUDIT_COLUMNS = {"detected_at"}
MODELS_ONLY = ("build", "--exclude", "resource_type:test", "resource_type:unit_test")


def _tables(build: Build) -> dict[str, list[tuple]]:
    """Every row of every table of SCHEMAS (audit columns left out), sorted."""
    names = build.query(
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_schema in {SCHEMAS} order by 1"
    )
    out = {}
    for (name,) in names:
        schema, table = name.split(".")
        columns = [
            c
            for (c,) in build.query(
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{table}' "
                "order by ordinal_position"
            )
            if c not in AUDIT_COLUMNS
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        out[name] = build.query(f"select {listed} from {name} order by all")
    return out


def _differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> list[str]:
    found = []
    if a.keys() != b.keys():
        found.append(f"tables differ: {sorted(a.keys() ^ b.keys())}")
    for name in sorted(a.keys() & b.keys()):
        if a[name] == b[name]:
            continue
        if len(a[name]) != len(b[name]):
            found.append(f"{name}: {len(a[name])} rows vs {len(b[name])}")
            continue
        pairs = [(x, y) for x, y in zip(a[name], b[name], strict=True) if x != y]
        found.append(f"{name}: {len(pairs)} rows differ, e.g. {pairs[0][0]} vs {pairs[0][1]}")
    return found


@pytest.fixture(scope="module")
def reference(generated_dirty: tuple[Build, Path]) -> dict[str, list[tuple]]:
    build, _ = generated_dirty
    tables = _tables(build)
    assert tables["marts.fct_customer_contribution"], "nothing to compare"
    return tables


@pytest.mark.parametrize("threads", [1, 4, 2])
def test_rebuild_is_bit_identical(
    generated_dirty: tuple[Build, Path],
    reference: dict[str, list[tuple]],
    threads: int,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, raw = generated_dirty
    monkeypatch.setenv("BANK_TIERING_THREADS", str(threads))
    rebuild = Build(raw, tmp_path_factory.mktemp(f"rebuild_{threads}_threads"))
    assert rebuild.dbt(*MODELS_ONLY).success
    assert os.environ["BANK_TIERING_THREADS"] == str(threads)
    differences = _differences(reference, _tables(rebuild))
    assert not differences, "\n".join(differences)
