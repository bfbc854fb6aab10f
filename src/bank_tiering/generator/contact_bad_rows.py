"""Bad rows of the optional ``contacts`` table (METHODOLOGY.md §18, the lead's contract).

Rows for every quarantine reason, each with exactly one defect so its reason is
unambiguous under the precedence (first failing wins):

* ``missing_key`` — contact_id null or empty, customer_id null or blank (spaces only);
* ``bad_type`` — contact_date null, ``2025-02-30``, ``not-a-date``;
* ``unknown_code`` — channel null, empty, ``sms``, ``email`` (checked trimmed and
  lower-cased, so ``' Visit'`` and ``'PHONE'`` are clean: :func:`clean_variants`);
* ``exact_duplicate`` — an identical copy of a clean contact (the original stays clean);
* ``duplicate_key`` — a new contact_id in two versions that differ (channel, then rm_id);
* ``orphan_reference`` — an unknown customer; a customer whose only rows are
  quarantined; an RM id that no RM row has; an RM whose only row is quarantined.

Every other field of a bad row is a clean contact's (a real customer, its owner, a date of
the window), and every bad row has a contact_id nothing clean uses (exact copies aside).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from bank_tiering.generator.helpers import as_text

Row = dict[str, Any]
Injected = list[tuple[Row, str]]

SEMANTICS = (
    "contacts (METHODOLOGY.md §18): missing_key = blank contact_id or customer_id; "
    "bad_type = contact_date null or not a date; unknown_code = channel null or, trimmed "
    "and lower-cased, not visit/phone/wechat/event/other; exact_duplicate = extra "
    "identical copies (the first stays clean); duplicate_key = every version of a "
    "repeated contact_id that differ; orphan_reference = customer not a clean customer, "
    "or rm_id set and not a clean RM (relationship_managers is landed). A null rm_id and "
    "a channel in other case or with spaces are clean."
)


def _rows_for(k: int, variants: list[Any]) -> list[Any]:
    """``max(k, len(variants))`` variants, rotating: every variant at least once."""
    return [variants[i % len(variants)] for i in range(max(k, len(variants)))]


def bad_contact_rows(rng: np.random.Generator, contacts: pa.Table, k: int,
                     n_customers: int, quarantined_customers: list[str],
                     quarantined_rms: list[str], rm_width: int
                     ) -> tuple[pa.Table, list[Row], Injected]:
    """The clean contacts as text, clean rows with an unusual channel spelling, and the
    bad rows with their reasons (``k`` per reason, at least one per variant)."""
    text = as_text(contacts)
    with_rm = np.flatnonzero(contacts.column("rm_id").is_valid().to_numpy(
        zero_copy_only=False))
    if contacts.num_rows < 4 or not len(with_rm):
        raise RuntimeError("too few contacts for bad rows")
    templates = text.take(rng.choice(with_rm, min(len(with_rm), 4 * k + 16),
                                     replace=False)).to_pylist()
    counter = iter(range(10**7))

    def fresh_id() -> str:
        return f"CT000000{next(counter):07d}"  # month tag 000000: no clean id has it

    def template(i: int) -> Row:
        return {**templates[i % len(templates)], "contact_id": fresh_id()}

    out: Injected = []
    blanks = [{"contact_id": None}, {"contact_id": ""}, {"customer_id": None},
              {"customer_id": "   "}]
    for i, change in enumerate(_rows_for(k, blanks)):
        out.append(({**template(i), **change}, "missing_key"))
    for i, value in enumerate(_rows_for(k, [None, "2025-02-30", "not-a-date"])):
        out.append(({**template(i), "contact_date": value}, "bad_type"))
    for i, value in enumerate(_rows_for(k, [None, "", "sms", "email"])):
        out.append(({**template(i), "channel": value}, "unknown_code"))
    exact = text.take(rng.choice(contacts.num_rows, max(k, 1), replace=False)).to_pylist()
    out.extend((row, "exact_duplicate") for row in exact)
    versions: list[Callable[[Row], Row]] = [
        lambda r: {"channel": "event" if r["channel"] != "event" else "phone"},
        lambda r: {"rm_id": None},
    ]
    for i, change in enumerate(_rows_for(k, versions)):
        row = template(i)
        out.extend([(row, "duplicate_key"), ({**row, **change(row)}, "duplicate_key")])
    unknown_rm = 10**rm_width - 1 - 500  # below the RM bad rows' fresh ids
    orphans: list[Callable[[int], Row]] = [
        lambda i: {"customer_id": f"C{n_customers + 980_000 + i:07d}"},
        lambda i: {"rm_id": f"RM{unknown_rm - i:0{rm_width}d}"},
    ]
    if quarantined_customers:
        orphans.append(lambda i: {"customer_id":
                                  quarantined_customers[i % len(quarantined_customers)]})
    if quarantined_rms:
        orphans.append(lambda i: {"rm_id": quarantined_rms[i % len(quarantined_rms)]})
    for i, make in enumerate(_rows_for(k, orphans)):
        out.append(({**template(i), **make(i)}, "orphan_reference"))
    return text, clean_variants(template), out


def clean_variants(template: Callable[[int], Row]) -> list[Row]:
    """Clean rows a loader must accept: a channel with spaces or in capitals, no RM."""
    return [{**template(0), "channel": " Visit"}, {**template(1), "channel": "PHONE"},
            {**template(2), "rm_id": None, "channel": "event "}]
