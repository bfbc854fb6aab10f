"""Accounts of the customer universe: the product catalogue and the balance-model parameters.

Like the customers, the accounts depend only on the universe, never on ``months``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.codes import (
    BD,
    CNY,
    COLLATERALS,
    CORP_INDUSTRIES,
    CORPORATE,
    CURRENCIES,
    DD,
    EUR,
    FAMILIES,
    FD,
    FX_START,
    HKD,
    HORIZON_DAYS,
    INS,
    INSTITUTION,
    LN,
    NA_DAY,
    RETAIL,
    RISK_CLASSES,
    TD,
    USD,
    WM,
)
from bank_tiering.generator.customers import Customers
from bank_tiering.generator.helpers import (
    S_ACC,
    add_months,
    choice,
    choice_by_group,
    contract_table,
    date_array,
    epoch_day,
    float_array,
    id_array,
    round_to,
    stream,
    take,
)

# balance kinds
NOISY, CONST, AMORT, BULLET = 0, 1, 2, 3


@dataclass(frozen=True)
class Product:
    """One product of the catalogue."""

    code: str
    family: int
    currency: int = CNY
    terms: tuple[int, ...] = ()  # candidate original terms in months; () = no maturity
    rate: tuple[float, float] | None = None  # customer rate range; None = null
    kind: int = NOISY
    sd: float = 0.0  # daily log-noise
    sm: float = 0.0  # monthly log-shock
    alpha: float = 1.0  # share weight of the customer's deposit/AUM level
    collateral: tuple[float, float, float, float] | None = None
    close_p: float = 0.0  # chance of closing inside the horizon (open-ended products)


PRODUCTS: tuple[Product, ...] = (
    Product("DD_CNY", DD, rate=(0.0025, 0.0025), sd=0.02, sm=0.10, alpha=1.5, close_p=0.04),
    Product("DD_USD", DD, USD, rate=(0.0015, 0.0015), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("DD_HKD", DD, HKD, rate=(0.0010, 0.0010), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("DD_EUR", DD, EUR, rate=(0.0005, 0.0005), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("TD_3M", TD, terms=(3,), rate=(0.014, 0.0155), kind=CONST, alpha=0.8),
    Product("TD_6M", TD, terms=(6,), rate=(0.016, 0.0175), kind=CONST, alpha=0.9),
    Product("TD_1Y", TD, terms=(12,), rate=(0.018, 0.0195), kind=CONST, alpha=1.2),
    Product("TD_2Y", TD, terms=(24,), rate=(0.020, 0.0215), kind=CONST, alpha=1.0),
    Product("TD_3Y", TD, terms=(36,), rate=(0.024, 0.0255), kind=CONST, alpha=1.0),
    Product("TD_5Y", TD, terms=(60,), rate=(0.0265, 0.028), kind=CONST, alpha=0.8),
    Product("WM_R1", WM, sd=0.0005, sm=0.01, alpha=1.2, close_p=0.08),
    Product("WM_R2", WM, sd=0.001, sm=0.02, alpha=1.5, close_p=0.08),
    Product("WM_R3", WM, sd=0.003, sm=0.04, alpha=1.0, close_p=0.10),
    Product("FD_MMF", FD, sd=0.0003, sm=0.01, alpha=1.0, close_p=0.10),
    Product("FD_BOND", FD, sd=0.002, sm=0.02, alpha=0.8, close_p=0.10),
    Product("FD_EQUITY", FD, sd=0.012, sm=0.06, alpha=0.8, close_p=0.12),
    Product("INS_LIFE", INS, terms=(240,), kind=CONST, alpha=0.8),
    Product("INS_ANNUITY", INS, terms=(120,), kind=CONST, alpha=0.8),
    Product("BD_SAVINGS_3Y", BD, terms=(36,), kind=CONST, alpha=0.6),
    Product("BD_SAVINGS_5Y", BD, terms=(60,), kind=CONST, alpha=0.6),
    Product("LN_MORTGAGE", LN, terms=(120, 240, 300, 360), rate=(0.034, 0.045), kind=AMORT,
            collateral=(1, 0, 0, 0)),
    Product("LN_CONSUMER", LN, terms=(12, 24, 36, 60), rate=(0.045, 0.068), kind=AMORT,
            collateral=(0, 0, 0.3, 0.7)),
    Product("LN_BUSINESS", LN, terms=(12, 24, 36), rate=(0.04, 0.06), kind=AMORT,
            collateral=(0.6, 0, 0.4, 0)),
    Product("LN_CREDIT_LINE", LN, rate=(0.05, 0.06), sd=0.01, sm=0.08,
            collateral=(0, 0, 0, 1), close_p=0.05),
    Product("LN_WORKING_CAP", LN, terms=(6, 12, 24, 36), rate=(0.04, 0.06), kind=BULLET,
            collateral=(0.3, 0.2, 0.35, 0.15)),
    Product("LN_FIXED_ASSET", LN, terms=(60, 84, 120), rate=(0.04, 0.056), kind=AMORT,
            collateral=(0.7, 0.3, 0, 0)),
    Product("LN_REVOLVING", LN, rate=(0.042, 0.06), sd=0.01, sm=0.08,
            collateral=(0, 0.2, 0.5, 0.3), close_p=0.05),
    Product("LN_RE_DEV", LN, terms=(24, 36, 60), rate=(0.05, 0.065), kind=BULLET,
            collateral=(1, 0, 0, 0)),
    Product("LN_TRADE_FIN", LN, USD, terms=(3, 6, 12), rate=(0.045, 0.06), kind=BULLET,
            collateral=(0, 0.6, 0.4, 0)),
    Product("LN_PUBLIC", LN, terms=(36, 60, 120), rate=(0.038, 0.048), kind=AMORT,
            collateral=(0, 0.3, 0.3, 0.4)),
)
_PCODE = {p.code: i for i, p in enumerate(PRODUCTS)}


@dataclass
class Accounts:
    """Account universe with the per-account balance model parameters."""

    n: int
    cust: np.ndarray
    product: np.ndarray
    family: np.ndarray
    currency: np.ndarray
    open: np.ndarray
    maturity: np.ndarray
    close: np.ndarray
    rate: np.ndarray
    level: np.ndarray  # balance level in account currency
    risk: np.ndarray  # index into RISK_CLASSES, -1 for non-loans
    kind: np.ndarray
    sd: np.ndarray
    sm: np.ndarray
    term: np.ndarray
    sweep: np.ndarray
    primary: np.ndarray  # per customer: index of the primary CNY demand account
    ids: pa.Array
    table: pa.Table


def _holdings(c: Customers, rng: np.random.Generator) -> list[tuple[str, np.ndarray, bool]]:
    """How many accounts of each product every customer holds.

    Returns ``(product code, counts per customer, core)``; a core loan is opened before the
    window with a long maturity so that borrowing corporates keep their loan status.
    """
    n = c.n
    r = c.ctype == RETAIL
    co = c.ctype == CORPORATE
    ins = c.ctype == INSTITUTION
    rich = np.where(c.wealth >= 1, 1.0, 0.0)
    hnw = c.wealth == 2

    def u() -> np.ndarray:
        return rng.random(n)

    occ = c.occupation
    owner = np.isin(occ, [2, 4])
    k70 = np.zeros(n, dtype=bool)
    k70[co] = np.array([x[0] == "K70" for x in CORP_INDUSTRIES])[c.industry[co]]
    out: list[tuple[str, np.ndarray, bool]] = []

    def add(code: str, counts: np.ndarray, core: bool = False) -> None:
        out.append((code, counts.astype(np.int64), core))

    # deeper relationships hold more product families (product coverage, METHODOLOGY §5)
    e = c.engage
    deep = 0.35 + 1.4 * e

    def pois(p: np.ndarray, extra: float) -> np.ndarray:
        return (u() < p) * (1 + rng.poisson(extra, n))

    add("DD_CNY", 1 + (u() < np.select([r, co], [0.35, 0.45], 0.5))
        + rng.poisson(np.select([r, co], [0.05, 0.4], 0.8), n))
    usd = u() < np.select([r, co], [0.05 + 0.15 * rich, 0.20], 0.05) * deep
    add("DD_USD", usd)
    add("DD_HKD", u() < np.select([r, co], [0.02 + 0.05 * rich, 0.06], 0.0))
    add("DD_EUR", u() < np.select([r, co], [0.01 + 0.03 * rich, 0.06], 0.0))
    td_p = np.minimum(np.select([r, co], [0.15 + 0.75 * e + 0.15 * rich, 0.15 + 0.65 * e],
                                0.25 + 0.6 * e), 0.95)
    td_extra = np.select([r, co], [0.6 + 1.0 * rich, 0.5], 0.8)
    td_total = pois(td_p, td_extra)
    td_kind = np.array([_PCODE[x] for x in ("TD_3M", "TD_6M", "TD_1Y", "TD_2Y", "TD_3Y", "TD_5Y")])
    # spread a customer's time deposits over terms: one draw per customer and slot
    td_counts = np.zeros((n, len(td_kind)), dtype=np.int64)
    max_td = int(td_total.max()) if n else 0
    for slot in range(max_td):
        pick = choice(rng, n, [0.12, 0.16, 0.32, 0.14, 0.16, 0.10])
        td_counts[np.arange(n), pick] += td_total > slot
    for j, pidx in enumerate(td_kind):
        add(PRODUCTS[pidx].code, td_counts[:, j])
    # large firms and strategic groups park their surplus in corporate wealth products
    # (对公理财, 结构性存款): at least half of them hold one, so cross-sell (§17) has peers
    big_firm = co & (c.strategic | (c.size == 2))
    wm_p = np.minimum(np.where(r, 0.02 + 0.55 * e + 0.35 * rich,
                               np.where(co, 0.03 + 0.5 * e + 0.35 * big_firm,
                                        0.02 + 0.4 * e)), 0.95)
    has_wm = u() < wm_p
    wm_pick = choice_by_group(rng, np.where(r, 0, 1), [[.3, .5, .2], [.6, .4, 0]])
    for j, code in enumerate(("WM_R1", "WM_R2", "WM_R3")):
        add(code, has_wm & (wm_pick == j))
    fund_p = np.minimum(np.where(r, 0.02 + 0.5 * e + 0.3 * rich, 0.0), 0.95)
    has_fd = u() < fund_p
    fd_pick = choice(rng, n, [0.35, 0.35, 0.30])
    for j, code in enumerate(("FD_MMF", "FD_BOND", "FD_EQUITY")):
        add(code, has_fd & (fd_pick == j))
    ins_p = np.minimum(np.where(r, 0.02 + 0.4 * e + 0.2 * rich, 0.0), 0.95)
    has_ins = u() < ins_p
    ins_pick = u() < 0.6
    add("INS_LIFE", has_ins & ins_pick)
    add("INS_ANNUITY", has_ins & ~ins_pick)
    bd_p = np.where(r, 0.01 + 0.1 * e + 0.1 * rich + 0.1 * (occ == 6), 0.0)
    has_bd = u() < bd_p
    bd_pick = u() < 0.5
    add("BD_SAVINGS_3Y", has_bd & bd_pick)
    add("BD_SAVINGS_5Y", has_bd & ~bd_pick)
    # retail loans
    add("LN_MORTGAGE", r & (u() < 0.12 + 0.1 * hnw))
    add("LN_CONSUMER", r & (u() < 0.09))
    add("LN_BUSINESS", r & (u() < np.where(owner, 0.25, 0.01)))
    add("LN_CREDIT_LINE", r & (u() < 0.05))
    # corporate / institution loans: one core loan + extras
    borrow = c.corp_loan & co
    core_pick = choice(rng, n, [0.45, 0.25, 0.30])
    core_pick = np.where(k70 & (u() < 0.6), 3, core_pick)
    add("LN_WORKING_CAP", borrow & (core_pick == 0), core=True)
    add("LN_FIXED_ASSET", borrow & (core_pick == 1), core=True)
    add("LN_REVOLVING", borrow & (core_pick == 2), core=True)
    add("LN_RE_DEV", borrow & (core_pick == 3), core=True)
    add("LN_WORKING_CAP", borrow * rng.poisson(0.6, n))
    add("LN_TRADE_FIN", borrow & usd & (u() < 0.5))
    add("LN_PUBLIC", c.corp_loan & ins, core=True)
    return out


def generate_accounts(seed: int, c: Customers, start: date) -> Accounts:
    """Generate accounts for the customer universe (independent of the number of months)."""
    rng = stream(seed, S_ACC)
    s0 = epoch_day(start)
    horizon = s0 + HORIZON_DAYS
    holds = _holdings(c, rng)
    cust_l, prod_l, core_l, order_l = [], [], [], []
    for j, (code, counts, core) in enumerate(holds):
        owners = np.repeat(np.arange(c.n), counts)
        cust_l.append(owners)
        prod_l.append(np.full(len(owners), _PCODE[code]))
        core_l.append(np.full(len(owners), core))
        order_l.append(np.full(len(owners), j))
    cust = np.concatenate(cust_l)
    product = np.concatenate(prod_l)
    core = np.concatenate(core_l)
    order = np.concatenate(order_l)
    # primary CNY demand account = the customer's first DD_CNY (order 0, first occurrence)
    sort = np.lexsort((order, cust))
    cust, product, core, order = cust[sort], product[sort], core[sort], order[sort]
    n = len(cust)
    first_of_cust = np.r_[True, cust[1:] != cust[:-1]]
    primary = np.flatnonzero(first_of_cust)  # DD_CNY always comes first per customer

    fam = np.array([p.family for p in PRODUCTS])[product]
    cur = np.array([p.currency for p in PRODUCTS])[product]
    kind = np.array([p.kind for p in PRODUCTS])[product]
    sd = np.array([p.sd for p in PRODUCTS])[product]
    sm = np.array([p.sm for p in PRODUCTS])[product]
    ctype = c.ctype[cust]
    onboard = c.onboard[cust]
    cclose = c.close[cust]
    new = onboard >= s0

    # --- terms -------------------------------------------------------------------------
    term = np.zeros(n, dtype=np.int64)
    for i, p in enumerate(PRODUCTS):
        sel = product == i
        if p.terms and sel.any():
            term[sel] = np.asarray(p.terms)[rng.integers(0, len(p.terms), sel.sum())]
    core_long = core & (term > 0)
    term = np.where(core_long, np.maximum(term, 36), term)
    # working-capital loans: half amortise, half bullet
    kind = np.where((product == _PCODE["LN_WORKING_CAP"]) & (rng.random(n) < 0.5), AMORT, kind)
    term_days = (term * 30.44).astype(np.int64)

    # --- open dates ------------------------------------------------------------------------
    pre = rng.random(n) < 0.85
    span_lo = np.where(term > 0, np.maximum(onboard, s0 - (term_days * 0.9).astype(np.int64)),
                       onboard)
    span_lo = np.minimum(span_lo, s0 - 1)
    open_pre = span_lo + (rng.random(n) * np.maximum(s0 - 1 - span_lo, 0)).astype(np.int64)
    open_in = s0 + np.minimum(rng.exponential(150, n).astype(np.int64), HORIZON_DAYS - 30)
    open_new = onboard + np.minimum(rng.exponential(45, n).astype(np.int64), 400)
    opened = np.where(new, open_new, np.where(pre, open_pre, np.maximum(open_in, onboard)))
    opened = np.where(core, np.maximum(onboard, s0 - rng.integers(30, 365, n)), opened)
    opened = np.where(core & new, onboard + rng.integers(0, 30, n), opened)
    opened[primary] = onboard[primary]
    # churned customers: everything opened at least 30 days before the relationship ends
    opened = np.where(cclose != NA_DAY, np.minimum(opened, cclose - 30), opened)
    opened = np.maximum(opened, onboard)

    # --- maturity and close -----------------------------------------------------------------
    maturity = np.where(term > 0, add_months(opened, term), NA_DAY)
    fixed = (fam == TD) | ((fam == LN) & (term > 0))
    close = np.where(fixed & (maturity < horizon), maturity, NA_DAY)
    close_p = np.array([p.close_p for p in PRODUCTS])[product]
    closes = (rng.random(n) < close_p) & ~np.isin(np.arange(n), primary)
    close = np.where(closes, np.maximum(s0 + rng.integers(15, HORIZON_DAYS, n), opened + 31),
                     close)
    close = np.where(cclose != NA_DAY, np.minimum(close, cclose), close)
    close = np.where(close != NA_DAY, np.maximum(close, opened + 1), close)

    # --- rates, risk, collateral --------------------------------------------------------------
    lo = np.array([p.rate[0] if p.rate else np.nan for p in PRODUCTS])[product]
    hi = np.array([p.rate[1] if p.rate else np.nan for p in PRODUCTS])[product]
    rate = np.round(lo + rng.random(n) * (hi - lo), 4)
    corp_dd = (product == _PCODE["DD_CNY"]) & (ctype == CORPORATE)
    rate = np.where(corp_dd, np.array([0.002, 0.0025, 0.003])[rng.integers(0, 3, n)], rate)
    size = np.where(ctype == CORPORATE, c.size[cust], 1)
    rate = np.where((fam == LN) & (ctype == CORPORATE),
                    np.round(rate - 0.004 * (size - 1), 4), rate)
    is_loan = fam == LN
    risk = np.where(is_loan, choice_by_group(
        rng, np.where(ctype == CORPORATE, np.clip(size, 0, 2), 1),
        [[.88, .07, .025, .015, .01], [.92, .05, .015, .01, .005], [.96, .03, .01, 0, 0]],
    ), -1)
    coll_tab = np.array([p.collateral or (0, 0, 0, 1) for p in PRODUCTS])[product]
    cum = np.cumsum(coll_tab, axis=1)
    coll = (rng.random(n)[:, None] > cum / cum[:, -1:]).sum(axis=1)
    coll = np.where(is_loan, np.where(rng.random(n) < 0.01, -1, coll), -1)

    # --- balance levels -----------------------------------------------------------------------
    alpha = np.array([p.alpha for p in PRODUCTS])[product]
    share = rng.gamma(alpha * 2.0, 1.0)
    asset_like = ~is_loan
    share = np.where(asset_like, share, 0.0)
    tot = np.bincount(cust, weights=share, minlength=c.n)
    level = c.target[cust] * share / np.where(tot[cust] > 0, tot[cust], 1.0)
    # loans: principal by product and customer size
    size_mult = np.where(ctype == CORPORATE, np.array([1.0, 5.0, 25.0])[np.clip(size, 0, 2)], 1)
    loan_med = {
        "LN_MORTGAGE": 1.2e6, "LN_CONSUMER": 8e4, "LN_BUSINESS": 5e5, "LN_CREDIT_LINE": 3e4,
        "LN_WORKING_CAP": 3e6, "LN_FIXED_ASSET": 6e6, "LN_REVOLVING": 2e6, "LN_RE_DEV": 2e7,
        "LN_TRADE_FIN": 1.5e7, "LN_PUBLIC": 3e7,
    }
    med = np.zeros(n)
    for code, m in loan_med.items():
        med[product == _PCODE[code]] = m
    hnw = (ctype == RETAIL) & (c.wealth[cust] == 2)
    principal = rng.lognormal(np.log(np.maximum(med, 1)), 0.6) * size_mult * np.where(hnw, 3, 1)
    level = np.where(is_loan, principal, level)
    level = np.maximum(level / FX_START[cur], 10.0)
    # investment products are bought in round amounts
    level = np.where(np.isin(fam, [TD, WM, INS, BD]), np.maximum(round_to(level, 1000), 1000),
                     level)
    sweep = (fam == DD) & (ctype != RETAIL) & (rng.random(n) < 0.08)
    sweep[primary] = False

    ids = id_array("A", np.arange(1, n + 1), 8)
    table = contract_table("accounts", {
        "account_id": ids,
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "product_family": take(FAMILIES, fam),
        "product_code": take(tuple(p.code for p in PRODUCTS), product),
        "currency": take(CURRENCIES, cur),
        "open_date": date_array(opened),
        "maturity_date": date_array(maturity),
        "close_date": date_array(close),
        "interest_rate": float_array(rate),
        "risk_class": take(RISK_CLASSES, risk),
        "collateral_type": take(COLLATERALS, coll),
    })
    return Accounts(
        n=n, cust=cust, product=product, family=fam, currency=cur, open=opened.astype(np.int64),
        maturity=maturity.astype(np.int64), close=close.astype(np.int64), rate=rate,
        level=level, risk=risk, kind=kind, sd=sd, sm=sm, term=term, sweep=sweep, primary=primary,
        ids=ids, table=table,
    )
