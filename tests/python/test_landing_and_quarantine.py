"""The raw landing contract and METHODOLOGY.md §9 on hand-made data: every bad row is
quarantined with its reason, counts reconcile, PII never reaches a later layer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, Build

EXPECTED = json.loads((FIXTURES / "raw_dirty" / "_expected_quarantine.json").read_text())
TABLES = [t for t in EXPECTED if not t.startswith("_")]


def test_every_bad_row_is_quarantined_with_its_reason(dirty_build: Build) -> None:
    got: dict[str, dict[str, int]] = {}
    rows = dirty_build.query(
        "select source_table, reason_code, count(*) from data_quality.dq_quarantine group by all"
    )
    for table, reason, n in rows:
        got.setdefault(table, {})[reason] = n
    for table in TABLES:
        expected = {k: v for k, v in EXPECTED[table].items() if k != "raw"}
        assert got.get(table, {}) == expected, table


def test_reconciliation_balances_against_landed_rows(dirty_build: Build) -> None:
    rows = dirty_build.query(
        "select source_table, raw_rows, clean_rows, quarantined_rows "
        "from data_quality.dq_reconciliation"
    )
    assert {r[0] for r in rows} == set(TABLES)
    for table, raw, clean, quarantined in rows:
        assert raw == EXPECTED[table]["raw"], table
        assert raw == clean + quarantined, table


def test_quarantine_record_masks_pii(dirty_build: Build) -> None:
    records = [
        r[0]
        for r in dirty_build.query(
            "select raw_record from data_quality.dq_quarantine where source_table = 'customers'"
        )
    ]
    text = "\n".join(records)
    assert "李*" in text and "110***********1111" in text
    for clear in ("李四", "110101198501011111", "13900000000"):
        assert clear not in text


def test_no_pii_in_clear_after_staging(dirty_build: Build) -> None:
    """No name, ID number or phone of the fixture appears in any later-layer table: each
    table is read once, every row's text matched against all the secrets in one join."""
    customers = (FIXTURES / "raw_dirty" / "customers.csv").read_text(encoding="utf-8")
    secrets = set()
    for line in customers.splitlines()[1:]:
        fields = line.split(",")
        secrets.update(v for v in fields[2:5] if v)
    assert secrets
    listed = ", ".join("('" + s.replace("'", "''") + "')" for s in sorted(secrets))
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, name, column in dirty_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('intermediate', 'marts', 'data_quality') "
        "order by table_schema, table_name, ordinal_position"
    ):
        columns.setdefault((schema, name), []).append(column)
    assert columns
    found = {}
    for (schema, name), names in columns.items():
        text = " || '|' || ".join(f'coalesce(cast("{c}" as varchar), \'\')' for c in names)
        hits = dirty_build.query(
            f"select distinct s.secret from (select {text} as row_text "
            f'from "{schema}"."{name}") as t inner join (values {listed}) as s (secret) '
            "on contains(t.row_text, s.secret)"
        )
        if hits:
            found[f"{schema}.{name}"] = sorted(h[0] for h in hits)
    assert not found, f"in clear: {found}"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        ("drop_table", "Raw table 'fees' not found"),
        ("drop_column", "missing required column(s): rating"),
    ],
)
def test_missing_table_or_column_stops_the_run_naming_it(
    tmp_path: Path, mutate: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_dirty", raw)
    if mutate == "drop_table":
        (raw / "fees.csv").unlink()
    else:
        path = raw / "credit_ratings.csv"
        path.write_text(path.read_text().replace(",rating\n", ",grade\n", 1))
    build = Build(raw, tmp_path)
    result = build.dbt("run", "--select", "stg_core__fx_rates")
    assert not result.success
    assert message in str(result.exception) + capsys.readouterr().out
