"""Manual tier overrides for the sample data (optional raw table ``tier_overrides``).

INTERFACES.md §2 declares ``tier_overrides`` optional; METHODOLOGY.md §10 says how an
approved override sets the service tier and which rows are quarantined. The generator
calls :func:`write_tier_overrides` after the core tables (and after bad-row injection):

* Always: a few **good** overrides that visibly change service tiers, in quarterly waves
  of three months (:data:`WAVES`): retail customers held at ``high_net_worth`` or
  ``mass_affluent`` from the second month on, corporates held at ``strategic`` or
  ``large`` from the third, each with a reason, a requester and a different approver —
  so overrides start, run and end all through the window and some are in force in its
  last month (the dashboard and the summary show one).
* With ``bad_rows > 0``: one or more **bad** rows per quarantine reason of a tier override
  (``missing_key``, ``bad_type``, ``unknown_code`` — not a tier, and a tier of another
  market class —, ``date_order``, ``override_rule`` — blank reason, self-approval, a
  mid-month date, longer than 12 months —, ``exact_duplicate``, ``duplicate_key`` — one
  override_id twice, and two overlapping overrides of one customer —,
  ``orphan_reference``), written as text like every other table in that mode, and added
  to ``_bad_rows_manifest.json`` so the end-to-end quarantine check covers them.

Every override names customers that are open and onboarded before the window, chosen
deterministically from ``seed``; good and bad rows use different customers, so a bad row
never touches a good one. Only waves that start inside the window are written: one more
month (:func:`bank_tiering.generator.append_month`) only adds the wave starting in
it, never changes an override of a month already built, and writes the file a full run
of that length writes. The bad rows depend on the customer universe and ``start_month``
only.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bank_tiering.generator.helpers import S_OVERRIDES, contract_table, stream, text_table
from bank_tiering.generator.manifest import add_table
from bank_tiering.generator.schema import OPTIONAL_CONTRACT

logger = logging.getLogger(__name__)

TABLE = "tier_overrides"
COLUMNS: tuple[str, ...] = tuple(c for c, _ in OPTIONAL_CONTRACT[TABLE])
#: Reasons injected for tier_overrides, in the order of doc `tier_override_checks`.
OVERRIDE_REASONS: tuple[str, ...] = (
    "missing_key", "bad_type", "unknown_code", "date_order", "override_rule",
    "exact_duplicate", "duplicate_key", "orphan_reference",
)
SEMANTICS = (
    "tier_overrides (METHODOLOGY.md §10): missing_key = blank override_id or customer_id; "
    "bad_type = a date that does not parse; unknown_code = not a tier, or a tier of another "
    "market class; date_order = valid_to <= valid_from; override_rule = blank reason, "
    "approver = requester, a date not on a month start, or longer than 12 months; "
    "exact_duplicate / duplicate_key = the same override_id twice; duplicate_key also = "
    "every row of two overlapping overrides of one customer; orphan_reference = unknown "
    "customer."
)

Row = dict[str, Any]


def _month(start: date, k: int) -> date:
    m = start.month - 1 + k
    return date(start.year + m // 12, m % 12 + 1, 1)


def _eligible(customers: pa.Table, start: date, customer_type: str) -> list[str]:
    """Open customers of a type, onboarded at least 60 days before the window (vectorised)."""
    cutoff = pa.scalar(start - timedelta(days=60), type=pa.date32())
    onboard = customers.column("onboard_date").cast(pa.date32())
    mask = pc.and_(
        pc.and_(pc.equal(customers.column("customer_type"), customer_type),
                pc.is_null(customers.column("close_date"))),
        pc.fill_null(pc.less(onboard, cutoff), False),
    )
    return customers.column("customer_id").filter(mask).to_pylist()


def _permuted(rng: np.random.Generator, pool: list[str]) -> list[str]:
    """The pool in a random order (one permutation: taking more never reorders the first)."""
    return [pool[i] for i in rng.permutation(len(pool))] if pool else []


#: The good overrides, one wave of ``k`` customers per template and quarter: (customer
#: type, tier held, reason, requester / approver number base). Each wave starts
#: ``first`` + 3·w months after the window's first month and lasts ``WAVE_MONTHS``; the
#: templates of a type rotate wave by wave, so some override is in force in every month
#: from the second (retail) or third (corporate) on, the last month included.
WAVE_MONTHS = 3
WAVES: dict[str, tuple[int, tuple[tuple[str, str, int], ...]]] = {
    "retail": (1, (
        ("high_net_worth", "家族信托资产划转在途，保留高净值服务", 100),
        ("mass_affluent", "大额存单到期转存在途，保留中等价值服务", 500),
    )),
    "corporate": (2, (
        ("strategic", "总行战略合作协议签署中，按战略客户服务", 300),
        ("large", "集团授信整合审批中，按大型客户服务", 700),
    )),
}


def _good_rows(customers: pa.Table, start: date, months: int, seed: int
               ) -> tuple[list[Row], list[str]]:
    """Good overrides starting inside the window and the customers kept for the bad rows.

    Waves whose first month is after the window's last month are not written, so one
    more month only adds rows: the overrides of the months already built never change.
    Every customer has at most one good override; none is in ``spare``.
    """
    rng = stream(seed, S_OVERRIDES)
    k = max(2, customers.num_rows // 500)
    retail = _permuted(rng, _eligible(customers, start, "retail"))
    corporate = _permuted(rng, _eligible(customers, start, "corporate"))
    # the first retail wave, then 12 + k spare customers for the bad rows, then the rest
    spare = retail[k: 2 * k + 12]
    pools = {"retail": retail[:k] + retail[2 * k + 12:], "corporate": corporate}
    rows: list[Row] = []
    last = _month(start, months - 1)
    for wave in range(months):
        for ctype, (first, templates) in WAVES.items():
            valid_from = _month(start, first + WAVE_MONTHS * wave)
            chosen = pools[ctype][wave * k: (wave + 1) * k]
            if valid_from > last or not chosen:
                continue
            tier, reason, number = templates[wave % len(templates)]
            for i, cid in enumerate(chosen):
                rows.append({
                    "customer_id": cid, "tier_code": tier, "reason": reason,
                    "valid_from": valid_from,
                    "valid_to": _month(start, first + WAVE_MONTHS * wave + WAVE_MONTHS),
                    "requested_by": f"RM{number + wave * k + i:04d}",
                    "approved_by": f"BM{number + 100 + wave * k + i:04d}",
                })
    for j, row in enumerate(rows):
        row["override_id"] = f"OVR{j + 1:06d}"
    return rows, spare


def _bad_rows(good: list[Row], spare: list[str], start: date, n_customers: int
              ) -> list[tuple[Row, str | None]]:
    """(row, reason) pairs; reason None = a clean row (the original of an exact copy)."""
    if len(spare) < 12 or not good:
        raise RuntimeError("too few open retail customers for the bad tier overrides")
    base: Row = {"tier_code": "mass_affluent", "reason": "测试", "requested_by": "RM9001",
                 "approved_by": "BM9002", "valid_from": _month(start, 1).isoformat(),
                 "valid_to": _month(start, 3).isoformat()}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"override_id": None}, "missing_key"),
        ({"valid_from": f"{start.year}-13-01"}, "bad_type"),
        ({"tier_code": "platinum"}, "unknown_code"),
        ({"tier_code": "strategic"}, "unknown_code"),  # a corporate tier for a retail customer
        ({"valid_to": _month(start, 1).isoformat()}, "date_order"),
        ({"reason": ""}, "override_rule"),
        ({"approved_by": "RM9001"}, "override_rule"),
        ({"valid_from": (_month(start, 1) + timedelta(days=14)).isoformat()}, "override_rule"),
        ({"valid_to": _month(start, 14).isoformat()}, "override_rule"),
    ]
    out: list[tuple[Row, str | None]] = []
    next_id = 900_001
    for i, (change, reason) in enumerate(cases):
        row = {**base, "override_id": f"OVR{next_id + i:06d}", "customer_id": spare[i], **change}
        out.append((row, reason))
    next_id += len(cases)
    # the same override_id twice with different tiers: both duplicate_key
    for tier in ("mass_affluent", "high_net_worth"):
        out.append(({**base, "override_id": f"OVR{next_id:06d}", "customer_id": spare[9],
                     "tier_code": tier}, "duplicate_key"))
    # two overlapping overrides of one customer: both duplicate_key
    out.append(({**base, "override_id": f"OVR{next_id + 1:06d}", "customer_id": spare[10]},
                "duplicate_key"))
    out.append(({**base, "override_id": f"OVR{next_id + 2:06d}", "customer_id": spare[10],
                 "valid_from": _month(start, 2).isoformat(),
                 "valid_to": _month(start, 5).isoformat()}, "duplicate_key"))
    # an unknown customer
    out.append(({**base, "override_id": f"OVR{next_id + 3:06d}",
                 "customer_id": f"C{n_customers + 950_000:07d}"}, "orphan_reference"))
    # an identical copy of a good override: the copy is exact_duplicate
    copy = {c: (v.isoformat() if isinstance(v, date) else v) for c, v in good[0].items()}
    out.append((copy, "exact_duplicate"))
    return out


def _as_text(row: Row) -> Row:
    return {c: (row[c].isoformat() if isinstance(row.get(c), date) else row.get(c))
            for c in COLUMNS}


def write_tier_overrides(out_dir: Path, seed: int, customers: pa.Table, start_month: date,
                         months: int, bad: bool) -> int:
    """Write ``<out_dir>/tier_overrides.parquet``; return its row count.

    ``customers`` is the generated customers table, ``months`` the window's length. With
    ``bad`` every column is text and the bad rows (and the manifest entries) are added;
    the manifest must already exist.
    """
    good, spare = _good_rows(customers, start_month, months, seed)
    path = Path(out_dir) / f"{TABLE}.parquet"
    if not bad:
        table = contract_table(TABLE, {c: pa.array([r[c] for r in good], type=t)
                                       for c, t in OPTIONAL_CONTRACT[TABLE]})
        pq.write_table(table, path)
        return table.num_rows
    injected = _bad_rows(good, spare, start_month, customers.num_rows)
    text_rows = [_as_text(r) for r in good] + [_as_text(r) for r, _ in injected]
    table = text_table(TABLE, text_rows)
    pq.write_table(table, path)
    add_table(
        Path(out_dir), TABLE, ("override_id",), table.num_rows, len(injected),
        (({"override_id": row["override_id"]}, reason) for row, reason in injected
         if reason is not None),
        {"override_rule": SEMANTICS}, extra_reasons=("override_rule",),
    )
    logger.info("tier_overrides: %d good, %d bad rows", len(good), len(injected))
    return table.num_rows


__all__ = ["COLUMNS", "OVERRIDE_REASONS", "write_tier_overrides"]
