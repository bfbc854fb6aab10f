"""Relationship managers (客户经理) and who owns each customer (METHODOLOGY.md §14).

The optional pair ``relationship_managers`` / ``customer_assignments`` (INTERFACES.md §2).
:func:`simulate_books` runs the bank's staff and their books month by month, vectorised
over customers (Python loops run over months, and over the rare rows whose branch has
almost no RM to pick):

* **Staff.** Each branch has ``round(existing customers / BOOK_SIZE)`` RMs (at least one),
  hired years before the window, with Chinese names and staff ids ``RM0001``…
* **Books.** Every customer gets an owner of its own branch from its onboarding (from the
  RM's hire when the RM came later; an RM serving out a notice gets new customers only
  when no colleague is there, and hands them over with the book); a few customers of the
  watched tiers (retail
  high-net-worth and mass-affluent, corporate strategic and large, by the generator's
  latent wealth and size) never get one (无客户经理).
* **Re-assignments.** About 5 % of customers a year move to a colleague: 40 % on the
  first day of a month, 10 % on its last day, the rest mid-month.
* **Leavers.** An RM resigns with 30–58 days' notice (the Labour Contract Law's 30 days at
  least) and about 1 % leave a month, at least one in every month while anyone is
  eligible, so every period end can show a pending handover (the sample's turnover is
  therefore high at 2,000 customers; at 100,000 the natural rate dominates). A successor is
  hired 10–40 days before the leave date; 3–45 days after it the leaver's customers move,
  70 % to the successor and the rest to colleagues, but 5 % wait 120–720 days — they stay
  with the departed RM (客户经理已离职) meanwhile. A customer who closes keeps its last RM.

The simulation does not depend on ``months`` (it covers at least
``MIN_SIMULATED_MONTHS``, each month drawing from its own stream), and the tables are its
extract as at the end of the window's last day: RMs hired by then, a leave date once the
resignation was given, assignments that started by then and their end once it happened.
One more month therefore only adds rows and fills in ends and leave dates that lie after
the earlier window, so every owner and RM status at an earlier period end stays the same
(:func:`bank_tiering.generator.append_month`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bank_tiering.generator.bad_row_recipes import PLAN
from bank_tiering.generator.codes import N_BRANCHES, NA_DAY
from bank_tiering.generator.customers import Customers, likely_watched
from bank_tiering.generator.helpers import (
    S_RMS,
    choice,
    contract_table,
    date_array,
    epoch_day,
    id_array,
    month_start,
    stream,
    text_table,
)
from bank_tiering.generator.manifest import add_table
from bank_tiering.generator.names import person_names
from bank_tiering.generator.rm_bad_rows import bad_rm_rows

logger = logging.getLogger(__name__)

RM_TABLE, ASSIGNMENT_TABLE = "relationship_managers", "customer_assignments"
#: Customers per RM the branches are staffed for (books of ≈ 50–100 in the sample).
BOOK_SIZE = 70
#: Chance that an eligible RM resigns in a month (≈ 12 % a year).
LEAVE_PROBABILITY = 0.01
#: Days an RM must have served before resigning.
MIN_TENURE_DAYS = 180
#: Notice days before the leave date (Labour Contract Law art. 37: at least 30).
NOTICE_DAYS = (30, 59)
#: Chance per customer and month of an ordinary re-assignment (≈ 5 % a year), and the
#: shares of those dated on a month's first day, its last day, or in between.
REASSIGN_PROBABILITY = 0.05 / 12
REASSIGN_DAY_SHARES = (0.4, 0.1, 0.5)
#: A leaver's customers move this many days after the leave date; a share waits long.
HANDOVER_DAYS, LATE_HANDOVER_DAYS, LATE_HANDOVER_SHARE = (3, 46), (120, 721), 0.05
#: Share of a leaver's customers who go to the successor (the rest to colleagues).
SUCCESSOR_SHARE = 0.7
#: Share of likely watched-tier customers who have no RM at all.
UNASSIGNED_SHARE = 0.02
MIN_SIMULATED_MONTHS = 25
_NO_DAY = np.int64(NA_DAY)


@dataclass
class Staff:
    """Every RM of the simulation (creation order = staff number - 1)."""

    branch: np.ndarray
    hire: np.ndarray
    names: list[pa.Array]
    leave: np.ndarray = field(init=False)
    notice: np.ndarray = field(init=False)
    successor: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.branch)
        self.leave = np.full(n, _NO_DAY)
        self.notice = np.full(n, _NO_DAY)
        self.successor = np.full(n, -1)

    @property
    def n(self) -> int:
        return len(self.branch)

    def hire_more(self, branch: np.ndarray, hire: np.ndarray, names: pa.Array) -> np.ndarray:
        """Add RMs; return their indices."""
        first = self.n
        k = len(branch)
        self.branch = np.concatenate([self.branch, branch])
        self.hire = np.concatenate([self.hire, hire])
        self.leave = np.concatenate([self.leave, np.full(k, _NO_DAY)])
        self.notice = np.concatenate([self.notice, np.full(k, _NO_DAY)])
        self.successor = np.concatenate([self.successor, np.full(k, -1)])
        self.names.append(names)
        return np.arange(first, first + k)

    def pick(self, rng: np.random.Generator, branch: np.ndarray, day: np.ndarray,
             exclude: np.ndarray, resigning: bool = False, tries: int = 16) -> np.ndarray:
        """A random RM per row: of the row's branch, hired by ``day``, not ``exclude``, and
        not resigning (with ``resigning``: not yet gone on ``day``); -1 when none."""
        order = np.argsort(self.branch, kind="stable")
        sorted_branch = self.branch[order]
        first = np.searchsorted(sorted_branch, branch, side="left")
        count = np.searchsorted(sorted_branch, branch, side="right") - first
        out = np.full(len(branch), -1)

        def ok(rm: np.ndarray, rows: np.ndarray) -> np.ndarray:
            staying = (self.leave[rm] > day[rows]) if resigning else (self.leave[rm] == _NO_DAY)
            return staying & (self.hire[rm] <= day[rows]) & (rm != exclude[rows])

        pending = np.flatnonzero(count > 0)
        for _ in range(tries):  # rejection sampling, vectorised over the rows
            if not len(pending):
                break
            picks = (rng.random(len(pending)) * count[pending]).astype(np.int64)
            rm = order[first[pending] + picks]
            good = ok(rm, pending)
            out[pending[good]] = rm[good]
            pending = pending[~good]
        for i in pending:  # the few rows whose branch has almost no candidate: scan it
            rms = order[first[i]:first[i] + count[i]]
            found = rms[ok(rms, np.full(len(rms), i))]
            if len(found):
                out[i] = found[rng.integers(0, len(found))]
        return out


@dataclass
class Books:
    """The simulated assignment history (row order = assignment number - 1)."""

    staff: Staff
    customer: np.ndarray
    rm: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray  # NA_DAY = open-ended

    def owner_at(self, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The RM (staff index) owning each customer on each day; -1 when none."""
        order = np.lexsort((self.valid_from, self.customer))
        keys = _day_key(self.customer[order], self.valid_from[order])
        row = np.searchsorted(keys, _day_key(cust, day), side="right") - 1
        hit = order[np.maximum(row, 0)]
        ok = (row >= 0) & (self.customer[hit] == cust) & (day < self.valid_to[hit])
        return np.where(ok, self.rm[hit], -1)


def _day_key(cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One sortable integer per (customer, epoch day)."""
    return cust.astype(np.int64) * (1 << 24) + (day.astype(np.int64) + (1 << 23))


class _Ledger:
    """Current owner per customer plus the growing assignment log."""

    def __init__(self, n_customers: int) -> None:
        self.owner = np.full(n_customers, -1)
        self.since = np.full(n_customers, _NO_DAY)
        self.row = np.full(n_customers, -1)
        self.pending = np.full(n_customers, _NO_DAY)  # date of a scheduled handover
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.ends: list[tuple[np.ndarray, np.ndarray]] = []
        self.rows = 0

    def assign(self, cust: np.ndarray, rm: np.ndarray, day: np.ndarray) -> None:
        """Open an assignment per customer (closing its current one on the same day)."""
        had = self.row[cust] >= 0
        self.ends.append((self.row[cust[had]], day[had]))
        self.parts.append((cust, rm, day))
        self.row[cust] = self.rows + np.arange(len(cust))
        self.rows += len(cust)
        self.owner[cust] = rm
        self.since[cust] = day

    def history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cust, rm, start = (np.concatenate([p[i] for p in self.parts]).astype(np.int64)
                           for i in range(3))
        end = np.full(self.rows, _NO_DAY)
        for rows, day in self.ends:
            end[rows] = day
        return cust, rm, start, end


def _decide_leavers(rng: np.random.Generator, staff: Staff, ledger: _Ledger,
                    watched: np.ndarray, decided: int, ts: int, te: int) -> None:
    """Resignations that take effect in the month ``[ts, te)``, decided on day ``decided``
    (before any notice of theirs), with the successors' hires."""
    owned = ledger.owner >= 0
    book = np.bincount(ledger.owner[owned], minlength=staff.n)
    watched_book = np.bincount(ledger.owner[owned & watched], minlength=staff.n)
    eligible = ((staff.leave == _NO_DAY) & (staff.hire <= decided - MIN_TENURE_DAYS)
                & (book > 0))
    leaving = eligible & (rng.random(staff.n) < LEAVE_PROBABILITY)
    if not leaving.any() and eligible.any():  # at least one leaver a month
        leaving[choice(rng, 1, eligible * (1.0 + watched_book))[0]] = True
    idx = np.flatnonzero(leaving)
    leave = ts + rng.integers(0, min(30, te - ts), len(idx))
    staff.leave[idx] = leave
    staff.notice[idx] = leave - rng.integers(*NOTICE_DAYS, len(idx))
    hire = leave - rng.integers(10, 41, len(idx))
    staff.successor[idx] = staff.hire_more(staff.branch[idx], hire,
                                           person_names(rng, len(idx)))


def _schedule(rng: np.random.Generator, c: Customers, staff: Staff, ledger: _Ledger,
              cust: np.ndarray, ms: int, me: int) -> None:
    """Schedule the handover of those of ``cust`` whose RM leaves in ``[ms, me)`` (a
    customer who closes first keeps the departed RM)."""
    owner = ledger.owner[cust]
    leaves = np.where(owner >= 0, staff.leave[np.maximum(owner, 0)], _NO_DAY)
    cust = cust[(leaves >= ms) & (leaves < me) & (c.close[cust] > leaves)]
    leaves = staff.leave[ledger.owner[cust]]
    late = rng.random(len(cust)) < LATE_HANDOVER_SHARE
    delay = np.where(late, rng.integers(*LATE_HANDOVER_DAYS, len(cust)),
                     rng.integers(*HANDOVER_DAYS, len(cust)))
    due = leaves + delay
    ledger.pending[cust] = np.where(due < c.close[cust], due, _NO_DAY)


def _hand_over(rng: np.random.Generator, c: Customers, staff: Staff, ledger: _Ledger,
               me: int) -> None:
    """Carry out every handover due before ``me``: 70 % to the leaver's successor, the
    rest to a colleague of the branch."""
    owner = ledger.owner
    due_now = np.flatnonzero(ledger.pending < me)
    day = ledger.pending[due_now]
    prev = owner[due_now]
    succ = staff.successor[prev]
    to_successor = ((rng.random(len(due_now)) < SUCCESSOR_SHARE) & (succ >= 0)
                    & (staff.hire[np.maximum(succ, 0)] <= day)
                    & (staff.leave[np.maximum(succ, 0)] == _NO_DAY))
    new = np.where(to_successor, succ, -1)
    rest = ~to_successor
    new[rest] = staff.pick(rng, c.branch[due_now[rest]], day[rest], prev[rest])
    moved = new >= 0
    ledger.assign(due_now[moved], new[moved], day[moved])
    ledger.pending[due_now] = _NO_DAY


def _reassign(rng: np.random.Generator, c: Customers, staff: Staff, ledger: _Ledger,
              ms: int, me: int) -> None:
    """Ordinary re-assignments to a colleague of the branch inside ``[ms, me)``."""
    cand = ((ledger.owner >= 0) & (ledger.pending == _NO_DAY) & (ledger.since < ms)
            & (c.close > me))
    cust = np.flatnonzero(cand & (rng.random(c.n) < REASSIGN_PROBABILITY))
    kind = choice(rng, len(cust), list(REASSIGN_DAY_SHARES))
    mid = ms + 1 + (rng.random(len(cust)) * (me - ms - 2)).astype(np.int64)
    day = np.select([kind == 0, kind == 1], [ms, me - 1], mid).astype(np.int64)
    new = staff.pick(rng, c.branch[cust], day, ledger.owner[cust])
    moved = new >= 0
    ledger.assign(cust[moved], new[moved], day[moved])


def _onboard(rng: np.random.Generator, c: Customers, staff: Staff, ledger: _Ledger,
             cust: np.ndarray, day: np.ndarray) -> None:
    """Owners picked on ``day`` (the onboarding, or the window start for the existing
    book), from the later of the onboarding and the RM's hire: an RM who stays, else one
    serving out the notice (the book moves at the leave), else the branch's next hire."""
    none = np.full(len(cust), -1)
    rm = staff.pick(rng, c.branch[cust], day, none)
    gone = rm < 0
    rm[gone] = staff.pick(rng, c.branch[cust[gone]], day[gone], none[gone], resigning=True)
    later = rm < 0
    rm[later] = staff.pick(rng, c.branch[cust[later]], np.full(later.sum(), _NO_DAY - 1),
                           none[later])
    ok = rm >= 0
    ledger.assign(cust[ok], rm[ok], np.maximum(c.onboard[cust[ok]], staff.hire[rm[ok]]))


def simulate_books(seed: int, c: Customers, start: date, months: int) -> Books:
    """Staff, resignations and the assignment history (the same for every ``months`` up
    to ``MIN_SIMULATED_MONTHS - 2``; longer windows only add months)."""
    rng = stream(seed, S_RMS)
    s0 = epoch_day(start)
    existing = c.onboard < s0
    watched = likely_watched(c)
    per_branch = np.bincount(c.branch[existing], minlength=N_BRANCHES + 1)[1:]
    n_rm = np.maximum(1, np.round(per_branch / BOOK_SIZE)).astype(np.int64)
    branch = np.repeat(np.arange(1, N_BRANCHES + 1), n_rm)
    hire = s0 - rng.integers(365, 15 * 365, len(branch))
    hire[np.cumsum(n_rm) - n_rm] = s0 - rng.integers(3 * 365, 15 * 365, N_BRANCHES)
    staff = Staff(branch, hire, [person_names(rng, len(branch))])

    pool = np.flatnonzero(existing & watched & (c.close == NA_DAY))
    unassigned = np.zeros(c.n, dtype=bool)
    if len(pool) >= 2:
        k = min(len(pool), max(2, round(UNASSIGNED_SHARE * len(pool))))
        unassigned[rng.choice(pool, k, replace=False)] = True

    ledger = _Ledger(c.n)
    book = np.flatnonzero(existing & ~unassigned)
    _onboard(rng, c, staff, ledger, book, np.full(len(book), s0 - 1))
    for m in range(-2, max(MIN_SIMULATED_MONTHS, months + 2)):
        r = stream(seed, S_RMS, 1, m + 2)
        ms, me = month_start(start, m), month_start(start, m + 1)
        # resignations two months ahead: the notice (30-58 days) falls after this decision
        _decide_leavers(r, staff, ledger, watched, ms, month_start(start, m + 2),
                        month_start(start, m + 3))
        if m < 0:
            continue
        _schedule(r, c, staff, ledger, np.flatnonzero(ledger.owner >= 0), ms, me)
        _hand_over(r, c, staff, ledger, me)
        _reassign(r, c, staff, ledger, ms, me)
        new = np.flatnonzero((c.onboard >= ms) & (c.onboard < me) & ~unassigned)
        _onboard(r, c, staff, ledger, new, c.onboard[new])
        # new customers of an RM serving out the notice: handed over from next month
        _schedule(r, c, staff, ledger, new, ms, me)
    cust, rm, valid_from, valid_to = ledger.history()
    return Books(staff, cust, rm, valid_from, valid_to)


def rm_id_width(books: Books) -> int:
    """Digits of the staff number: 4 (``RM0001``) unless the bank is larger; fixed by the
    staff at the window's start, so one more month never changes an id."""
    width = max(4, len(str(4 * len(books.staff.names[0]))))
    if books.staff.n >= 10**width - 1000:  # the top numbers are the bad rows' fresh ids
        raise RuntimeError("more RMs than the staff numbers leave room for")
    return width


@dataclass
class Extract:
    """The two tables as at the window's end, and who has an assignment in them."""

    rms: pa.Table
    assignments: pa.Table
    assigned: np.ndarray  # bool per customer: has a written assignment


def extract(books: Books, c: Customers, start: date, months: int) -> Extract:
    """What the bank's systems show at the end of the window's last day."""
    end = month_start(start, months)
    staff = books.staff
    width = rm_id_width(books)
    rm_ids = id_array("RM", np.arange(1, staff.n + 1), width)
    names = pa.concat_arrays(staff.names)
    keep = np.flatnonzero(staff.hire < end)
    leave = np.where(staff.notice < end, staff.leave, _NO_DAY)
    rms = contract_table(RM_TABLE, {
        "rm_id": pc.take(rm_ids, pa.array(keep)),
        "rm_name": pc.take(names, pa.array(keep)),
        "branch_id": id_array("BR", staff.branch[keep], 3),
        "hire_date": date_array(staff.hire[keep]),
        "leave_date": date_array(leave[keep]),
    })
    rows = np.flatnonzero(books.valid_from < end)
    valid_to = np.where(books.valid_to < end, books.valid_to, _NO_DAY)
    assignments = contract_table(ASSIGNMENT_TABLE, {
        "assignment_id": id_array("AS", rows + 1, 8),
        "customer_id": pc.take(c.ids, pa.array(books.customer[rows])),
        "rm_id": pc.take(rm_ids, pa.array(books.rm[rows])),
        "valid_from": date_array(books.valid_from[rows]),
        "valid_to": date_array(valid_to[rows]),
    })
    assigned = np.zeros(c.n, dtype=bool)
    assigned[books.customer[rows]] = True
    return Extract(rms, assignments, assigned)


SEMANTICS = {
    RM_TABLE: "relationship_managers (METHODOLOGY.md §14): missing_key = blank rm_id; "
              "bad_type = hire_date null or not a date, or leave_date not a date; "
              "date_order = leave_date <= hire_date; exact_duplicate = extra identical "
              "copies; duplicate_key = every version of a repeated rm_id.",
    ASSIGNMENT_TABLE: "customer_assignments (METHODOLOGY.md §14): missing_key = blank "
                      "assignment_id, customer_id or rm_id; bad_type = valid_from null or "
                      "not a date, or valid_to not a date; date_order = valid_to <= "
                      "valid_from; exact_duplicate / duplicate_key on assignment_id; "
                      "orphan_reference = customer or RM not among the clean rows; then "
                      "duplicate_key = every row of a customer whose [valid_from, valid_to) "
                      "(null = open-ended) overlaps another row that passed every check.",
}


def write_relationship_managers(out_dir: Path, seed: int, c: Customers, start: date,
                                months: int, bad_rows: int, books: Books | None = None
                                ) -> dict[str, int]:
    """Write the pair ``relationship_managers`` / ``customer_assignments``; rows of each.

    ``books`` is :func:`simulate_books`'s history (simulated here when not given). With
    ``bad_rows > 0`` both are text with bad rows of every reason appended (about
    ``bad_rows / len(PLAN)`` per reason, like the required tables) and entered in the
    manifest, which must exist.
    """
    books = books or simulate_books(seed, c, start, months)
    ex = extract(books, c, start, months)
    out_dir = Path(out_dir)
    if bad_rows == 0:
        pq.write_table(ex.rms, out_dir / f"{RM_TABLE}.parquet")
        pq.write_table(ex.assignments, out_dir / f"{ASSIGNMENT_TABLE}.parquet")
        return {RM_TABLE: ex.rms.num_rows, ASSIGNMENT_TABLE: ex.assignments.num_rows}
    spare = pc.take(c.ids, pa.array(np.flatnonzero(~ex.assigned)[:50])).to_pylist()
    rms, rm_bad, assignments, asg_bad = bad_rm_rows(
        stream(seed, S_RMS, 2), ex.rms, ex.assignments, spare, start,
        max(1, bad_rows // len(PLAN)), rm_id_width(books), c.n)
    counts = {}
    for table, clean, bad, key in ((RM_TABLE, rms, rm_bad, "rm_id"),
                                   (ASSIGNMENT_TABLE, assignments, asg_bad, "assignment_id")):
        written = pa.concat_tables([clean, text_table(table, [row for row, _ in bad])])
        pq.write_table(written, out_dir / f"{table}.parquet")
        add_table(out_dir, table, (key,), written.num_rows, len(bad),
                  (({key: row[key]}, reason) for row, reason in bad),
                  {table: SEMANTICS[table]})
        counts[table] = written.num_rows
    logger.info("relationship managers: %d RMs, %d assignments, %d + %d bad rows",
                ex.rms.num_rows, ex.assignments.num_rows, len(rm_bad), len(asg_bad))
    return counts
