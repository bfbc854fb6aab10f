"""The whole project on generated raw data with bad rows of every kind injected: every
bad row is quarantined with the reason the generator's manifest records, counts
reconcile against the landed files, and the marts are populated."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Build

from bank_tiering.generator import expected_quarantine, load_manifest


@pytest.fixture(scope="module")
def generated_build(generated_dirty: tuple[Build, Path]) -> tuple[Build, Path]:
    return generated_dirty


def test_quarantine_matches_the_injected_bad_rows(generated_build: tuple[Build, Path]) -> None:
    build, raw = generated_build
    got = {
        (table, reason): n
        for table, reason, n in build.query(
            "select source_table, reason_code, count(*) from data_quality.dq_quarantine "
            "group by all"
        )
    }
    assert got == expected_quarantine(raw)


def test_reconciliation_equals_landed_rows(generated_build: tuple[Build, Path]) -> None:
    build, raw = generated_build
    manifest = load_manifest(raw)
    rows = build.query(
        "select source_table, raw_rows, clean_rows, quarantined_rows "
        "from data_quality.dq_reconciliation"
    )
    # every raw table of INTERFACES.md §2 (an optional one not written reconciles with 0)
    assert len(rows) == 14  # ten required + tier_overrides + RM pair + contacts
    for table, raw_rows, clean_rows, quarantined_rows in rows:
        if table not in manifest["tables"]:
            assert (raw_rows, clean_rows, quarantined_rows) == (0, 0, 0), table
            continue
        assert raw_rows == manifest["tables"][table]["raw_rows"], table
        assert clean_rows == manifest["tables"][table]["clean_rows"], table
        assert raw_rows == clean_rows + quarantined_rows, table
