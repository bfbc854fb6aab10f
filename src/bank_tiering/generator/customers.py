"""The customer universe: retail, corporate and institution customers with latent attributes.

The universe depends only on ``(seed, customers, start_month)``, never on ``months``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.codes import (
    CORP_INDUSTRIES,
    CORPORATE,
    CTYPES,
    EMERGING_TAGS,
    INST_INDUSTRIES,
    INSTITUTION,
    LOW_LARGE_SECTIONS,
    N_BRANCHES,
    NA_DAY,
    OCCUPATIONS,
    RETAIL,
    SME_FLOORS,
    STRATEGIC_GROUPS,
)
from bank_tiering.generator.helpers import (
    S_CUST,
    choice,
    choice_by_group,
    contract_table,
    date_array,
    epoch_day,
    float_array,
    id_array,
    loguniform,
    null_where,
    round_to,
    stream,
    take,
)
from bank_tiering.generator.names import (
    company_names,
    institution_names,
    person_names,
    phone_numbers,
    resident_ids,
    uscc_codes,
)
from bank_tiering.generator.schema import INT


@dataclass
class Customers:
    """Customer universe: latent attributes used by later stages plus the output table."""

    n: int
    ctype: np.ndarray
    onboard: np.ndarray
    close: np.ndarray
    wealth: np.ndarray  # retail: 0 mass, 1 affluent, 2 hnw; -1 otherwise
    target: np.ndarray  # retail target AUM / corporate deposit level (CNY)
    size: np.ndarray  # corporate: 0 small, 1 medium, 2 large; -1 otherwise
    corp_loan: np.ndarray  # corporate/institution decided to borrow
    strategic: np.ndarray
    industry: np.ndarray  # index into CORP_INDUSTRIES or INST_INDUSTRIES; -1 retail
    occupation: np.ndarray
    lam: np.ndarray  # customer-initiated transactions per month
    quiet: np.ndarray  # no customer activity on or after this day (NA_DAY = never)
    engage: np.ndarray  # relationship depth 0..1: products, activity, surveys, fee business
    branch: np.ndarray  # branch number 1..N_BRANCHES (branch_id BR001...)
    ids: pa.Array
    table: pa.Table


def likely_watched(c: Customers) -> np.ndarray:
    """Customers the generator made to land in a watched tier (METHODOLOGY.md §11): retail
    affluent or high-net-worth with a target AUM of 1 M or more, borrowing corporates of a
    strategic group or large."""
    retail = (c.ctype == RETAIL) & (c.wealth >= 1) & (c.target >= 1e6)
    corporate = (c.ctype == CORPORATE) & c.corp_loan & (c.strategic | (c.size == 2))
    return retail | corporate


def _sme_floor_table(codes: tuple[str, ...]) -> np.ndarray:
    """(n_codes, 3) medium floors of each industry code by longest matching prefix."""
    out = np.empty((len(codes), 3))
    for i, code in enumerate(codes):
        best = max((p for p in SME_FLOORS if p == "*" or code.startswith(p)), key=len)
        out[i] = SME_FLOORS[best]
    return out


def _large_threshold(codes: tuple[str, ...]) -> np.ndarray:
    return np.array([1.5e8 if c[0] in LOW_LARGE_SECTIONS else 3e8 for c in codes])


def _exact_counts(n: int, shares: list[float], minimum: int = 0) -> np.ndarray:
    counts = np.maximum(np.round(np.asarray(shares) * n).astype(np.int64), minimum)
    counts[0] = n - counts[1:].sum()
    return counts


def generate_customers(seed: int, n: int, start: date) -> Customers:
    """Generate the customer universe (independent of the number of months)."""
    rng = stream(seed, S_CUST)
    s0 = epoch_day(start)
    n_ret, n_corp, n_inst = _exact_counts(n, [0.80, 0.17, 0.03], minimum=1 if n >= 10 else 0)
    ctype = rng.permutation(np.repeat([RETAIL, CORPORATE, INSTITUTION], [n_ret, n_corp, n_inst]))
    is_r, is_c, is_i = ctype == RETAIL, ctype == CORPORATE, ctype == INSTITUTION
    ir, ic, ii = np.flatnonzero(is_r), np.flatnonzero(is_c), np.flatnonzero(is_i)

    # --- onboarding, newness ------------------------------------------------------
    new = rng.random(n) < 0.08
    onboard = np.where(
        rng.random(n) < 0.35,
        s0 - rng.integers(30, 730, n),
        s0 - rng.integers(730, 7300, n),
    )
    onboard = np.where(new, s0 + np.minimum(rng.exponential(200, n).astype(np.int64), 720),
                       onboard)

    # --- retail attributes --------------------------------------------------------
    wealth = np.full(n, -1)
    n_hnw = max(3, round(0.012 * len(ir))) if len(ir) >= 50 else int(len(ir) >= 3)
    n_aff = max(5, round(0.10 * len(ir))) if len(ir) >= 50 else int(len(ir) >= 2)
    perm = rng.permutation(ir)
    wealth[ir] = 0
    wealth[perm[:n_hnw]] = 2
    wealth[perm[n_hnw:n_hnw + n_aff]] = 1
    target = np.zeros(n)
    w = wealth
    target[w == 2] = 5e6 * np.exp(rng.uniform(0.25, 2.3, (w == 2).sum()))
    target[w == 1] = loguniform(rng, 6e5, 4.5e6, (w == 1).sum())
    target[w == 0] = np.clip(rng.lognormal(np.log(25_000), 1.4, (w == 0).sum()), 100, 4.5e5)

    occ_probs = np.array([
        [.38, .07, .10, .08, .03, .02, .15, .07, .10],  # mass
        [.30, .10, .10, .05, .15, .12, .15, .00, .03],  # affluent
        [.05, .02, .10, .03, .40, .25, .12, .00, .03],  # hnw
    ])
    occupation = np.full(n, -1)
    occupation[ir] = choice_by_group(rng, wealth[ir], occ_probs)
    age = np.zeros(n)
    age[ir] = rng.uniform(24, 62, len(ir))
    age[ir] = np.where(wealth[ir] == 2, rng.uniform(35, 75, len(ir)), age[ir])
    age[ir] = np.where(occupation[ir] == 7, rng.uniform(18, 25, len(ir)), age[ir])
    age[ir] = np.where(occupation[ir] == 6, rng.uniform(55, 85, len(ir)), age[ir])
    birth = np.full(n, NA_DAY)
    birth[ir] = (s0 - age[ir] * 365.25).astype(np.int64)
    adult = birth + int(18.2 * 365.25)
    onboard = np.where(is_r, np.maximum(onboard, adult), onboard)
    new = onboard >= s0
    gender_idx = np.where(is_r, choice(rng, n, [0.5, 0.49, 0.01]), -1)
    income = np.full(n, np.nan)
    inc_med = np.array([90_000, 300_000, 1_500_000])[np.maximum(wealth, 0)]
    income[ir] = rng.lognormal(np.log(inc_med[ir]), 0.6)
    income[ir] = np.where(occupation[ir] == 7, rng.uniform(0, 20_000, len(ir)), income[ir])
    income[ir] = np.where(occupation[ir] == 6, rng.uniform(40_000, 120_000, len(ir)), income[ir])
    income[ir] = np.where(rng.random(len(ir)) < 0.10, np.nan, round_to(income[ir], 100))

    # --- corporate attributes -------------------------------------------------------
    industry = np.full(n, -1)
    cw = np.array([x[1] for x in CORP_INDUSTRIES])
    industry[ic] = choice(rng, len(ic), cw)
    iw = np.array([x[1] for x in INST_INDUSTRIES])
    industry[ii] = choice(rng, len(ii), iw)
    corp_codes = tuple(x[0] for x in CORP_INDUSTRIES)
    size = np.full(n, -1)
    size[ic] = choice(rng, len(ic), [0.65, 0.27, 0.08])
    corp_loan = np.zeros(n, dtype=bool)
    corp_loan[ic] = rng.random(len(ic)) < np.array([0.38, 0.55, 0.75])[size[ic]]
    corp_loan[ii] = rng.random(len(ii)) < 0.25
    if len(ii) >= 2 and corp_loan[ii].sum() < 2:  # a couple of institutions always borrow
        corp_loan[ii[:2]] = True

    floors = _sme_floor_table(corp_codes)[industry[ic]]
    thr = _large_threshold(corp_codes)[industry[ic]]
    k = len(ic)
    sz = size[ic]
    sales = np.empty(k)
    assets = np.empty(k)
    emp = np.empty(k)
    # large: above the large threshold of the section
    lg = sz == 2
    sales[lg] = thr[lg] * np.exp(rng.uniform(0.05, 2.3, lg.sum()))
    assets[lg] = sales[lg] * rng.uniform(0.6, 2.5, lg.sum())
    emp[lg] = loguniform(rng, 500, 20_000, lg.sum())
    # medium: every floor met, below the large threshold
    md = sz == 1
    lo = np.where(np.isnan(floors[md, 0]), 5e6, floors[md, 0]) * 1.15
    sales[md] = loguniform(rng, lo, thr[md] * 0.85, md.sum())
    assets[md] = np.maximum(np.nan_to_num(floors[md, 1], nan=0) * 1.2,
                            sales[md] * rng.uniform(0.5, 2.0, md.sum()))
    emp[md] = np.where(np.isnan(floors[md, 2]), loguniform(rng, 20, 800, md.sum()),
                       np.nan_to_num(floors[md, 2]) * rng.uniform(1.1, 4.0, md.sum()))
    # small: below every floor its row sets
    sm = sz == 0
    sales[sm] = np.where(np.isnan(floors[sm, 0]), loguniform(rng, 5e5, 5e7, sm.sum()),
                         np.nan_to_num(floors[sm, 0]) * rng.uniform(0.05, 0.9, sm.sum()))
    assets[sm] = np.where(np.isnan(floors[sm, 1]), sales[sm] * rng.uniform(0.3, 1.5, sm.sum()),
                          np.nan_to_num(floors[sm, 1]) * rng.uniform(0.05, 0.9, sm.sum()))
    emp[sm] = np.where(np.isnan(floors[sm, 2]), loguniform(rng, 3, 300, sm.sum()),
                       np.nan_to_num(floors[sm, 2]) * rng.uniform(0.05, 0.95, sm.sum()))
    # real estate is asset heavy
    is_k = np.array([corp_codes[j][0] == "K" for j in range(len(corp_codes))])[industry[ic]]
    assets = np.where(is_k & ~sm, np.maximum(assets, sales * rng.uniform(2, 6, k)), assets)
    assets[sm] = np.where(rng.random(sm.sum()) < 0.04, np.nan, assets[sm])
    emp[sm] = np.where(rng.random(sm.sum()) < 0.04, np.nan, emp[sm])
    annual_sales = np.full(n, np.nan)
    total_assets = np.full(n, np.nan)
    employees = np.full(n, np.nan)
    annual_sales[ic] = round_to(sales, 1000)
    total_assets[ic] = round_to(assets, 1000)
    employees[ic] = np.maximum(np.floor(emp), 1)
    # institutions: assets and staff, no sales
    total_assets[ii] = round_to(loguniform(rng, 2e7, 5e9, len(ii)), 1000)
    employees[ii] = np.floor(loguniform(rng, 30, 5000, len(ii)))

    # deposit level of corporates / institutions
    target[ic] = rng.lognormal(np.log(np.array([3e5, 1.5e6, 8e6])[sz]), 1.3)
    target[ii] = rng.lognormal(np.log(3e6), 1.5, len(ii))

    # emerging tags
    tag = np.full(n, -1)
    code_c = np.array(corp_codes)[industry[ic]]
    p_tag = np.where(np.isin(code_c, ["I64", "I65", "C39"]), 0.5, 0.03)
    has_tag = rng.random(k) < p_tag
    tag_pref = np.where(code_c == "I64", 0, np.where(code_c == "C39", 1, 2))
    tag_probs = np.array([[.7, .0, .3], [.2, .8, .0], [.4, .3, .3]])
    tag[ic] = np.where(has_tag, choice_by_group(rng, tag_pref, tag_probs), -1)

    # --- groups ---------------------------------------------------------------------
    group = np.full(n, -1)
    strategic = np.zeros(n, dtype=bool)
    loan_c = ic[corp_loan[ic]]
    if len(loan_c):
        n_sc = min(len(loan_c), int(np.clip(round(0.04 * len(loan_c)), 8, 60)))
        wsc = np.array([0.5, 2.0, 5.0])[size[loan_c]]
        members = rng.choice(loan_c, n_sc, replace=False, p=wsc / wsc.sum())
        group[members] = np.arange(n_sc) % len(STRATEGIC_GROUPS)
    loan_i = ii[corp_loan[ii]]
    if len(loan_i):
        n_si = min(len(loan_i), int(np.clip(round(0.1 * len(loan_i)), 2, 15)))
        members = rng.choice(loan_i, n_si, replace=False)
        group[members] = np.arange(n_si) % len(STRATEGIC_GROUPS)
    nl_c = ic[~corp_loan[ic]]
    if len(nl_c):
        members = rng.choice(nl_c, min(len(nl_c), max(1, len(ic) // 150)), replace=False)
        group[members] = rng.integers(0, len(STRATEGIC_GROUPS), len(members))
    strategic[group >= 0] = True
    n_groups = max(5, len(ic) // 40)
    free = np.flatnonzero((ctype != RETAIL) & (group < 0))
    joins = free[rng.random(len(free)) < np.where(ctype[free] == CORPORATE, 0.08, 0.04)]
    group[joins] = len(STRATEGIC_GROUPS) + rng.integers(0, n_groups, len(joins))

    # --- relationship depth ------------------------------------------------------------
    # engage (0..1) is how deep the relationship is: it drives the number of product
    # families held, customer activity, CRM survey answers (satisfaction, agreement, VIP,
    # wallet share) and fee business, so the bank's value to the customer (METHODOLOGY.md
    # §5) spreads around the 60 line and correlates with the customer's contribution.
    # Wealthier retail customers, larger firms and strategic groups run deeper.
    depth_group = np.select(
        [is_r & (wealth == 0), is_r & (wealth == 1), is_r & (wealth == 2), strategic,
         is_c & (size == 0), is_c & (size == 1), is_c & (size == 2)],
        [0, 1, 2, 3, 4, 5, 6], 7,
    )
    beta_a = np.array([1.8, 2.1, 2.5, 3.0, 1.7, 1.9, 2.2, 2.0])[depth_group]
    beta_b = np.array([1.2, 1.1, 1.0, 0.9, 1.1, 1.0, 1.0, 1.0])[depth_group]
    engage = rng.beta(beta_a, beta_b)
    # deep relationships are mostly old ones (tenure, 续存时间)
    stretched = s0 - ((s0 - onboard) * (0.5 + engage)).astype(np.int64)
    onboard = np.where(onboard < s0, np.minimum(stretched, s0 - 30), onboard)
    onboard = np.where(is_r, np.maximum(onboard, adult), onboard)
    # a deeper relationship keeps a larger share of the customer's money here
    target = np.select(
        [is_r & (wealth == 0), is_r & (wealth == 1), ~is_r],
        [np.clip(target * (0.3 + 1.4 * engage), 100, 4.5e5),
         np.clip(target * (0.6 + 0.8 * engage), 5.5e5, 4.8e6),
         target * (0.4 + 1.2 * engage)],
        target,
    )

    # --- lifecycle and activity -----------------------------------------------------
    churn = (~new) & (~strategic) & (rng.random(n) < 0.04)
    close = np.where(churn, np.maximum(s0 + rng.integers(20, 540, n), onboard + 60), NA_DAY)
    # classes: 0 active, 1 moderate, 2 occasional, 3 dormant, 4 fading; by depth band
    band = np.digitize(engage, [0.35, 0.6])
    act_probs = np.array([[.08, .24, .38, .18, .12], [.32, .36, .20, .08, .04],
                          [.75, .19, .04, .01, .01]])
    act = choice_by_group(rng, band, act_probs)
    act = np.where((strategic | new) & (act == 3), 1, act)
    engage = np.where(act >= 3, engage * 0.6, engage)  # dormant and fading customers drift
    hi = np.where(ctype == RETAIL, 24.0, 32.0)
    lam = np.select(
        [act == 0, act == 1, act == 2, act == 3],
        [rng.uniform(3.5 + 16 * engage, hi), rng.uniform(1.0, 3.0, n),
         rng.uniform(0.15, 0.6, n), 0.0],
        default=rng.uniform(3.5, 10, n),
    )
    quiet = np.where(act == 4, s0 + rng.integers(15, 200, n), NA_DAY)
    target = np.where((act == 3) & is_r & (wealth == 0), target * 0.2, target)

    # --- names, ids, contact ----------------------------------------------------------
    person = person_names(rng, n)
    words = take(tuple(x[2] for x in CORP_INDUSTRIES), np.where(is_c, industry, 0))
    company = company_names(rng, words, group >= 0)
    inst_name = institution_names(rng, np.where(is_i, industry, 0))
    cname = pc.if_else(pa.array(is_r), person, pc.if_else(pa.array(is_c), company, inst_name))

    male = np.where(gender_idx == 0, True, np.where(gender_idx == 1, False, rng.random(n) < .5))
    rid = resident_ids(rng, np.where(is_r, birth, s0 - 40 * 365), male)
    inst_prefix = np.array([x[3] for x in INST_INDUSTRIES])[np.where(is_i, industry, 0)]
    prefix2 = np.where(is_i, inst_prefix, "91")
    uscc = uscc_codes(rng, prefix2)
    id_number = pc.if_else(pa.array(is_r), rid, uscc)
    phone = null_where(phone_numbers(rng, n), rng.random(n) < np.where(is_r, 0.05, 0.12))

    codes_all = np.array(corp_codes + tuple(x[0] for x in INST_INDUSTRIES))
    ind_idx = np.where(is_c, industry, np.where(is_i, industry + len(CORP_INDUSTRIES), -1))
    branch = 1 + choice(rng, n, 1.0 / np.sqrt(np.arange(1, N_BRANCHES + 1)))
    group_names = tuple(f"G{i:03d}" for i in range(1, len(STRATEGIC_GROUPS) + n_groups + 1))
    ids = id_array("C", np.arange(1, n + 1), 7)
    table = contract_table("customers", {
        "customer_id": ids,
        "customer_type": take(CTYPES, ctype),
        "customer_name": cname,
        "id_number": id_number,
        "phone": phone,
        "birth_date": date_array(birth),
        "gender": take(("M", "F"), np.where(gender_idx > 1, -1, gender_idx)),
        "occupation": take(OCCUPATIONS, occupation),
        "annual_income": float_array(income),
        "industry_code": take(tuple(codes_all), ind_idx),
        "emerging_tag": take(EMERGING_TAGS, tag),
        "group_id": take(group_names, group),
        "annual_sales": float_array(annual_sales),
        "total_assets": float_array(total_assets),
        "employee_count": float_array(employees).cast(INT),
        "branch_id": id_array("BR", branch, 3),
        "onboard_date": date_array(onboard),
        "close_date": date_array(close),
    })
    return Customers(
        n=n, ctype=ctype, onboard=onboard.astype(np.int64), close=close.astype(np.int64),
        wealth=wealth, target=target, size=size, corp_loan=corp_loan, strategic=strategic,
        industry=industry, occupation=occupation, lam=lam, quiet=quiet.astype(np.int64),
        engage=engage, branch=branch,
        ids=ids, table=table,
    )
