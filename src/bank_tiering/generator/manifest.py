"""The bad-rows manifest ``_bad_rows_manifest.json``: the quarantine ground truth.

:mod:`bank_tiering.generator.bad_rows` writes it for the required tables; the optional
tables (tier overrides, relationship managers) add their own entries with
:func:`add_table`. Tests read it with :func:`load_manifest` and
:func:`expected_quarantine`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MANIFEST_NAME = "_bad_rows_manifest.json"


def load_manifest(out_dir: Path) -> dict[str, Any]:
    """Read ``_bad_rows_manifest.json`` from a generated directory."""
    return json.loads((Path(out_dir) / MANIFEST_NAME).read_text())


def expected_quarantine(out_dir: Path) -> dict[tuple[str, str], int]:
    """``{(table, reason): rows}`` for every non-zero entry of the manifest."""
    manifest = load_manifest(out_dir)
    return {
        (t, r): n
        for t, v in manifest["tables"].items()
        for r, n in v["quarantined"].items()
        if n
    }


def add_table(
    out_dir: Path, table: str, key_columns: tuple[str, ...], raw_rows: int,
    injected_rows: int, quarantined: Iterable[tuple[Mapping[str, Any], str]],
    semantics: Mapping[str, str], extra_reasons: tuple[str, ...] = (),
) -> None:
    """Add ``table`` to the manifest in ``out_dir`` (which must exist).

    ``quarantined`` holds ``(record key, reason)`` of every raw row that must end in
    quarantine; ``extra_reasons`` are reason codes of this table beyond the manifest's
    precedence list; ``semantics`` entries are merged into the manifest's.
    """
    path = Path(out_dir) / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    per_reason = dict.fromkeys((*manifest["reason_precedence"], *extra_reasons), 0)
    records = []
    for key, reason in quarantined:
        per_reason[reason] += 1
        records.append({"table": table, "reason": reason, "record_key": dict(key)})
    total = sum(per_reason.values())
    manifest["record_keys"][table] = list(key_columns)
    manifest["semantics"].update(semantics)
    manifest["tables"][table] = {
        "raw_rows": raw_rows, "injected_rows": injected_rows,
        "quarantined_rows": total, "clean_rows": raw_rows - total,
        "quarantined": per_reason,
    }
    for reason, n in per_reason.items():
        manifest["totals"][reason] = manifest["totals"].get(reason, 0) + n
    manifest["rows"].extend(records)
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
