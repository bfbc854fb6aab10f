"""Reference tables: FTP curves, FX fixings, credit ratings, CRM surveys and prospects."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.accounts import Accounts
from bank_tiering.generator.codes import (
    CORP_INDUSTRIES,
    CORPORATE,
    CTYPES,
    CURRENCIES,
    EUR,
    FX_DAILY_SD,
    FX_START,
    HKD,
    INST_INDUSTRIES,
    INSTITUTION,
    LN,
    N_BRANCHES,
    NA_DAY,
    RATINGS,
    RETAIL,
    USD,
)
from bank_tiering.generator.customers import Customers
from bank_tiering.generator.episodes import Episodes
from bank_tiering.generator.helpers import (
    S_FX,
    S_PROSPECT,
    S_RATING,
    S_SURVEY,
    choice,
    choice_by_group,
    contract_table,
    date_array,
    epoch_day,
    float_array,
    id_array,
    month_start,
    round_to,
    stream,
    take,
)
from bank_tiering.generator.names import company_names, institution_names
from bank_tiering.generator.schema import BOOL, DBL, INT, STR


def ftp_rates_table(a: Accounts, start: date, months: int) -> pa.Table:
    """FTP curves: historical curves before the window and a cut on the 15th of month 4."""
    base = {
        "demand_deposit": {0: 0.0135},
        "time_deposit": {3: 0.018, 6: 0.020, 12: 0.022, 24: 0.024, 36: 0.028, 60: 0.031},
        "loan": {0: 0.026, 6: 0.024, 12: 0.025, 36: 0.028, 60: 0.030, 120: 0.032},
    }
    first_year = int(np.datetime64(int(a.open.min()), "D").astype("datetime64[Y]")
                     .astype(np.int64)) + 1970
    curves: list[tuple[int, float]] = []
    for year, shift in ((first_year, 0.006), (start.year - 5, 0.004), (start.year - 2, 0.002)):
        d = epoch_day(date(year, 1, 1))
        if not curves or d > curves[-1][0]:
            curves.append((d, shift))
    pre = month_start(start, -6)
    if pre > curves[-1][0]:
        curves.append((pre, 0.0))
    change_month = min(3, months // 2)
    curves.append((month_start(start, change_month) + 14, -0.001))
    fam, term, eff, rate = [], [], [], []
    for d, shift in curves:
        for f, pts in base.items():
            for t, r in pts.items():
                fam.append(f)
                term.append(t)
                eff.append(d)
                rate.append(round(r + shift, 5))
    return contract_table("ftp_rates", {
        "product_family": pa.array(fam, type=STR),
        "term_months": pa.array(term, type=INT),
        "effective_date": date_array(np.array(eff)),
        "ftp_rate": pa.array(rate, type=DBL),
    })


def fx_rates_table(seed: int, start: date, months: int) -> pa.Table:
    """Weekday-only fixings from two weeks before the window to its last day."""
    s0 = epoch_day(start)
    first = s0 - 14
    end = month_start(start, months)
    days = np.arange(first, end, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    days = days[weekday < 5]
    cur_l, day_l, rate_l = [], [], []
    for ci in (USD, HKD, EUR):
        z = stream(seed, S_FX, ci).standard_normal(len(days))
        path = FX_START[ci] * np.exp(np.cumsum(z * FX_DAILY_SD[ci]))
        cur_l.append(np.full(len(days), ci))
        day_l.append(days)
        rate_l.append(np.round(path, 4))
    return contract_table("fx_rates", {
        "currency": take(CURRENCIES, np.concatenate(cur_l)),
        "rate_date": date_array(np.concatenate(day_l)),
        "cny_per_unit": pa.array(np.concatenate(rate_l), type=DBL),
    })


def credit_ratings_table(seed: int, c: Customers, a: Accounts, start: date) -> pa.Table:
    """Ratings before the window plus upgrades/downgrades inside the horizon."""
    rng = stream(seed, S_RATING)
    s0 = epoch_day(start)
    n = c.n
    has_loan = np.bincount(a.cust[a.family == LN], minlength=n) > 0
    worst = np.full(n, -1)
    loan_idx = np.flatnonzero(a.family == LN)
    np.maximum.at(worst, a.cust[loan_idx], a.risk[loan_idx])
    rated = np.where(c.ctype == RETAIL, has_loan & (rng.random(n) < 0.3), rng.random(n) < 0.85)
    group = np.select(
        [c.ctype == INSTITUTION, c.ctype == RETAIL, c.size == 2, c.size == 1], [4, 5, 0, 1], 2
    )
    probs = np.array([
        [.15, .35, .35, .15, 0, 0, 0, 0], [0, .10, .30, .40, .20, 0, 0, 0],
        [0, 0, .10, .30, .35, .20, .05, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [.30, .40, .25, .05, 0, 0, 0, 0], [0, 0, .20, .40, .30, .10, 0, 0],
    ])
    probs[3] = probs[2]
    rating = choice_by_group(rng, group, probs)
    rating = np.where(worst >= 3, np.where(rng.random(n) < 0.5, 6, 7), rating)
    rating = np.where(worst == 2, np.maximum(rating, 5), rating)
    first = np.maximum(s0 - rng.integers(30, 700, n), c.onboard)
    ch1 = rated & (rng.random(n) < 0.35)
    ch2 = ch1 & (rng.random(n) < 0.3)
    d1 = np.maximum(s0, first + 30) + rng.integers(0, 540, n)
    d2 = d1 + rng.integers(30, 200, n)
    step1 = np.where(rng.random(n) < 0.55, 1, -1)
    step2 = np.where(rng.random(n) < 0.5, 1, -1)
    r1 = np.clip(rating + step1, 0, 7)
    r2 = np.clip(r1 + step2, 0, 7)
    ok1 = ch1 & ((c.close == NA_DAY) | (d1 < c.close))
    ok2 = ch2 & ok1 & ((c.close == NA_DAY) | (d2 < c.close))
    cust = np.concatenate([np.flatnonzero(rated), np.flatnonzero(ok1), np.flatnonzero(ok2)])
    day = np.concatenate([first[rated], d1[ok1], d2[ok2]])
    rat = np.concatenate([rating[rated], r1[ok1], r2[ok2]])
    order = np.lexsort((day, cust))
    return contract_table("credit_ratings", {
        "customer_id": pc.take(c.ids, pa.array(cust[order])),
        "rating_date": date_array(day[order]),
        "rating": take(RATINGS, rat[order]),
    })


def surveys_table(seed: int, c: Customers, start: date, ep: Episodes | None = None
                  ) -> pa.Table:
    """One to three CRM surveys for some customers (more for corporates and the wealthy).

    With ``ep``, the low-satisfaction surveys of the early-warning plan
    (:attr:`~bank_tiering.generator.episodes.Episodes.low_customer`) are added, and a
    customer's ordinary surveys dated on or up to 150 days after its low one are left
    out, so the low score is the one in force when the story unfolds.
    """
    rng = stream(seed, S_SURVEY)
    s0 = epoch_day(start)
    n = c.n
    p = np.where(c.ctype == RETAIL, np.where(c.wealth >= 1, 0.85, 0.3 + 0.7 * c.engage), 0.9)
    k = (rng.random(n) < p) * (1 + (rng.random(n) < 0.4) + (rng.random(n) < 0.15))
    cust = np.repeat(np.arange(n), k)
    nth = np.arange(len(cust)) - np.repeat(np.cumsum(k) - k, k)
    first = np.maximum(s0 - rng.integers(30, 365, n), c.onboard + 14)
    gaps = np.where(nth == 0, 0, rng.integers(90, 270, len(cust)))
    csum = np.cumsum(gaps)
    day = first[cust] + csum - np.repeat(csum[np.cumsum(k[k > 0]) - k[k > 0]], k[k > 0])
    alive = day < c.close[cust]
    cust, day = cust[alive], day[alive]
    m = len(cust)
    ct = c.ctype[cust]
    e = c.engage[cust]  # answers follow the depth of the relationship
    score = np.round(np.clip(rng.normal(50 + 42 * e, 9, m), 0, 100), 1)
    agree = rng.random(m) < np.where(ct == RETAIL, 0.95 * e, 0.05 + 0.9 * e)
    vip = (ct != RETAIL) & (rng.random(m) < np.where(ct == CORPORATE, 0.05 + 0.6 * e,
                                                     0.03 + 0.4 * e))
    wallet = np.round(rng.beta(1.5 + 5 * e, 5.5 - 3 * e), 3)
    wallet = np.where(rng.random(m) < 0.15, np.nan, wallet)
    if ep is not None and len(ep.low_customer):
        low_day = np.full(n, NA_DAY)
        low_day[ep.low_customer] = ep.low_day
        keep = ~((day >= low_day[cust]) & (day <= low_day[cust] + 150))
        lc = ep.low_customer
        lr = stream(seed, S_SURVEY, 1)
        unhappy = c.engage[lc] * 0.5
        cust = np.concatenate([cust[keep], lc])
        day = np.concatenate([day[keep], ep.low_day])
        score = np.concatenate([score[keep], ep.low_score])
        agree = np.concatenate([agree[keep], lr.random(len(lc)) < 0.5 * unhappy])
        vip = np.concatenate([vip[keep], (c.ctype[lc] != RETAIL) & (lr.random(len(lc))
                                                                     < unhappy)])
        wallet = np.concatenate([wallet[keep], np.round(lr.beta(1.5, 6.0, len(lc)), 3)])
        order = np.lexsort((day, cust))
        cust, day, score, agree, vip, wallet = (
            x[order] for x in (cust, day, score, agree, vip, wallet))
    return contract_table("relationship_surveys", {
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "survey_date": date_array(day),
        "satisfaction_score": pa.array(score, type=DBL),
        "has_cooperation_agreement": pa.array(agree, type=BOOL),
        "executive_is_vip": pa.array(vip, type=BOOL),
        "wallet_share": float_array(wallet),
    })


def prospects_table(seed: int, n_customers: int) -> pa.Table:
    """About ``customers / 20`` corporate and institution prospects with all scores."""
    rng = stream(seed, S_PROSPECT)
    n = max(10, n_customers // 20)
    inst = rng.random(n) < 0.15
    ci = choice(rng, n, [x[1] for x in CORP_INDUSTRIES])
    ii = choice(rng, n, [x[1] for x in INST_INDUSTRIES])
    words = take(tuple(x[2] for x in CORP_INDUSTRIES), ci)
    company = company_names(rng, words, np.zeros(n, dtype=bool))
    inst_name = institution_names(rng, ii)
    sales = round_to(rng.lognormal(np.log(8e7), 1.5, n), 1000)
    assets = round_to(sales * rng.uniform(0.5, 3.0, n), 1000)

    def score(lo: float, hi: float) -> np.ndarray:
        return np.round(rng.uniform(lo, hi, n), 1)

    return contract_table("prospects", {
        "prospect_id": id_array("P", np.arange(1, n + 1), 6),
        "prospect_name": pc.if_else(pa.array(inst), inst_name, company),
        "customer_type": take(CTYPES, np.where(inst, INSTITUTION, CORPORATE)),
        "industry_code": take(tuple(x[0] for x in CORP_INDUSTRIES + INST_INDUSTRIES),
                               np.where(inst, ii + len(CORP_INDUSTRIES), ci)),
        "branch_id": id_array("BR", 1 + rng.integers(0, N_BRANCHES, n), 3),
        "annual_sales": pa.array(sales, type=DBL),
        "total_assets": pa.array(assets, type=DBL),
        "sales_growth_rate": pa.array(np.round(rng.normal(0.08, 0.15, n), 4), type=DBL),
        "market_influence_score": pa.array(score(10, 100), type=DBL),
        "chain_influence_score": pa.array(score(10, 100), type=DBL),
        "product_fit_score": pa.array(score(20, 100), type=DBL),
        "marketing_feasibility_score": pa.array(score(20, 100), type=DBL),
        "product_advantage_score": pa.array(score(20, 100), type=DBL),
        "service_convenience_score": pa.array(score(20, 100), type=DBL),
    })
