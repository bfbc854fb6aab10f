"""Early-warning scenarios of the sample (METHODOLOGY.md §16): money leaving before a drop.

:func:`plan_episodes` picks, among the customers the generator made to land in a watched
tier (:func:`~bank_tiering.generator.customers.likely_watched`, onboarded at least 120 days
before the window and not closing anyway), customers of four kinds and writes their
story into the universe (close dates, activity), before anything else reads it:

* **drop** (:data:`DROP`, ≈ 22 %) — in month e, customer-initiated debits take 55–95 % out
  of each deposit account (demand and time deposits; a time deposit's part is an early
  partial withdrawal), and 30–70 % of the rest in every further month before the drop;
  1–3 months after e (45 % one, 35 % two, 20 % three) the customer drops. 65 % **leave**:
  the remaining deposits are paid out the day before every account closes, and customer
  activity stops a few days into month e. The others **stay lower** — retail: wealth and
  fund products redeemed and the deposits cut to bring the AUM well below the tier line
  (when its insurance and bonds allow, else it leaves); corporate: the loans repaid
  early, so the firm is no longer a borrower. An episode starts only in a month after
  the customer's last account opened (it moves later when needed).
* **false alarm** (:data:`FALSE_ALARM`, ≈ 12 %) — the same kind of outflow in month e, but
  1–2 months later the money comes back (credits to the demand accounts, the time
  deposits' part to the primary account): flagged, never lost.
* **lapse** (:data:`LAPSE`, ≈ 6 %) — an active customer (4–12 customer-initiated
  transactions a month) stops transacting in month j = 0, 1, …, so its activity falls off
  at once and it turns dormant (§7: 180 days without) about six months later; every third
  also closes 40–130 days after its last transaction (the deposits paid out first).
* the rest — no story; drops without warning come from the generator's ordinary
  churners and balance noise.

Episode months are spread evenly over months 1–18 after the window start (lapses over
0–17), the first ones in the first months, so every window of two months or more has
some, and every part depends only on ``(seed, customers, start_month)``.
Customers heading for an outflow more often answer a CRM survey with a satisfaction
below 60 shortly before it (:attr:`Episodes.low_customer`), and their RM more often calls
right after the outflow month (:attr:`Episodes.reaction_customer`), false alarms most.

Balances and transactions agree (:func:`month_factors`, :func:`month_transactions`): an
event multiplies its account's balance by a factor from its day on, and the transaction
is the difference of the two rounded balances; in a month with an event on it the account
has no daily noise, so the balance drops by exactly the debit that day and stays there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from bank_tiering.generator.accounts import NOISY, Accounts
from bank_tiering.generator.codes import (
    BD,
    DD,
    FD,
    FX_START,
    INS,
    LN,
    NA_DAY,
    RETAIL,
    TD,
    WM,
)
from bank_tiering.generator.customers import Customers, likely_watched
from bank_tiering.generator.helpers import (
    S_EPISODES,
    choice_by_group,
    date_array,
    epoch_day,
    month_index,
    month_starts,
    stream,
)

NONE, DROP, FALSE_ALARM, LAPSE = 0, 1, 2, 3
#: Share of the eligible customers per kind, and the least number of each kind.
KIND_SHARES = {DROP: 0.22, FALSE_ALARM: 0.12, LAPSE: 0.06}
KIND_MINIMUM = {DROP: 4, FALSE_ALARM: 3, LAPSE: 6}
#: Episodes start in months 1..EPISODE_MONTHS after the window start, lapses in 0..17.
EPISODE_MONTHS, LAPSE_MONTHS = 18, 18
#: Chance of a low-satisfaction survey (score < 60) shortly before the episode, by kind
#: (NONE: any time), and of an RM contact within 25 days after the outflow month.
LOW_SATISFACTION = {NONE: 0.05, DROP: 0.7, FALSE_ALARM: 0.35, LAPSE: 0.3}
REACTION = {DROP: 0.35, FALSE_ALARM: 0.75, LAPSE: 0.0}
#: Retail tier lines of the generator's latent wealth (METHODOLOGY.md §4 defaults).
HNW_LINE, AFFLUENT_LINE = 5e6, 5e5


@dataclass
class Episodes:
    """The plan: one kind per customer, balance events and the side stories."""

    kind: np.ndarray  # per customer
    month: np.ndarray  # first outflow month (lapse: the month it stops); -1 = none
    # events, sorted by (account, day): the balance is multiplied by f_after / f_before
    acc: np.ndarray
    day: np.ndarray
    f_before: np.ndarray
    f_after: np.ndarray
    channel: np.ndarray  # index into CHANNELS
    second: np.ndarray  # second of the day
    low_customer: np.ndarray  # low-satisfaction surveys
    low_day: np.ndarray
    low_score: np.ndarray
    reaction_customer: np.ndarray  # RM contacts right after an outflow month
    reaction_day: np.ndarray


@dataclass
class MonthFactors:
    """Balance factors of one month for the accounts touched by an event so far."""

    acc: np.ndarray  # account indices, ascending
    factor: np.ndarray  # (len(acc), days in month)
    flat: np.ndarray  # bool: an event falls in this month (no daily noise then)
    level: np.ndarray  # the month's noiseless balance level (account currency)


def _kind_counts(n: int) -> list[int]:
    want = [max(KIND_MINIMUM[k], round(KIND_SHARES[k] * n)) for k in KIND_SHARES]
    scale = min(1.0, 0.6 * n / max(sum(want), 1))  # a tiny book: keep 40 % storyless
    return [int(w * scale) for w in want]


class _Builder:
    """Collects events and close dates while the plan is made."""

    def __init__(self, c: Customers, a: Accounts) -> None:
        self.c, self.a = c, a
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.acc_close = a.close.copy()
        self.cust_close = c.close.copy()

    def add(self, acc: np.ndarray, day: np.ndarray, g: np.ndarray) -> None:
        """Events where the account is open on the day (open <= day < close)."""
        ok = (self.a.open[acc] <= day) & (day < self.acc_close[acc])
        self.parts.append((acc[ok], day[ok], g[ok]))

    def close_customers(self, cust: np.ndarray, day: np.ndarray, pay_out: np.ndarray) -> None:
        """Every account of ``cust`` closes on ``day`` (the customer too); the deposits of
        ``pay_out`` accounts are paid out the day before."""
        per = np.full(self.c.n, NA_DAY)
        per[cust] = day
        self.add(pay_out, per[self.a.cust[pay_out]] - 1, np.zeros(len(pay_out)))
        acc_day = per[self.a.cust]
        self.acc_close = np.minimum(self.acc_close, acc_day)
        self.cust_close[cust] = day

    def events(self) -> tuple[np.ndarray, ...]:
        acc, day, g = (np.concatenate([p[i] for p in self.parts]) for i in range(3))
        order = np.lexsort((day, acc))
        acc, day, g = acc[order], day[order], g[order]
        f_after = g.copy()
        first = np.r_[True, acc[1:] != acc[:-1]]
        rank = np.arange(len(acc)) - np.maximum.accumulate(np.where(first, np.arange(len(acc)), 0))
        for r in range(1, int(rank.max(initial=0)) + 1):  # cumulative product per account
            at = np.flatnonzero(rank == r)
            f_after[at] = f_after[at - 1] * g[at]
        f_before = np.where(first, 1.0, np.r_[1.0, f_after[:-1]])
        return acc, day, f_before, f_after


def ms_first(start: date, month: np.ndarray) -> np.ndarray:
    """First day of each month number (0 where the month is -1: no episode)."""
    return month_starts(start, np.maximum(month, 0))


def plan_episodes(seed: int, c: Customers, a: Accounts, start: date) -> Episodes:
    """Choose the episode customers, write their close dates and activity into ``c`` and
    ``a`` (arrays and tables), and return the plan."""
    rng = stream(seed, S_EPISODES)
    s0 = epoch_day(start)
    n = c.n
    first_acc = np.searchsorted(a.cust, np.arange(n))
    last_open = np.maximum.reduceat(a.open, first_acc)
    eligible = np.flatnonzero(likely_watched(c) & (c.onboard < s0 - 120) & (c.close == NA_DAY))
    order = rng.permutation(eligible)
    counts = _kind_counts(len(order))
    kind = np.zeros(n, dtype=np.int64)
    rank = np.full(n, -1)
    at = 0
    for k, cnt in zip(KIND_SHARES, counts, strict=True):
        kind[order[at:at + cnt]] = k
        rank[order[at:at + cnt]] = np.arange(cnt)
        at += cnt

    # per-customer draws (vectorised over every customer; used where the kind applies)
    u = {name: rng.random(n) for name in ("day1", "share1", "share2", "delay", "leave",
                                          "drop_day", "back", "back_day", "quiet", "lam",
                                          "close", "low", "low_day", "react", "react_day")}
    lvl_cny = a.level * FX_START[a.currency]
    fam = a.family
    deposit = ((fam == DD) & ~a.sweep) | (fam == TD)
    dep_cny = np.bincount(a.cust, weights=lvl_cny * deposit, minlength=n)
    fixed_cny = np.bincount(a.cust, weights=lvl_cny * np.isin(fam, [INS, BD]), minlength=n)
    retail = c.ctype == RETAIL
    line = np.where(c.target >= HNW_LINE, HNW_LINE, AFFLUENT_LINE)

    month = np.full(n, -1)
    slot = 1 + np.maximum(rank, 0) % EPISODE_MONTHS
    outflow = (kind == DROP) | (kind == FALSE_ALARM)
    month[outflow] = np.maximum(slot, month_index(start, last_open) + 1)[outflow]
    delay = np.where(rank == 0, 1, 1 + (u["delay"] > 0.45) + (u["delay"] > 0.8))
    stays = (kind == DROP) & (u["leave"] < 0.35) & np.where(
        retail, fixed_cny < 0.4 * line, c.corp_loan)
    leaves = (kind == DROP) & ~stays
    share1 = 0.55 + 0.4 * u["share1"]
    share2 = 0.3 + 0.4 * u["share2"]
    b = _Builder(c, a)
    dep_acc = np.flatnonzero(deposit & outflow[a.cust])
    cu = a.cust[dep_acc]
    e = month[cu]
    ms = month_starts(start, e)

    # --- the first outflow (drops and false alarms) and the further ones of drops -------
    day1 = ms + 2 + (rng.random(len(dep_acc)) * 19).astype(np.int64)
    b.add(dep_acc, day1, 1.0 - share1[cu])
    kept = 1.0 - share1
    for k in (1, 2):
        more = (kind[cu] == DROP) & (delay[cu] > k)
        acc_k = dep_acc[more]
        day_k = month_starts(start, e[more] + k) + 2 + (rng.random(more.sum()) * 19).astype(
            np.int64)
        b.add(acc_k, day_k, np.full(more.sum(), 1.0 - share2[cu[more]]))
        kept = np.where((kind == DROP) & (delay > k), kept * (1.0 - share2), kept)

    # --- the drop ---------------------------------------------------------------------
    drop_day = month_starts(start, np.where(month >= 0, month + delay, 0)) + 1 + (
        u["drop_day"] * 25).astype(np.int64)
    leaver = np.flatnonzero(leaves)
    b.close_customers(leaver, drop_day[leaver] + 1, dep_acc[leaves[cu]])
    stay_dep = stays[cu]
    keep = np.clip((0.6 * line - fixed_cny) / np.maximum(dep_cny * kept, 1.0), 0.03, 0.9)
    keep = np.where(retail, keep, 0.1 + 0.3 * u["share2"])
    b.add(dep_acc[stay_dep], drop_day[cu[stay_dep]], keep[cu[stay_dep]])
    redeemed = stays[a.cust] & np.where(retail[a.cust], np.isin(fam, [WM, FD]), fam == LN)
    b.acc_close = np.where(redeemed & (a.open < drop_day[a.cust]),
                           np.minimum(b.acc_close, drop_day[a.cust]), b.acc_close)

    # --- false alarms: the money comes back 1-2 months later ---------------------------
    back_day = month_starts(start, np.where(month >= 0, month + 1 + (u["back"] < 0.5), 0)) \
        + 1 + (u["back_day"] * 25).astype(np.int64)
    fa_dd = (kind[cu] == FALSE_ALARM) & (fam[dep_acc] == DD)
    fa_td = (kind[cu] == FALSE_ALARM) & (fam[dep_acc] == TD) & (day1 < b.acc_close[dep_acc])
    td_back = np.bincount(cu[fa_td], weights=(lvl_cny[dep_acc] * share1[cu])[fa_td],
                          minlength=n)
    g_back = 1.0 / (1.0 - share1[cu])
    prim = a.primary[cu]
    is_prim = dep_acc == prim
    g_back = np.where(is_prim, g_back * (1.0 + td_back[cu] / np.maximum(lvl_cny[prim], 1.0)),
                      g_back)
    b.add(dep_acc[fa_dd], back_day[cu[fa_dd]], g_back[fa_dd])

    # --- lapses: activity stops; every third closes later ------------------------------
    lapse = kind == LAPSE
    quiet_day = month_starts(start, np.maximum(rank, 0) % LAPSE_MONTHS) + 3 + (
        u["quiet"] * 23).astype(np.int64)
    month[lapse] = (np.maximum(rank, 0) % LAPSE_MONTHS)[lapse]
    lam = np.where(lapse, np.maximum(c.lam, 4 + 8 * u["lam"]), c.lam)
    quiet = np.where(lapse, quiet_day, c.quiet)
    quiet = np.where(leaves, np.minimum(quiet, ms_first(start, month) + 5
                                        + (u["day1"] * 25).astype(np.int64)), quiet)
    closer = np.flatnonzero(lapse & (rank % 3 == 2))
    close_day = np.maximum(quiet_day + 40 + (u["close"] * 90).astype(np.int64), last_open + 31)
    pay = np.flatnonzero(deposit & np.isin(np.arange(n), closer)[a.cust])
    b.close_customers(closer, close_day[closer], pay)

    acc, day, f_before, f_after = b.events()
    # large transfers: retail at the counter, online or mobile; firms online or at the counter
    ct = c.ctype[a.cust[acc]]
    channel = choice_by_group(rng, np.where(ct == RETAIL, 0, 1),
                              [[.4, 0, .2, .4, 0, 0], [.3, 0, 0, .7, 0, 0]])
    second = rng.integers(9 * 3600, 17 * 3600, len(acc))

    # --- side stories: low satisfaction before an outflow, the RM's reaction -----------
    story_day = np.where(lapse, quiet_day, ms_first(start, month))
    low_p = np.select([kind == k for k in LOW_SATISFACTION], list(LOW_SATISFACTION.values()))
    low = np.flatnonzero((u["low"] < low_p) & np.isin(np.arange(n), eligible))
    low_day = np.where(kind[low] == NONE, s0 - 60 + (u["low_day"][low] * 660).astype(np.int64),
                       story_day[low] - 15 - (u["low_day"][low] * 60).astype(np.int64))
    low_ok = (low_day >= c.onboard[low] + 14) & (low_day < b.cust_close[low])
    low, low_day = low[low_ok], low_day[low_ok]
    low_score = np.round(25 + 34.5 * rng.random(len(low)), 1)
    react_p = np.select([kind == k for k in REACTION], list(REACTION.values()))
    react = np.flatnonzero(u["react"] < react_p)
    react_day = month_starts(start, month[react] + 1) + (u["react_day"][react] * 25).astype(
        np.int64)
    react_ok = react_day < b.cust_close[react]

    _write_back(c, a, b, quiet, lam)
    return Episodes(kind=kind, month=month, acc=acc, day=day, f_before=f_before,
                    f_after=f_after, channel=channel, second=second, low_customer=low,
                    low_day=low_day, low_score=low_score,
                    reaction_customer=react[react_ok], reaction_day=react_day[react_ok])


def _write_back(c: Customers, a: Accounts, b: _Builder, quiet: np.ndarray,
                lam: np.ndarray) -> None:
    """Put the plan's close dates and activity into the universe and its tables."""
    c.close, c.quiet, c.lam = b.cust_close, quiet.astype(np.int64), lam
    a.close = b.acc_close
    c.table = c.table.set_column(c.table.schema.get_field_index("close_date"), "close_date",
                                 date_array(c.close))
    a.table = a.table.set_column(a.table.schema.get_field_index("close_date"), "close_date",
                                 date_array(a.close))


def base_level(a: Accounts, shock: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """The noiseless balance level of accounts in a month (account currency): the
    cumulated monthly shock for noisy products, the level itself for constant ones."""
    noisy = a.kind[acc] == NOISY
    return np.where(noisy, a.level[acc] * np.exp(a.sm[acc] * shock[acc]), a.level[acc])


def month_factors(ep: Episodes, a: Accounts, shock: np.ndarray, ms: int, me: int
                  ) -> MonthFactors:
    """Per day of ``[ms, me)`` the balance factor of every account an event touched."""
    nd = me - ms
    ev = np.flatnonzero(ep.day < me)
    if not len(ev):
        empty = np.zeros(0, dtype=np.int64)
        return MonthFactors(empty, np.ones((0, nd)), np.zeros(0, dtype=bool), np.zeros(0))
    accs, row = np.unique(ep.acc[ev], return_inverse=True)
    col = np.clip(ep.day[ev] - ms, 0, nd - 1) * (ep.day[ev] >= ms)
    last = np.r_[(row[1:] != row[:-1]) | (col[1:] != col[:-1]), True]  # last event per cell
    cell = np.full((len(accs), nd), np.nan)
    cell[:, 0] = 1.0
    cell[row[last], col[last]] = ep.f_after[ev][last]
    filled = np.where(np.isnan(cell), 0, np.arange(nd)[None, :])
    np.maximum.accumulate(filled, axis=1, out=filled)
    factor = np.take_along_axis(cell, filled, axis=1)
    flat = np.zeros(len(accs), dtype=bool)
    flat[row[ep.day[ev] >= ms]] = True
    return MonthFactors(accs, factor, flat, base_level(a, shock, accs))


def month_transactions(ep: Episodes, a: Accounts, shock: np.ndarray, ms: int, me: int
                       ) -> dict[str, np.ndarray]:
    """The customer-initiated transactions of the month's events: each is the difference
    of the rounded balances before and after it (a debit when the balance falls)."""
    sel = np.flatnonzero((ep.day >= ms) & (ep.day < me))
    acc = ep.acc[sel]
    level = base_level(a, shock, acc)
    before = np.round(level * ep.f_before[sel], 2)
    after = np.round(level * ep.f_after[sel], 2)
    amount = np.round(np.abs(before - after), 2)
    ok = amount >= 0.01
    return {
        "account": acc[ok], "ts": (ep.day[sel] * 86_400 + ep.second[sel])[ok],
        "amount": amount[ok], "direction": (after > before).astype(np.int64)[ok],
        "channel": ep.channel[sel][ok],
    }
