"""Independent readings of the landed raw files (INTERFACES.md §2) for the tests that
recompute a rule outside dbt: the RM owners (METHODOLOGY.md §14) and the contacts (§18)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import duckdb


def landed(raw_dir: Path, table: str) -> str | None:
    """A DuckDB reader of a landed raw table (INTERFACES.md §2), None when it is absent."""
    if (raw_dir / f"{table}.parquet").exists():
        return f"read_parquet('{raw_dir / table}.parquet')"
    if list((raw_dir / table).glob("*.parquet")):
        return f"read_parquet('{raw_dir / table}/*.parquet', union_by_name = true)"
    return None


def owners_from_raw(raw_dir: Path) -> dict[str, list[tuple[date, date | None, str, date | None]]]:
    """customer_id -> its assignments (valid_from, valid_to, rm_id, the RM's leave_date), read
    from the landed files (METHODOLOGY.md §14; the generated year has no bad rows of them)."""
    assignments = landed(raw_dir, "customer_assignments")
    managers = landed(raw_dir, "relationship_managers")
    if assignments is None or managers is None:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "select a.customer_id, cast(a.valid_from as date), cast(a.valid_to as date), a.rm_id, "
            f"cast(m.leave_date as date) from {assignments} as a "
            f"inner join {managers} as m on a.rm_id = m.rm_id").fetchall()
    owners: dict[str, list[tuple[date, date | None, str, date | None]]] = defaultdict(list)
    for cid, start, end, rm, leave in rows:
        owners[cid].append((start, end, rm, leave))
    return owners


def contacts_from_raw(raw_dir: Path) -> dict[str, list[date]]:
    """customer_id -> its contact dates, sorted (METHODOLOGY.md §18; none when not landed)."""
    contacts = landed(raw_dir, "contacts")
    found: dict[str, list[date]] = defaultdict(list)
    if contacts is None:
        return found
    with duckdb.connect() as con:
        for cid, day in con.execute(
                f"select customer_id, cast(contact_date as date) from {contacts} order by 2"
        ).fetchall():
            found[cid].append(day)
    return found


def period_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def owner_at(owners: dict, cid: str, period_end: date) -> tuple[str | None, str, date | None]:
    """(rm_id, rm_status, leave_date) at a period end (§14): the assignment in force at pe."""
    for start, end, rm, leave in owners.get(cid, []):
        if start <= period_end and (end is None or period_end < end):
            status = "departed" if leave is not None and leave <= period_end else "active"
            return rm, status, leave
    return None, "unassigned", None
