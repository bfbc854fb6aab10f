"""Monthly fee income and transactions (customer-initiated and bank-initiated)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.accounts import AMORT, Accounts
from bank_tiering.generator.codes import (
    CHANNELS,
    CORPORATE,
    DD,
    DIRECTIONS,
    FEE_TYPES,
    FX_START,
    INITIATORS,
    RETAIL,
    USD,
)
from bank_tiering.generator.customers import Customers
from bank_tiering.generator.helpers import (
    calendar_month,
    choice_by_group,
    contract_table,
    date_array,
    id_array,
    null_where,
    take,
)
from bank_tiering.generator.schema import DBL, TS


def _open_span(a: Accounts, idx: np.ndarray, ms: int, me: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(a.open[idx], ms)
    hi = np.minimum(a.close[idx], me)
    return lo, hi


def _month_tag(ms: int) -> str:
    return str(np.datetime64(ms, "D").astype("datetime64[M]")).replace("-", "")


def _fee_scale(c: Customers) -> np.ndarray:
    """Fee business grows with the customer: retail with its financial assets (commission on
    wealth products, insurance), corporates and institutions with their deposits and size
    class (settlement volume, advisory, guarantees); strategic groups bring the most."""
    retail = np.clip(np.sqrt(np.maximum(c.target, 1) / 25_000), 0.5, 30)
    firm = np.clip((np.maximum(c.target, 1) / 1e6) ** 0.55, 0.15, 20)
    firm = firm * np.where(c.size >= 0, np.array([1.0, 2.0, 3.5])[np.maximum(c.size, 0)], 1.5)
    firm = np.minimum(firm * np.where(c.strategic, 2.5, 1.0), 30)
    return np.where(c.ctype == RETAIL, retail, firm)


def fees_month(
    c: Customers, a: Accounts, ms: int, me: int, rng: np.random.Generator
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Fee income rows of one month plus the bank-initiated debits they cause."""
    prim = a.primary
    active = (a.open[prim] < me) & (a.close[prim] > ms)
    e = c.engage
    p = np.select([c.wealth >= 1, c.ctype == RETAIL, c.ctype == CORPORATE],
                  [0.25 + 0.6 * e, 0.02 + 0.3 * e, 0.6 * (0.5 + e)], 0.45 * (0.5 + e))
    p = np.minimum(p, 0.97)
    extra = np.where(c.ctype == RETAIL, 0.8, 0.6 + 1.2 * np.log10(np.maximum(_fee_scale(c), 1)))
    cnt = (active & (rng.random(c.n) < p)) * (1 + np.minimum(rng.poisson(extra), 6))
    cust = np.repeat(np.arange(c.n), cnt)
    acc = prim[cust]
    lo, hi = _open_span(a, acc, ms, me)
    day = lo + (rng.random(len(cust)) * (hi - lo)).astype(np.int64)
    #                    settle wealth agency card  advis guar  fx
    probs = np.array([[.13, .20, .12, .48, .00, .00, .07],
                      [.40, .05, .08, .05, .15, .15, .12],
                      [.50, .05, .10, .10, .15, .05, .05]])
    ftype = choice_by_group(rng, c.ctype[cust], probs)
    med = np.array([30.0, 800, 400, 40, 5000, 8000, 150])[ftype]
    med = med * np.where(c.ctype[cust] == RETAIL, 1.0, 2.5) * _fee_scale(c)[cust]
    amount = rng.lognormal(np.log(med), 0.9)
    usd = ((ftype == 6) & (rng.random(len(cust)) < 0.6)) | (rng.random(len(cust)) < 0.02)
    amount = np.maximum(np.round(np.where(usd, amount / FX_START[USD], amount), 2), 1.0)
    linked = ~usd & (rng.random(len(cust)) < 0.7)
    order = np.argsort(day, kind="stable")
    cust, acc, day, ftype, amount, usd, linked = (
        x[order] for x in (cust, acc, day, ftype, amount, usd, linked)
    )
    fee_ids = id_array("F" + _month_tag(ms), np.arange(1, len(cust) + 1), 7)
    table = contract_table("fees", {
        "fee_id": fee_ids,
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "account_id": null_where(pc.take(a.ids, pa.array(acc)), ~linked),
        "fee_date": date_array(day),
        "fee_type": take(FEE_TYPES, ftype),
        "amount": pa.array(amount, type=DBL),
        "currency": take(("CNY", "USD"), usd.astype(np.int64)),
    })
    bank = {
        "account": acc[linked], "ts": day[linked] * 86_400 + 3 * 3600,
        "amount": amount[linked], "direction": np.zeros(linked.sum(), np.int64),
    }
    return table, bank


def transactions_month(
    c: Customers, a: Accounts, ms: int, me: int, rng: np.random.Generator,
    fee_debits: dict[str, np.ndarray], events: dict[str, np.ndarray] | None = None,
) -> pa.Table:
    """Customer-initiated and bank-initiated (interest, instalments, fees) transactions.

    ``events`` are the month's customer-initiated transfers of the early-warning episodes
    (:func:`bank_tiering.generator.episodes.month_transactions`), added as they are.
    """
    # --- customer-initiated, on demand accounts open in the month -------------------------
    cand = np.flatnonzero((a.family == DD) & (a.open < me) & (a.close > ms))
    cc = a.cust[cand]
    first = np.searchsorted(cc, np.arange(c.n), side="left")
    ncand = np.searchsorted(cc, np.arange(c.n), side="right") - first
    cnt = np.minimum(rng.poisson(c.lam), 30) * (ncand > 0)
    cust = np.repeat(np.arange(c.n), cnt)
    acc = cand[first[cust] + (rng.random(len(cust)) * ncand[cust]).astype(np.int64)]
    lo, hi = _open_span(a, acc, ms, me)
    day = lo + (rng.random(len(cust)) * (hi - lo)).astype(np.int64)
    keep = day < c.quiet[cust]
    cust, acc, day = cust[keep], acc[keep], day[keep]
    k = len(cust)
    ct = c.ctype[cust]
    #                  counter atm  mobile online pos  batch
    chan_p = np.array([[.13, .12, .45, .10, .20, .00],
                       [.20, .00, .05, .50, .00, .25],
                       [.20, .00, .00, .40, .00, .40],
                       [.03, .06, .66, .08, .17, .00]])  # retail, deep relationship: digital
    digital = (ct == RETAIL) & (c.engage[cust] >= 0.5)
    channel = choice_by_group(rng, np.where(digital, 3, ct), chan_p)
    # an ordinary payment is small beside the account (at most 0.5 % of its level as
    # median), so a month's ordinary net flow stays within the balance's own day-to-day
    # noise; money moving at the scale of the balance comes from the early-warning
    # episodes (:mod:`bank_tiering.generator.episodes`), which the balances follow exactly
    med = np.minimum(np.array([300.0, 30_000, 50_000])[ct] / FX_START[a.currency[acc]],
                     np.maximum(0.005 * a.level[acc], 1.0))
    amount = np.maximum(np.round(rng.lognormal(np.log(med), 1.2), 2), 0.01)
    direction = (rng.random(k) < 0.45).astype(np.int64)  # 1 = credit
    secs = day * 86_400 + rng.integers(7 * 3600, 22 * 3600, k)

    # --- bank: quarterly interest on demand deposits (21st of Mar/Jun/Sep/Dec) -------------
    parts = [(acc, secs, amount, direction, channel, np.zeros(k, np.int64))]
    if events is not None:
        ne = len(events["account"])
        parts.append((events["account"], events["ts"], events["amount"], events["direction"],
                      events["channel"], np.zeros(ne, np.int64)))
    if calendar_month(ms) in (3, 6, 9, 12):
        d21 = ms + 20
        sel = np.flatnonzero((a.family == DD) & (a.open <= d21) & (a.close > d21) & (a.rate > 0))
        amt = np.maximum(np.round(a.level[sel] * a.rate[sel] * 91 / 360, 2), 0.01)
        parts.append((sel, np.full(len(sel), d21 * 86_400 + 3600), amt,
                      np.ones(len(sel), np.int64), np.full(len(sel), 5), np.ones(len(sel), int)))
    # --- bank: monthly instalments of amortising loans ---------------------------------------
    am = np.flatnonzero((a.kind == AMORT) & (a.open < me) & (a.close > ms))
    dom = (a.open[am].astype("datetime64[D]") - a.open[am].astype("datetime64[D]")
           .astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    pay = ms + np.minimum(dom, 27)
    ok = (pay > a.open[am]) & (pay < a.close[am])
    am, pay = am[ok], pay[ok]
    amt = np.round(a.level[am] / np.maximum(a.term[am], 1) + a.level[am] * a.rate[am] / 12, 2)
    parts.append((am, pay * 86_400 + 2 * 3600, np.maximum(amt, 0.01),
                  np.zeros(len(am), np.int64), np.full(len(am), 5), np.ones(len(am), int)))
    # --- bank: fee debits ---------------------------------------------------------------------
    nf = len(fee_debits["account"])
    parts.append((fee_debits["account"], fee_debits["ts"], fee_debits["amount"],
                  fee_debits["direction"], np.full(nf, 5), np.ones(nf, int)))

    acc, secs, amount, direction, channel, initiator = (
        np.concatenate([p[i] for p in parts]) for i in range(6)
    )
    order = np.lexsort((acc, secs))
    acc, secs, amount, direction, channel, initiator = (
        x[order] for x in (acc, secs, amount, direction, channel, initiator)
    )
    return contract_table("transactions", {
        "txn_id": id_array("T" + _month_tag(ms), np.arange(1, len(acc) + 1), 8),
        "account_id": pc.take(a.ids, pa.array(acc)),
        "txn_ts": pa.array(secs.astype(np.int64) * 1_000_000, type=TS),
        "amount": pa.array(amount.astype(np.float64), type=DBL),
        "direction": take(DIRECTIONS, direction),
        "channel": take(CHANNELS, channel),
        "initiated_by": take(INITIATORS, initiator),
    })
