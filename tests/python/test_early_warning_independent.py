"""The early warning of METHODOLOGY.md §16 recomputed outside dbt on a generated year.

The inputs §16 defines are read from the landed raw files — net_outflow from the
transactions, accounts and FX fixings (customer-initiated debits − credits on deposit
accounts, CNY at the transaction date's rate), the customer-initiated counts of the
activity indicator, the survey in force at the period end, the owner from the assignment
history — and the rules are applied here in Decimal arithmetic. avg_aum, the tiers and the
lifecycle stage come from fct_customer_segment (their own independent tests are
test_contribution_independent, test_segmentation_independent and test_governance). The
churn score and band of every customer-month, the three lists of §16 and the back-test
must equal the marts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from conftest import FAMILY_RANK, Build
from independent import landed, owner_at, owners_from_raw, period_end

# §16 defaults, written out here on purpose (the seeds are not read)
AUM_POINTS, AUM_FULL = Decimal(30), Decimal("0.5")
OUTFLOW_POINTS, OUTFLOW_FULL = Decimal(25), Decimal("0.5")
ACTIVITY_POINTS, BASE_MONTHS, BASE_MIN, DROP_RATIO = Decimal(20), 3, Decimal(2), Decimal("0.5")
SATISFACTION_POINTS, SATISFACTION_BELOW = Decimal(15), Decimal(60)
NO_OWNER_POINTS = Decimal(10)
HIGH, MEDIUM = Decimal(50), Decimal(25)
OUTFLOW_RATIO, OUTFLOW_MIN = Decimal("0.3"), Decimal(100000)
WIN_BACK_MONTHS, HORIZON = 12, 3
WATCHED = {("retail", "high_net_worth"), ("retail", "mass_affluent"),
           ("corporate", "strategic"), ("corporate", "large")}
CENT = Decimal("0.01")


def _months_before(month: date, n: int) -> date:
    total = month.year * 12 + month.month - 1 - n
    return date(total // 12, total % 12 + 1, 1)


def _clamp01(x: Decimal) -> Decimal:
    return min(max(x, Decimal(0)), Decimal(1))


def _transactions_by_customer_month(raw) -> tuple[dict, dict]:
    """(customer, month) -> net outflow (CNY, exact) and -> customer-initiated count."""
    transactions, accounts = landed(raw, "transactions"), landed(raw, "accounts")
    fx = landed(raw, "fx_rates")
    with duckdb.connect() as con:
        con.execute(f"create table fx as select currency, cast(rate_date as date) as rate_date, "
                    f"cast(cny_per_unit as decimal(38, 10)) as rate from {fx}")
        rows = con.execute(f"""
            with t as (
                select a.customer_id, a.product_family, a.currency, cast(t.txn_ts as date) as d,
                       t.direction, cast(t.amount as decimal(38, 8)) as amount
                from {transactions} as t join {accounts} as a using (account_id)
                where t.initiated_by = 'customer'
            ),
            priced as (
                select t.*, case when t.currency = 'CNY' then 1 else fx.rate end as rate
                from t asof left join fx on t.currency = fx.currency and t.d >= fx.rate_date
            )
            select customer_id, date_trunc('month', d)::date, count(*),
                   sum(case when product_family in ('demand_deposit', 'time_deposit')
                            then (case direction when 'debit' then 1 else -1 end) * amount * rate
                            else 0 end)
            from priced group by all""").fetchall()
    counts = {(c, m): int(n) for c, m, n, _ in rows}
    outflows = {(c, m): Decimal(str(v or 0)) for c, m, _, v in rows}
    return outflows, counts


def _satisfaction_at(raw) -> dict[str, list[tuple[date, Decimal | None]]]:
    surveys = landed(raw, "relationship_surveys")
    found: dict[str, list[tuple[date, Decimal | None]]] = defaultdict(list)
    with duckdb.connect() as con:
        for cid, day, score in con.execute(
                f"select customer_id, cast(survey_date as date), satisfaction_score from {surveys} "
                "order by 2").fetchall():
            found[cid].append((day, None if score is None else Decimal(str(score))))
    return found


@pytest.fixture(scope="module")
def recomputed(governed: Build) -> dict:
    raw = governed.settings.raw_dir
    assert governed.query("select count(*) from data_quality.dq_quarantine") == [(0,)], (
        "the generated year has no bad rows: every landed row is clean")
    outflows, counts = _transactions_by_customer_month(raw)
    surveys = _satisfaction_at(raw)
    owners = owners_from_raw(raw)
    rows = governed.query(
        "select customer_id, period_month, branch_id, market_class, tier_code, service_tier_code, "
        "avg_aum, lifecycle_stage from marts.fct_customer_segment")
    months = {(r[0], r[1]): r for r in rows}
    scores = {}
    for cid, month, _branch, market, _tier, _service, aum, _stage in rows:
        pe = period_end(month)
        before = months.get((cid, _months_before(month, 1)))
        previous = None if before is None else Decimal(str(before[6]))
        aum = Decimal(str(aum))
        outflow = outflows.get((cid, month), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        aum_points = outflow_points = Decimal(0)
        if previous is not None and previous > 0:
            aum_points = AUM_POINTS * _clamp01((previous - aum) / previous / AUM_FULL)
            outflow_points = OUTFLOW_POINTS * _clamp01(outflow / previous / OUTFLOW_FULL)
        n = counts.get((cid, month), 0)
        base_sum = sum(counts.get((cid, _months_before(month, k)), 0) for k in range(1, 4))
        base = Decimal(base_sum) / BASE_MONTHS
        activity = ACTIVITY_POINTS if base >= BASE_MIN and n < DROP_RATIO * base else Decimal(0)
        in_force = [s for d, s in surveys.get(cid, []) if d <= pe]
        score_now = in_force[-1] if in_force else None
        satisfaction = (SATISFACTION_POINTS if score_now is not None
                        and score_now < SATISFACTION_BELOW else Decimal(0))
        status = owner_at(owners, cid, pe)[1]
        no_owner = NO_OWNER_POINTS if status != "active" else Decimal(0)
        total = (aum_points + outflow_points + activity + satisfaction + no_owner)
        total = total.quantize(CENT, ROUND_HALF_UP)
        band = "high" if total >= HIGH else "medium" if total >= MEDIUM else "low"
        scores[(cid, month)] = (previous, outflow, total, band, market)
    return {"months": months, "scores": scores}


def test_churn_score_of_every_customer_month(governed: Build, recomputed: dict) -> None:
    got = {(c, m): (p, o, s, b) for c, m, p, o, s, b in governed.query(
        "select customer_id, period_month, previous_avg_aum, net_outflow, churn_risk_score, "
        "churn_risk_band from marts.fct_customer_segment")}
    assert got.keys() == recomputed["scores"].keys()
    bands = defaultdict(int)
    for key, (previous, outflow, total, band, _) in recomputed["scores"].items():
        p, o, s, b = got[key]
        assert p == previous, key
        assert o == outflow, key
        # the mart adds the points in binary floating point before rounding to 0.01
        assert abs(s - total) <= CENT, key
        if abs(total - HIGH) > CENT and abs(total - MEDIUM) > CENT:
            assert b == band, key
        bands[b] += 1
    assert bands["high"] and bands["medium"] and bands["low"], bands


def test_early_warning_lists(governed: Build, recomputed: dict) -> None:
    months, scores = recomputed["months"], recomputed["scores"]
    expected = set()
    for (cid, month), (_, _, _, market, _, service, _, stage) in months.items():
        previous, outflow, _, band, _ = scores[(cid, month)]
        if (market, service) in WATCHED:
            if previous is not None and previous > 0 and outflow >= OUTFLOW_RATIO * previous \
                    and outflow >= OUTFLOW_MIN:
                expected.add((month, "large_outflow", cid))
            if band == "high":
                expected.add((month, "churn_risk", cid))
        before = months.get((cid, _months_before(month, 1)))
        lapsed = ("dormant", "churned")
        if stage in lapsed and before is not None and before[7] not in lapsed and any(
                (r := months.get((cid, _months_before(month, k)))) is not None
                and (market, r[4]) in WATCHED for k in range(1, WIN_BACK_MONTHS + 1)):
            expected.add((month, "win_back", cid))
    got = set(governed.query(
        "select period_month, list_code, customer_id from marts.mart_rm_worklist "
        "where list_code in ('large_outflow', 'churn_risk', 'win_back')"))
    assert got == expected
    assert {code for _, code, _ in got} == {"large_outflow", "churn_risk", "win_back"}


def test_backtest_by_period_market_and_band(governed: Build, recomputed: dict) -> None:
    months, scores = recomputed["months"], recomputed["scores"]
    latest = max(m for _, m in months)
    flagged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (cid, month), r in months.items():
        market, service = r[3], r[5]
        if (market, service) not in WATCHED:
            continue
        family, rank = FAMILY_RANK[(market, service)]
        lost = False
        for k in range(1, HORIZON + 1):
            later = months.get((cid, _months_before(month, -k)))
            if later is None or FAMILY_RANK[(market, later[5])][0] != family \
                    or FAMILY_RANK[(market, later[5])][1] < rank:
                lost = True
        cell = flagged[(month, market, scores[(cid, month)][3])]
        cell[0] += 1
        cell[1] += lost
    got = {(m, mk, b): (f, lo, sh, c) for m, mk, b, f, lo, sh, c in governed.query(
        "select period_month, market_class, churn_risk_band, flagged_customers, lost_customers, "
        "lost_share, is_horizon_complete from marts.mart_early_warning_backtest")}
    assert got.keys() == flagged.keys()
    for key, (n, lost) in flagged.items():
        complete = _months_before(key[0], -HORIZON) <= latest
        share = round(lost / n, 4) if complete else None
        assert got[key] == (n, lost if complete else None, share, complete), key
