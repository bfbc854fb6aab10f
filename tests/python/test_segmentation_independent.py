"""METHODOLOGY.md §3–5 re-implemented independently of the dbt SQL, on generated data:
every customer-month's loan_status and tier_code must equal it, and every value_quadrant
must follow from its own contribution and bank_value_score. The defaults of the spec are
written out here on purpose (the seeds are not read), so a wrong seed also fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build

from bank_tiering.generator import generate

STRATEGIC = ("G001", "G002", "G003", "G004", "G005")  # seeds/reference/strategic_groups.csv
# industry_prefix: (sales floor, assets floor, employee floor), METHODOLOGY.md §4
SME = {
    "*": (None, None, 100), "A": (5e6, None, None), "B": (2e7, None, 300),
    "C": (2e7, None, 300), "D": (2e7, None, 300), "E": (6e7, 5e7, None),
    "F51": (5e7, None, 20), "F52": (5e6, None, 50), "G": (3e7, None, 300),
    "G59": (1e7, None, 100), "G60": (2e7, None, 300), "H": (2e7, None, 100),
    "I": (1e7, None, 100), "K": (1e7, 5e7, None), "L": (None, 8e7, 100),
}
LARGE_150M_SECTIONS = set("ILMNOPQR")


def expected_tier(customer_type, loan_end, avg_aum, avg_deposit, group_id, industry, sales,
                  assets, employees) -> tuple[str, str]:
    loan_status = "with_loan" if loan_end > 0 else "without_loan"
    if customer_type == "retail":
        tier = ("high_net_worth" if avg_aum >= 5e6 else
                "mass_affluent" if avg_aum >= 5e5 else "mass")
        return loan_status, tier
    if loan_status == "without_loan":
        return loan_status, "above_scale" if avg_deposit >= 5e5 else "below_scale"
    if group_id in STRATEGIC:
        return loan_status, "strategic"
    if customer_type == "institution":
        return loan_status, "institution"
    section = (industry or "")[:1]
    if sales is not None and sales >= (1.5e8 if section in LARGE_150M_SECTIONS else 3e8):
        return loan_status, "large"
    prefix = max((p for p in SME if p == "*" or (industry or "").startswith(p)),
                 key=lambda p: 0 if p == "*" else len(p))
    floors = zip(SME[prefix], (sales, assets, employees), strict=True)
    medium = all(f is None or (v is not None and v >= f) for f, v in floors)
    return loan_status, "medium" if medium else "small"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Path]:
    raw = tmp_path_factory.mktemp("independent_raw")
    generate(raw, customers=600, months=3, seed=5, start_month=date(2024, 12, 1),
             progress=False)
    build = Build(raw, tmp_path_factory.mktemp("independent_build"))
    assert build.dbt("build", "--exclude", "resource_type:test", "resource_type:unit_test").success
    return build, raw


def test_tiers_and_loan_status_equal_an_independent_implementation(
    built: tuple[Build, Path],
) -> None:
    build, raw = built
    con = duckdb.connect()
    # Period-end loan balance in CNY straight from the raw files (§1, §3).
    loan_end = dict(
        ((cid, str(month)), value)
        for cid, month, value in con.execute(f"""
            with fx as (
                select currency, rate_date, cny_per_unit,
                       lead(rate_date) over (partition by currency order by rate_date) as next_date
                from read_parquet('{raw}/fx_rates.parquet')
            ), ends as (
                select distinct last_day(balance_date) as d
                from read_parquet('{raw}/balances/*.parquet')
            )
            select a.customer_id, date_trunc('month', e.d)::date,
                   sum(b.balance * case when a.currency = 'CNY' then 1 else fx.cny_per_unit end)
            from ends e
            join read_parquet('{raw}/balances/*.parquet') b on b.balance_date = e.d
            join read_parquet('{raw}/accounts.parquet') a
                on a.account_id = b.account_id and a.product_family = 'loan'
            left join fx on fx.currency = a.currency and fx.rate_date <= e.d
                and (fx.next_date is null or e.d < fx.next_date)
            group by all
        """).fetchall()
    )
    customers = {
        row[0]: row[1:]
        for row in con.execute(f"""
            select customer_id, customer_type, group_id, industry_code, annual_sales,
                   total_assets, employee_count
            from read_parquet('{raw}/customers.parquet')
        """).fetchall()
    }
    rows = build.query("""
        select s.customer_id, cast(s.period_month as varchar), s.loan_status, s.tier_code,
               c.avg_aum, c.avg_deposit_balance
        from marts.fct_customer_segment s
        join marts.fct_customer_contribution c using (customer_id, period_month)
    """)
    assert len(rows) > 1000
    seen_tiers = set()
    for cid, month, loan_status, tier, avg_aum, avg_deposit in rows:
        ctype, group_id, industry, sales, assets, employees = customers[cid]
        expected = expected_tier(ctype, loan_end.get((cid, month), 0.0), avg_aum, avg_deposit,
                                 group_id, industry, sales, assets, employees)
        assert (loan_status, tier) == expected, (cid, month)
        seen_tiers.add(tier)
    assert len(seen_tiers) >= 9


def test_quadrant_follows_from_contribution_and_score(built: tuple[Build, Path]) -> None:
    build, _ = built
    rows = build.query("""
        select market_class, tier_code, cast(period_month as varchar),
               cast(contribution as double), bank_value_score, value_quadrant
        from marts.fct_customer_segment
    """)
    groups: dict[tuple, list[float]] = {}
    for mc, tier, month, contribution, _, _ in rows:
        groups.setdefault((mc, tier, month), []).append(contribution)
    medians = {}
    for key, values in groups.items():
        v = sorted(values)
        n = len(v)
        medians[key] = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    names = {(True, True): "important", (True, False): "quality",
             (False, True): "ordinary", (False, False): "exit"}
    for mc, tier, month, contribution, score, quadrant in rows:
        x_high = contribution > 0 and contribution >= medians[(mc, tier, month)] - 1e-9
        assert quadrant == names[(x_high, score >= 60)], (mc, tier, month, contribution, score)
