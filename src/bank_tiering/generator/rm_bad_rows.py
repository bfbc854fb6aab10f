"""Bad rows of ``relationship_managers`` and ``customer_assignments`` (METHODOLOGY.md §14).

One or more rows per quarantine reason of the lead's RM contract, each with exactly one
defect so its reason is unambiguous under the precedence (first failing wins):

* relationship_managers — ``missing_key`` (blank rm_id), ``bad_type`` (hire_date null or
  not a date, leave_date not a date), ``date_order`` (leave_date = and < hire_date),
  ``exact_duplicate`` (a copy of a clean RM; the original stays clean), ``duplicate_key``
  (one new rm_id in two versions).
* customer_assignments — ``missing_key`` (blank assignment_id, customer_id or rm_id),
  ``bad_type`` (valid_from null or not a date, valid_to not a date), ``date_order``
  (valid_to = and < valid_from), ``exact_duplicate``, ``duplicate_key`` (one new
  assignment_id in two versions), ``orphan_reference`` (an unknown customer, an unknown
  RM, an RM whose only row is quarantined), and ``duplicate_key`` for every row of
  overlapping assignments of one customer ([d, d+60) with [d+30, d+90); an open-ended row
  with one inside it; a chain of three).

Nothing here changes what happens to a clean row: bad rows carry fresh ids nothing clean
uses (exact copies aside), and every bad assignment with dates and a real customer names
one without a clean assignment (onboarded after the window, or left without an RM), so
no clean assignment gains an overlap, however the overlap check were ordered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from bank_tiering.generator.helpers import as_text, shift_iso

Row = dict[str, Any]
#: (text row, the reason it must be quarantined for)
Injected = list[tuple[Row, str]]


class _Fresh:
    """Ids that no generated row uses."""

    def __init__(self, width: int, n_customers: int) -> None:
        self.width, self.n_customers = width, n_customers
        self.counts = {"rm": 0, "assignment": 0, "customer": 0}

    def __call__(self, kind: str) -> str:
        i = self.counts[kind]
        self.counts[kind] += 1
        if kind == "rm":
            return f"RM{10**self.width - 1 - i:0{self.width}d}"
        if kind == "assignment":
            return f"AS{10**8 - 1 - i:08d}"
        return f"C{self.n_customers + 970_000 + i:07d}"


def _rows_for(k: int, variants: list[Any]) -> list[Any]:
    """``max(k, len(variants))`` variants, rotating: every variant at least once."""
    return [variants[i % len(variants)] for i in range(max(k, len(variants)))]


def bad_rm_rows(rng: np.random.Generator, rms: pa.Table, assignments: pa.Table,
                spare_customers: list[str], start: date, k: int, width: int,
                n_customers: int) -> tuple[pa.Table, Injected, pa.Table, Injected]:
    """The clean RM table as text, its bad rows, the clean assignments as text and theirs.

    ``spare_customers`` are clean customers without a clean assignment; ``k`` is the
    number of rows per reason (at least one per variant); ``width`` the staff number's
    digits (fresh RM ids count down from the largest).
    """
    if not spare_customers or rms.num_rows < 2 or assignments.num_rows < 2:
        raise RuntimeError("too few RMs, assignments or unassigned customers for bad rows")
    rms_text, asg_text = as_text(rms), as_text(assignments)
    fresh = _Fresh(width, n_customers)
    n_exact = max(k, 1)
    rm_pick = rng.permutation(rms.num_rows)
    asg_pick = rng.choice(assignments.num_rows, min(assignments.num_rows, n_exact),
                          replace=False)
    rm_rows = rms_text.take(rm_pick).to_pylist()
    asg_rows = asg_text.take(asg_pick).to_pylist()
    # exclusive templates for exact copies, the rest for rows with fresh ids
    rm_exact, rm_other = rm_rows[:max(1, len(rm_rows) // 2)], rm_rows[max(1, len(rm_rows) // 2):]
    rm_other = rm_other or rm_exact
    rm_out: Injected = []
    asg_out: Injected = []

    def rm_template(i: int) -> Row:
        return dict(rm_other[i % len(rm_other)])

    # ---- relationship_managers ------------------------------------------------------
    for i, blank in enumerate(_rows_for(k, [None, ""])):
        rm_out.append(({**rm_template(i), "rm_id": blank}, "missing_key"))
    bad_types: list[Callable[[Row, int], Row]] = [
        lambda r, i: {"hire_date": None},
        lambda r, i: {"hire_date": f"{2000 + i:04d}-13-01"},
        lambda r, i: {"leave_date": f"{2000 + i:04d}-02-30"},
    ]
    for i, change in enumerate(_rows_for(k, bad_types)):
        row = {**rm_template(i), "rm_id": fresh("rm")}
        rm_out.append(({**row, **change(row, i)}, "bad_type"))
    orders: list[Callable[[Row], Row]] = [
        lambda r: {"leave_date": r["hire_date"]},
        lambda r: {"leave_date": shift_iso(r["hire_date"], -10)},
    ]
    quarantined_rm: list[str] = []
    for i, change in enumerate(_rows_for(k, orders)):
        row = {**rm_template(i), "rm_id": fresh("rm")}
        rm_out.append(({**row, **change(row)}, "date_order"))
        quarantined_rm.append(row["rm_id"])
    for i in range(max(k, 1)):
        rm_out.append((dict(rm_exact[i % len(rm_exact)]), "exact_duplicate"))
    for i in range(max(k, 1)):
        row = {**rm_template(i), "rm_id": fresh("rm")}
        other = {**row, "rm_name": f"{row['rm_name']}（重复）"}
        rm_out.extend([(row, "duplicate_key"), (other, "duplicate_key")])

    # ---- customer_assignments -------------------------------------------------------
    clean_rm = rms_text.column("rm_id")[0].as_py()
    first = start + timedelta(days=5)

    def spare(i: int) -> str:
        return spare_customers[i % len(spare_customers)]

    for i in range(n_exact):
        asg_out.append((dict(asg_rows[i % len(asg_rows)]), "exact_duplicate"))
    serial = iter(range(10**6))

    def spare_row(valid_from: date, valid_to: date | None, rm_id: str | None = None) -> Row:
        j = next(serial)
        return {"assignment_id": fresh("assignment"), "customer_id": spare(j),
                "rm_id": rm_id or clean_rm, "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None}

    blanks = [{"assignment_id": None}, {"customer_id": ""}, {"rm_id": None}]
    for change in _rows_for(k, blanks):
        asg_out.append(({**spare_row(first, None), **change}, "missing_key"))
    asg_bad_types = [{"valid_from": None}, {"valid_from": "2025-13-01"},
                     {"valid_to": "2025-02-30"}]
    for change in _rows_for(k, asg_bad_types):
        asg_out.append(({**spare_row(first, first + timedelta(days=30)), **change},
                        "bad_type"))
    for days in _rows_for(k, [0, -1]):
        row = spare_row(first, None)
        asg_out.append(({**row, "valid_to": shift_iso(row["valid_from"], days)}, "date_order"))

    for i in range(max(k, 1)):
        row = spare_row(first + timedelta(days=i), first + timedelta(days=40 + i))
        other = {**row, "valid_from": shift_iso(row["valid_from"], 1)}
        asg_out.extend([(row, "duplicate_key"), (other, "duplicate_key")])
    orphans: list[Callable[[int], Row]] = [
        lambda i: {**spare_row(first, None), "customer_id": fresh("customer")},
        lambda i: spare_row(first, None, rm_id=fresh("rm")),
        lambda i: spare_row(first, None, rm_id=quarantined_rm[i % len(quarantined_rm)]),
    ]
    for i, make in enumerate(_rows_for(k, orphans)):
        asg_out.append((make(i), "orphan_reference"))
    groups: list[list[tuple[int, int | None]]] = [
        [(0, 60), (30, 90)], [(0, None), (10, 40)], [(0, 30), (20, 50), (40, None)],
    ]
    for i, group in enumerate(_rows_for(k, groups)):
        cust = spare(next(serial))
        d = first + timedelta(days=3 * i)
        for lo, hi in group:
            row = spare_row(d + timedelta(days=lo),
                            None if hi is None else d + timedelta(days=hi))
            asg_out.append(({**row, "customer_id": cust}, "duplicate_key"))
    return rms_text, rm_out, asg_text, asg_out
