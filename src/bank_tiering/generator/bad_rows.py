"""Inject bad rows of every quarantine reason (METHODOLOGY.md §9, §13) into generated raw data.

Runs after :func:`bank_tiering.generator.generate` has written clean, typed files.  Every
table is rewritten with all columns as ``VARCHAR`` (so unparseable values can exist) and
extra rows are appended.  Each injected row is designed to fail exactly one check, and
none of them changes what happens to any other row:

* rows that need a key of their own get a *fresh* key nothing else uses or references
  (fresh ids, or dates before every real date of that table);
* rows that reference a parent reference a clean, valid parent — except the
  ``orphan_reference`` rows, whose parent id exists nowhere;
* no clean parent row is ever made bad, so nothing cascades into orphans.

The ground truth goes to ``<out_dir>/_bad_rows_manifest.json``: per table, the number of
raw rows that must end in quarantine per reason code (``duplicate_key`` counts every row
of a conflicting key group, ``exact_duplicate`` counts the extra copies only), plus the
record key of every such row.  The semantics assumed for each reason are spelled out in
the manifest under ``semantics``.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from bank_tiering.generator.bad_row_injector import (
    REASONS,
    RECORD_KEYS,
    SEMANTICS,
    Injector,
    Row,
)
from bank_tiering.generator.bad_row_recipes import PLAN, RECIPES
from bank_tiering.generator.helpers import balance_partition_name
from bank_tiering.generator.manifest import MANIFEST_NAME
from bank_tiering.generator.schema import CONTRACT, TABLES

logger = logging.getLogger(__name__)


def _allocate(bad_rows: int) -> list[int]:
    """Rows per plan entry: about ``bad_rows`` in total, at least one per entry."""
    base, rest = divmod(bad_rows, len(PLAN))
    return [max(1, base + (1 if i < rest else 0)) for i in range(len(PLAN))]


def _write_strings(inj: Injector, table: str, src: str, dst: Path, extra: list[Row]) -> None:
    """Rewrite ``src`` with all columns VARCHAR and the injected rows appended."""
    cols = [c for c, _ in CONTRACT[table]]
    sql = f"SELECT {inj.casts(table)} FROM {src}"
    if extra:
        arrow = pa.table({c: pa.array([r.get(c) for r in extra], type=pa.string())
                          for c in cols})
        inj.con.register("injected", arrow)
        sql += " UNION ALL SELECT * FROM injected"
    tmp = dst.with_suffix(".tmp.parquet")
    inj.con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet)")
    if extra:
        inj.con.unregister("injected")
    os.replace(tmp, dst)




def inject_bad_rows(
    out_dir: Path, bad_rows: int, seed: int, start_month: date, months: int,
    customers: int, balances_layout: str = "monthly",
) -> dict[str, Any]:
    """Rewrite the clean files in ``out_dir`` as VARCHAR tables with bad rows appended.

    Returns the manifest that is also written to ``out_dir/_bad_rows_manifest.json``.
    """
    out_dir = Path(out_dir)
    inj = Injector(out_dir, seed, start_month, months, customers, balances_layout)
    for (table, reason), k in zip(PLAN, _allocate(bad_rows), strict=True):
        RECIPES[(table, reason)](inj, k)

    # rewrite every file as strings; injected balance rows go to month 0
    for table in TABLES:
        if table == "balances" and balances_layout == "monthly":
            for m in range(months):
                part = out_dir / "balances" / balance_partition_name(start_month, m)
                _write_strings(inj, table, f"read_parquet('{part}')", part,
                               inj.extra[table] if m == 0 else [])
            continue
        path = out_dir / f"{table}.parquet"
        _write_strings(inj, table, f"read_parquet('{path}')", path, inj.extra[table])

    raw_rows: dict[str, int] = {}
    for table in TABLES:
        if table == "balances" and balances_layout == "monthly":
            src = f"read_parquet('{out_dir / 'balances' / '*.parquet'}')"
        else:
            src = f"read_parquet('{out_dir / (table + '.parquet')}')"
        raw_rows[table] = int(inj.scalar(f"SELECT count(*) FROM {src}"))

    per_table: dict[str, dict[str, int]] = {t: dict.fromkeys(REASONS, 0) for t in TABLES}
    for rec in inj.truth:
        per_table[rec["table"]][rec["reason"]] += 1
    manifest: dict[str, Any] = {
        "format_version": 1,
        "generator": {
            "customers": customers, "months": months, "seed": seed,
            "start_month": start_month.isoformat(), "bad_rows": bad_rows,
            "balances_layout": balances_layout,
        },
        "reason_precedence": list(REASONS),
        "record_keys": {t: list(k) for t, k in RECORD_KEYS.items()},
        "semantics": SEMANTICS,
        "tables": {
            t: {
                "raw_rows": raw_rows[t],
                "injected_rows": len(inj.extra[t]),
                "quarantined_rows": sum(per_table[t].values()),
                "clean_rows": raw_rows[t] - sum(per_table[t].values()),
                "quarantined": per_table[t],
            }
            for t in TABLES
        },
        "totals": {r: sum(per_table[t][r] for t in TABLES) for r in REASONS},
        "rows": inj.truth,
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    logger.info("injected %d rows; quarantine ground truth %s",
                sum(len(v) for v in inj.extra.values()), manifest["totals"])
    return manifest
