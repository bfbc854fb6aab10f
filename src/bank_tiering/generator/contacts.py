"""RM contact logs (客户经理联系记录, METHODOLOGY.md §18): the optional raw table ``contacts``.

Month by month (each month its own stream, from :data:`HISTORY_MONTHS` before the window
to its last month), every customer is contacted at a rate of its segment — by the
generator's latent wealth and size, so the valuable ones far more often (per 30 days:
high-net-worth 1.7, mass-affluent 0.6, mass 0.04; strategic 1.6, large 0.9, other firms
0.2; institutions 0.35), times a diligence of its own (mean 1; 4 % of the likely watched
and 20 % of the others never contacted: 从未联系) and of its RM (0.5–1.5):

* **by the owner at that date** (:meth:`~bank_tiering.generator.rms.Books.owner_at`):
  ``rm_id`` = the owner; 8 % of an owner's contacts come from the call centre or a
  bank event instead (``rm_id`` null);
* **thinning out**: an RM serving out the notice contacts 60 % as often; once the owner
  has left and until the handover only the call centre calls (15 % of the rate,
  ``rm_id`` null); customers without an RM get call-centre contacts only (25 %);
* **reactions**: after an early-warning outflow month the owner often calls within 25
  days (:attr:`~bank_tiering.generator.episodes.Episodes.reaction_customer`);
* **channels** by segment (visit, phone, wechat, event, other): visits for private
  banking and firms, phone and WeChat for the affluent and the mass, phone and events for
  the call centre.

No contact before the onboarding, on or after the customer's close date, or after the
window's last day: the table is what the CRM shows at the end of the window, so one more
month only adds rows (:func:`bank_tiering.generator.append_month`).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bank_tiering.generator.bad_row_recipes import PLAN
from bank_tiering.generator.codes import CORPORATE, INSTITUTION, RETAIL
from bank_tiering.generator.contact_bad_rows import SEMANTICS, bad_contact_rows
from bank_tiering.generator.customers import Customers, likely_watched
from bank_tiering.generator.episodes import Episodes
from bank_tiering.generator.helpers import (
    S_CONTACTS,
    choice_by_group,
    contract_table,
    date_array,
    id_array,
    month_start,
    stream,
    take,
    text_table,
)
from bank_tiering.generator.manifest import add_table, load_manifest
from bank_tiering.generator.rms import Books, rm_id_width

logger = logging.getLogger(__name__)

TABLE = "contacts"
CONTACT_CHANNELS = ("visit", "phone", "wechat", "event", "other")
#: Months of contact history before the window (the CRM is older than the window).
HISTORY_MONTHS = 3
#: Segments: retail hnw, affluent, mass; corporate strategic, large, other; institution.
HNW, AFFLUENT, MASS, STRATEGIC, LARGE, FIRM, INST = range(7)
RATE_PER_30_DAYS = np.array([1.7, 0.6, 0.04, 1.6, 0.9, 0.2, 0.35])
#: Channel shares of an RM's contacts per segment, and of the call centre's (last row).
CHANNEL_SHARES = np.array([
    [.35, .25, .30, .07, .03], [.15, .40, .35, .07, .03], [.05, .50, .30, .10, .05],
    [.55, .25, .10, .06, .04], [.50, .30, .10, .06, .04], [.30, .45, .15, .05, .05],
    [.45, .35, .10, .06, .04], [.00, .60, .00, .30, .10],
])
CALL_CENTRE = len(CHANNEL_SHARES) - 1
#: Share of never-contacted customers: likely watched, others.
NEVER_WATCHED, NEVER_OTHER = 0.04, 0.20
#: Contact rate factors: RM serving the notice, owner gone (call centre), no RM at all;
#: share of an owner's contacts by the call centre or an event.
NOTICE_FACTOR, DEPARTED_FACTOR, UNASSIGNED_FACTOR, CALL_CENTRE_SHARE = 0.6, 0.15, 0.25, 0.08
_MAX_FACTOR = 1.5  # the largest RM diligence: candidates are drawn at this rate, then thinned


def segments(c: Customers) -> np.ndarray:
    """Contact segment of every customer by its latent wealth and size."""
    return np.select(
        [(c.ctype == RETAIL) & (c.wealth == 2), (c.ctype == RETAIL) & (c.wealth == 1),
         c.ctype == RETAIL, (c.ctype == CORPORATE) & c.strategic,
         (c.ctype == CORPORATE) & (c.size == 2), c.ctype == INSTITUTION],
        [HNW, AFFLUENT, MASS, STRATEGIC, LARGE, INST], FIRM)


def contacts_table(seed: int, c: Customers, books: Books, ep: Episodes, start: date,
                   months: int) -> pa.Table:
    """Every contact from :data:`HISTORY_MONTHS` before the window to its end."""
    rng = stream(seed, S_CONTACTS)
    seg = segments(c)
    never = rng.random(c.n) < np.where(likely_watched(c), NEVER_WATCHED, NEVER_OTHER)
    rate = RATE_PER_30_DAYS[seg] * rng.gamma(3.0, 1 / 3, c.n) * ~never
    staff = books.staff
    # an RM's diligence from a prefix-stable draw: later hires never change earlier ones
    diligence = 0.5 + stream(seed, S_CONTACTS, 0).random(staff.n)
    width = rm_id_width(books)
    parts = []
    for m in range(-HISTORY_MONTHS, months):
        ms, me = month_start(start, m), month_start(start, m + 1)
        r = stream(seed, S_CONTACTS, 1, m + HISTORY_MONTHS)
        cnt = r.poisson(rate * _MAX_FACTOR * (me - ms) / 30)
        cust = np.repeat(np.arange(c.n), cnt)
        day = ms + (r.random(len(cust)) * (me - ms)).astype(np.int64)
        react = (ep.reaction_day >= ms) & (ep.reaction_day < me)
        n_plain = len(cust)
        cust = np.concatenate([cust, ep.reaction_customer[react]])
        day = np.concatenate([day, ep.reaction_day[react]])
        owner = books.owner_at(cust, day)
        own = np.maximum(owner, 0)
        assigned = owner >= 0
        gone = assigned & (staff.leave[own] <= day)
        notice = assigned & ~gone & (staff.notice[own] <= day)
        factor = np.select([~assigned, gone, notice], [UNASSIGNED_FACTOR, DEPARTED_FACTOR,
                                                       NOTICE_FACTOR * diligence[own]],
                           diligence[own])
        plain = np.arange(len(cust)) < n_plain
        keep = np.where(plain, r.random(len(cust)) * _MAX_FACTOR < factor, True)
        keep &= (day >= c.onboard[cust]) & (day < c.close[cust])
        by_rm = assigned & ~gone & (~plain | (r.random(len(cust)) >= CALL_CENTRE_SHARE))
        channel = choice_by_group(r, np.where(by_rm, seg[cust], CALL_CENTRE), CHANNEL_SHARES)
        cust, day, rm, channel = (x[keep] for x in (cust, day, np.where(by_rm, owner, -1),
                                                    channel))
        order = np.lexsort((cust, day))
        cust, day, rm, channel = (x[order] for x in (cust, day, rm, channel))
        tag = str(np.datetime64(ms, "D").astype("datetime64[M]")).replace("-", "")
        mask = rm < 0
        parts.append(contract_table(TABLE, {
            "contact_id": id_array(f"CT{tag}", np.arange(1, len(cust) + 1), 7),
            "customer_id": pc.take(c.ids, pa.array(cust)),
            "rm_id": pc.if_else(pa.array(mask), pa.scalar(None, pa.string()),
                                id_array("RM", np.maximum(rm, 0) + 1, width)),
            "contact_date": date_array(day),
            "channel": take(CONTACT_CHANNELS, channel),
        }))
    return pa.concat_tables(parts)


def _quarantined_ids(out_dir: Path, table: str, column: str) -> list[str]:
    """Ids whose every raw row of ``table`` is quarantined (fresh ids of bad rows)."""
    manifest = load_manifest(out_dir)
    return sorted({r["record_key"][column] for r in manifest["rows"]
                   if r["table"] == table and r["reason"] in _FRESH_ID_REASONS
                   and (r["record_key"].get(column) or "").strip()})


_FRESH_ID_REASONS = ("bad_type", "unknown_code", "date_order", "duplicate_key")


def write_contacts(out_dir: Path, seed: int, c: Customers, books: Books, ep: Episodes,
                   start: date, months: int, bad_rows: int) -> int:
    """Write ``contacts``; return its rows. With ``bad_rows > 0`` the table is text with
    bad rows of every reason (about ``bad_rows / len(PLAN)`` each, like the required
    tables) and clean rows of unusual spelling appended, entered in the manifest."""
    table = contacts_table(seed, c, books, ep, start, months)
    out_dir = Path(out_dir)
    if bad_rows == 0:
        pq.write_table(table, out_dir / f"{TABLE}.parquet")
        return table.num_rows
    text, clean, bad = bad_contact_rows(
        stream(seed, S_CONTACTS, 2), table, max(1, bad_rows // len(PLAN)), c.n,
        _quarantined_ids(out_dir, "customers", "customer_id"),
        _quarantined_ids(out_dir, "relationship_managers", "rm_id"), rm_id_width(books))
    written = pa.concat_tables([text, text_table(TABLE, [*clean, *(row for row, _ in bad)])])
    pq.write_table(written, out_dir / f"{TABLE}.parquet")
    add_table(out_dir, TABLE, ("contact_id",), written.num_rows, len(clean) + len(bad),
              (({"contact_id": row["contact_id"]}, reason) for row, reason in bad),
              {TABLE: SEMANTICS})
    logger.info("contacts: %d clean, %d bad rows", table.num_rows + len(clean), len(bad))
    return written.num_rows
