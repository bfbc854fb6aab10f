"""The MetricFlow semantic layer (INTERFACES.md §4, models/semantic/): it parses and
validates against the serving file through the read-only `serving` target, and its
numbers equal the marts' own sums — including AUM, which is never summed across months."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import Served

from bank_tiering.project import PROJECT_DIR

BIN = Path(sys.executable).parent


def _run(served: Served, *args: str) -> subprocess.CompletedProcess:
    env = served.env(BANK_TIERING_TARGET="serving", DBT_PROFILES_DIR=str(PROJECT_DIR / "profiles"))
    return subprocess.run(list(args), cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def parsed(served: Served) -> Served:
    """`dbt parse` with the serving target: writes target/semantic_manifest.json for `mf`."""
    result = _run(served, str(BIN / "dbt"), "parse", "--project-dir", str(PROJECT_DIR),
                  "--profiles-dir", str(PROJECT_DIR / "profiles"))
    assert result.returncode == 0, result.stdout[-3000:]
    return served


def _mf_csv(served: Served, tmp_path: Path, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "mf.csv"
    result = _run(served, str(BIN / "mf"), "query", *args, "--csv", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with out.open() as f:
        return list(csv.DictReader(f))


def test_mf_validate_configs_passes_on_the_serving_file(parsed: Served) -> None:
    result = _run(parsed, str(BIN / "mf"), "validate-configs")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "ERRORS: 0" in result.stdout and "✖" not in result.stdout


def test_segment_overview_equals_the_marts(parsed: Served, tmp_path: Path) -> None:
    """The saved query runs while a reader (the dashboard) holds the serving file open."""
    with duckdb.connect(str(parsed.serving_path), read_only=True) as reader:
        rows = _mf_csv(parsed, tmp_path, "--saved-query", "segment_overview")
        segment = {
            (str(p), m, t): (n, aum, c) for p, m, t, n, aum, c in reader.execute(
                "select period_month, market_class, tier_code, count(*), sum(avg_aum), "
                "sum(contribution) from marts.fct_customer_segment group by all").fetchall()
        }
        summary = {
            (str(p), m, t): (n, aum, c) for p, m, t, n, aum, c in reader.execute(
                "select period_month, market_class, tier_code, sum(customers), "
                "sum(total_aum), sum(total_contribution) from marts.mart_segment_summary "
                "group by all").fetchall()
        }
    got = {
        (r["metric_time__month"][:10], r["customer_month__market_class"],
         r["customer_month__tier_code"]): (int(r["customers"]), float(r["aum"]),
                                           float(r["contribution"]))
        for r in rows
    }
    assert got.keys() == segment.keys() == summary.keys()
    for key, (n, aum, contribution) in got.items():
        for expected in (segment[key], summary[key]):
            assert n == expected[0], key
            assert aum == pytest.approx(float(expected[1]), rel=1e-9, abs=1e-6), key
            assert contribution == pytest.approx(float(expected[2]), rel=1e-9, abs=1e-6), key


def test_aum_and_customers_are_not_summed_across_months(parsed: Served, tmp_path: Path) -> None:
    """Above month grain the stocks are the last month's; contribution (a flow) adds up."""
    rows = _mf_csv(parsed, tmp_path, "--metrics", "customers,aum,contribution,fee_income",
                   "--group-by", "metric_time__year")
    by_year = {r["metric_time__year"][:4]: r for r in rows}
    with duckdb.connect(str(parsed.serving_path), read_only=True) as con:
        expected = con.execute(
            """
            with months as (
                select period_month, count(*) as n, sum(avg_aum) as aum,
                    sum(contribution) as contribution
                from marts.fct_customer_segment group by 1)
            select cast(year(period_month) as varchar),
                arg_max(n, period_month), arg_max(aum, period_month),
                sum(contribution), sum(aum)
            from months group by 1
            """).fetchall()
        fees = dict(con.execute(
            "select cast(year(period_month) as varchar), sum(fee_income) "
            "from marts.fct_customer_contribution group by 1").fetchall())
    assert len(expected) == 2  # the sample spans December 2024 to February 2025
    for year, n, aum, contribution, _aum_summed in expected:
        row = by_year[year]
        assert int(row["customers"]) == n
        assert float(row["aum"]) == pytest.approx(float(aum), rel=1e-9)
        assert float(row["contribution"]) == pytest.approx(float(contribution), rel=1e-9,
                                                           abs=1e-6)
        assert float(row["fee_income"]) == pytest.approx(float(fees[year]), rel=1e-9, abs=1e-6)
    assert float(by_year["2025"]["aum"]) < float([e[4] for e in expected if e[0] == "2025"][0])


def test_contribution_components_group_by_segment_dimensions(parsed: Served,
                                                             tmp_path: Path) -> None:
    rows = _mf_csv(parsed, tmp_path, "--metrics",
                   "loan_ftp_income,deposit_ftp_income,fee_income,capital_cost,operating_cost,"
                   "credit_cost,contribution,contribution_per_customer,customers",
                   "--group-by", "metric_time__month,customer_month__value_quadrant")
    for r in rows:
        parts = (float(r["loan_ftp_income"]) + float(r["deposit_ftp_income"])
                 + float(r["fee_income"]) - float(r["capital_cost"])
                 - float(r["operating_cost"]) - float(r["credit_cost"]))
        # Every amount is published rounded to 0.01 from its exact value (METHODOLOGY.md
        # §13): per customer-month the identity holds within 7 × 0.005 (the contribution
        # and its six terms, assert_contribution_components_add_up), so a sum over n
        # customer-months within n × 0.035.
        assert parts == pytest.approx(float(r["contribution"]), rel=0,
                                      abs=0.035 * int(r["customers"]))
        assert float(r["contribution_per_customer"]) == pytest.approx(
            float(r["contribution"]) / int(r["customers"]), rel=1e-9)


def test_service_tiers_and_worklists_equal_the_marts(parsed: Served, tmp_path: Path) -> None:
    """The governance dimension (service_tier_code, §10) and the worklist metrics (§11)
    give the marts' own counts and AUM per month."""
    tiers = _mf_csv(parsed, tmp_path, "--metrics", "customers,aum", "--group-by",
                    "metric_time__month,customer_month__service_tier_code")
    lists = _mf_csv(parsed, tmp_path, "--metrics", "worklist_customers,worklist_aum",
                    "--group-by", "metric_time__month,rm_worklist_row__list_code")
    with duckdb.connect(str(parsed.serving_path), read_only=True) as con:
        segment = {
            (str(p), t): (n, aum) for p, t, n, aum in con.execute(
                "select period_month, service_tier_code, count(*), sum(avg_aum) "
                "from marts.fct_customer_segment group by all").fetchall()
        }
        worklist = {
            (str(p), code): (n, aum) for p, code, n, aum in con.execute(
                "select period_month, list_code, count(*), sum(avg_aum) "
                "from marts.mart_rm_worklist group by all").fetchall()
        }
    got_tiers = {(r["metric_time__month"][:10], r["customer_month__service_tier_code"]):
                 (int(r["customers"]), float(r["aum"])) for r in tiers}
    got_lists = {(r["metric_time__month"][:10], r["rm_worklist_row__list_code"]):
                 (int(r["worklist_customers"]), float(r["worklist_aum"] or 0)) for r in lists}
    assert got_tiers.keys() == segment.keys() and worklist, "the sample has worklist rows"
    assert got_lists.keys() == worklist.keys()
    for got, expected in ((got_tiers, segment), (got_lists, worklist)):
        for key, (n, aum) in got.items():
            assert n == expected[key][0], key
            assert aum == pytest.approx(float(expected[key][1] or 0), rel=1e-9, abs=1e-6), key


def test_cost_income_ratio_equals_the_marts(parsed: Served, tmp_path: Path) -> None:
    """cost_income_ratio (ratio of total_cost to total_income, INTERFACES.md §4) per month,
    market and tier equals the contribution mart's own sums, costs and incomes added after
    aggregation; the profile dimensions group the metrics like the profile mart."""
    rows = _mf_csv(parsed, tmp_path, "--metrics", "cost_income_ratio,total_cost,total_income",
                   "--group-by", "metric_time__month,customer_month__market_class,"
                   "customer_month__tier_code")
    by_age = _mf_csv(parsed, tmp_path, "--metrics", "customers", "--group-by",
                     "metric_time__month,customer_month__tier_code,customer_month__age_band,"
                     "customer_month__aum_band")
    with duckdb.connect(str(parsed.serving_path), read_only=True) as con:
        expected = {
            (str(p), m, t): (cost, income) for p, m, t, cost, income in con.execute(
                "select s.period_month, s.market_class, s.tier_code, "
                "sum(c.capital_cost + c.operating_cost + c.credit_cost), "
                "sum(c.loan_ftp_income + c.deposit_ftp_income + c.fee_income) "
                "from marts.fct_customer_segment as s join marts.fct_customer_contribution as c "
                "using (customer_id, period_month) group by all").fetchall()
        }
        profile = {
            (str(p), t, age, band): n for p, t, age, band, n in con.execute(
                "select period_month, tier_code, age_band, aum_band, count(*) "
                "from marts.fct_customer_segment group by all").fetchall()
        }
    got = {(r["metric_time__month"][:10], r["customer_month__market_class"],
            r["customer_month__tier_code"]): r for r in rows}
    assert got.keys() == expected.keys()
    for key, (cost, income) in expected.items():
        row = got[key]
        assert float(row["total_cost"]) == pytest.approx(float(cost), rel=1e-9, abs=1e-6), key
        assert float(row["total_income"]) == pytest.approx(float(income), rel=1e-9, abs=1e-6), key
        if float(income) != 0:
            assert float(row["cost_income_ratio"]) == pytest.approx(
                float(cost) / float(income), rel=1e-9), key
    assert any(0 < float(r["cost_income_ratio"]) < 1 for r in rows if r["cost_income_ratio"])
    got_profile = {(r["metric_time__month"][:10], r["customer_month__tier_code"],
                    r["customer_month__age_band"] or None, r["customer_month__aum_band"]):
                   int(r["customers"]) for r in by_age}
    assert got_profile == profile


def test_churn_risk_and_owner_metrics_equal_the_marts(parsed: Served, tmp_path: Path) -> None:
    """churn_risk_customers (band high) and net_outflow (INTERFACES.md §4) per month and
    rm_status, and the churn_risk_band dimension, equal fct_customer_segment's own counts."""
    rows = _mf_csv(parsed, tmp_path, "--metrics", "churn_risk_customers,net_outflow,customers",
                   "--group-by", "metric_time__month,customer_month__rm_status")
    bands = _mf_csv(parsed, tmp_path, "--metrics", "customers", "--group-by",
                    "metric_time__month,customer_month__churn_risk_band")
    with duckdb.connect(str(parsed.serving_path), read_only=True) as con:
        expected = {
            (str(p), s): (high, outflow, n) for p, s, high, outflow, n in con.execute(
                "select period_month, rm_status, count(*) filter (where churn_risk_band = 'high'), "
                "sum(net_outflow), count(*) from marts.fct_customer_segment group by all"
            ).fetchall()
        }
        by_band = {(str(p), b): n for p, b, n in con.execute(
            "select period_month, churn_risk_band, count(*) from marts.fct_customer_segment "
            "group by all").fetchall()}
    got = {(r["metric_time__month"][:10], r["customer_month__rm_status"]): r for r in rows}
    assert got.keys() == expected.keys()
    for key, (high, outflow, n) in expected.items():
        assert int(got[key]["churn_risk_customers"] or 0) == high, key
        assert int(got[key]["customers"]) == n, key
        assert float(got[key]["net_outflow"]) == pytest.approx(float(outflow), abs=1e-6), key
    assert {(r["metric_time__month"][:10], r["customer_month__churn_risk_band"]):
            int(r["customers"]) for r in bands} == by_band
