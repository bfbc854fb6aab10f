"""The scope is in the SQL of every query (METHODOLOGY.md §15).

* Every query function is enumerated (QUERY_MODULES, the dashboard's and the shared
  bank_tiering.analysis modules the report reads too): each takes the scope, unless it reads
  only parameter tables (UNSCOPED), and no query module names a mart — they read the
  scoped relations of bank_tiering.analysis.scoped. A new function that is not in CALLS
  below fails ``test_every_query_function_is_called_here``.
* A scope whose customer set is empty (an RM id nobody has) gets nothing from any of them,
  while the bank scope gets something from each (so the empty results are the scope's).
* Bank scope: the flows (with their split), Pareto, profile and trend figures computed from
  the customer-months equal the marts'. Branch and RM scopes: totals, worklists, books,
  profiles (adding up to each tier), churn-risk bands, cross-sell recommendations, the
  customer picker and a customer's months are the scope's rows only, each at its own month;
  downloads hold only the scope's rows. The worklist outcomes are per branch (a branch user
  the own branch's, an RM none) and the early-warning back-test bank-wide (the bank scope
  only).
* The pages, signed in as an RM, a branch user and an RM without customers (AppTest): 流失预警
  and the worklist page without the back-test or outcomes where the scope may not see
  them; a ``?customer=`` link to another branch's customer draws none of the customer
  page's parts.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import Served
from streamlit.testing.v1 import AppTest

from bank_tiering.access.log import AccessLog
from bank_tiering.access.scope import Scope
from bank_tiering.access.users import add_user, dump_users, write_atomically
from bank_tiering.analysis import scoped
from bank_tiering.dashboard import downloads, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.auth import Viewer
from bank_tiering.dashboard.pages import PAGES
from bank_tiering.dashboard.queries import QUERY_MODULES, UNSCOPED, Filters
from bank_tiering.dashboard.worklists import list_spec, worklist_columns

BACKTEST_REFUSED_ZH = ("预警回测为全行口径（全行各机构的重点分层客户），仅总行用户可见；"
                       "机构和客户经理用户可查看上方的风险分布和预警清单。")
OUTCOMES_REFUSED_ZH = "清单成效按机构统计（不按客户经理）：客户经理用户不显示。"

APP = Path(fmt.__file__).with_name("app.py")
LATEST = date(2025, 2, 1)
PASSWORD = "Sc0pe-Test-Passw0rd"
NOBODY = Scope.rm("NO-SUCH-RM")

#: One call of every scoped query function (name -> call with a connection and a scope).
CALLS: dict[str, Callable] = {
    "periods": lambda con, s: queries.periods(con, s),
    "branches": lambda con, s: queries.branches(con, s),
    "totals": lambda con, s: queries.totals(con, s, Filters(LATEST)),
    "tier_pyramid": lambda con, s: queries.tier_pyramid(con, s, Filters(LATEST)),
    "quadrant_groups": lambda con, s: queries.quadrant_groups(con, s, Filters(LATEST)),
    "quadrant_points": lambda con, s: queries.quadrant_points(con, s, Filters(LATEST),
                                                              "retail", "mass"),
    "tier_flows": lambda con, s: queries.tier_flows(con, s, Filters(LATEST), "ytd"),
    "pareto_curve": lambda con, s: queries.pareto_curve(con, s, Filters(LATEST)),
    "pareto_summary": lambda con, s: queries.pareto_summary(con, s, Filters(LATEST), 0.2, 0.8),
    "segment_profiles": lambda con, s: queries.segment_profiles(con, s, Filters(LATEST)),
    "tier_trends": lambda con, s: queries.tier_trends(con, s, Filters(LATEST)),
    "worklist_counts": lambda con, s: queries.worklist_counts(con, s, Filters(LATEST)),
    "worklist_rows": lambda con, s: queries.worklist_rows(con, s, Filters(LATEST), "handover"),
    "rm_book": lambda con, s: queries.rm_book(con, s, Filters(LATEST)),
    "rm_books": lambda con, s: queries.rm_books(con, s, Filters(LATEST)),
    "rm_book_mix": lambda con, s: queries.rm_book_mix(con, s, Filters(LATEST)),
    "find_customers": lambda con, s: queries.find_customers(con, s, Filters(LATEST), "c00"),
    "customer_history": lambda con, s: queries.customer_history(con, s, _TOP[0]),
    "cross_sell_recommendations": lambda con, s: queries.cross_sell_recommendations(
        con, s, _TOP[1], LATEST),
    "churn_bands": lambda con, s: queries.churn_bands(con, s, Filters(LATEST)),
    "backtest": lambda con, s: queries.backtest(con, s, Filters(LATEST)),
    "backtest_trend": lambda con, s: queries.backtest_trend(con, s, Filters(LATEST)),
    "list_outcomes": lambda con, s: queries.list_outcomes(con, s, Filters(LATEST), "handover"),
}
#: the bank's top contributor and the first customer with a recommendation in LATEST, set by
#: the fixture below
_TOP: list[str] = []


def _query_functions() -> dict[str, Callable]:
    found = {}
    for module in QUERY_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") and \
                    "con" in inspect.signature(fn).parameters:
                found[name] = fn
    return found


def _nothing(result: object) -> bool:
    """No row, no customer, no amount: an empty frame or list, or a dict of zeros. (The
    worklist counts list every list with 0 customers — the lists themselves are labels.)"""
    if isinstance(result, pd.DataFrame):
        if "customers" in result.columns and "list_label" in result.columns:
            return bool((result["customers"] == 0).all() and (result["aum"] == 0).all())
        return result.empty
    if isinstance(result, dict):
        return all(v == 0 for v in result.values())
    return len(result) == 0


@pytest.fixture(scope="module")
def con(served_complete: Path):
    """The served sample with complete outcomes of December and January (conftest), so the
    back-test's trend has months for the bank scope to get."""
    with duckdb.connect(str(served_complete), read_only=True) as connection:
        _TOP[:] = [connection.execute(
            "select customer_id from marts.fct_customer_segment where period_month = ? "
            "order by contribution desc, customer_id limit 1", [LATEST]).fetchone()[0],
            connection.execute("select min(customer_id) from marts.mart_cross_sell where "
                               "period_month = ?", [LATEST]).fetchone()[0]]
        yield connection


@pytest.fixture(scope="module")
def rm_case(con) -> dict:
    """An RM with customers in LATEST, a customer of another RM of the same branch, and a
    customer the RM owned in an earlier month but not in LATEST (when the data has one)."""
    rm, branch = con.execute(
        "select rm_id, max(branch_id) from marts.fct_customer_segment where period_month = ? "
        "and rm_status = 'active' group by rm_id order by count(*) desc, rm_id limit 1",
        [LATEST]).fetchone()
    other, = con.execute(
        "select customer_id from marts.fct_customer_segment where period_month = ? and "
        "branch_id = ? and rm_id is distinct from ? order by customer_id limit 1",
        [LATEST, branch, rm]).fetchone()
    moved = con.execute(
        "select customer_id from marts.fct_customer_segment as s where rm_id = ? and "
        "period_month < ? and exists (select 1 from marts.fct_customer_segment as t where "
        "t.customer_id = s.customer_id and t.period_month = ? and t.rm_id is distinct from ?) "
        "order by customer_id limit 1", [rm, LATEST, LATEST, rm]).fetchone()
    return {"rm": rm, "branch": branch, "other": other, "moved": moved[0] if moved else None}


# --------------------------------------------------------------------------------------
# Forgetting the scope is hard, and noticed
# --------------------------------------------------------------------------------------


MART_NAME = re.compile(
    r"marts\.|\b(SEGMENT|WORKLIST|CONTRIBUTION|MANAGERS|CROSS_SELL|OUTCOMES|BACKTEST)\b")


def test_no_query_module_names_a_mart() -> None:
    for module in QUERY_MODULES:
        assert not MART_NAME.search(inspect.getsource(module)), \
            f"{module.__name__} names a mart: use the scoped relations of queries.base"
    # in scoped, only the scoped relations name the marts (parameters_frame refuses them)
    naming = {name for name, fn in inspect.getmembers(scoped, inspect.isfunction)
              if fn.__module__ == scoped.__name__ and MART_NAME.search(inspect.getsource(fn))}
    assert naming == {"scoped_sql", "parameters_frame"}, naming
    with pytest.raises(ValueError, match="must not read a mart"):
        scoped.parameters_frame(None, "select * from marts.fct_customer_segment")


def test_every_query_function_takes_the_scope() -> None:
    functions = _query_functions()
    assert UNSCOPED <= set(functions)
    for name, fn in functions.items():
        parameters = list(inspect.signature(fn).parameters)
        if name in UNSCOPED:
            assert "scope" not in parameters and "marts." not in inspect.getsource(fn), name
        else:
            assert parameters[:2] == ["con", "scope"], (name, parameters)


def test_every_query_function_is_called_here() -> None:
    assert set(CALLS) == set(_query_functions()) - UNSCOPED


def test_a_scope_without_customers_gets_nothing_from_any_query(con) -> None:
    for name, call in CALLS.items():
        assert not _nothing(call(con, Scope.bank())), f"{name}: the bank scope gets nothing"
        assert _nothing(call(con, NOBODY)), f"{name}: an empty scope got {call(con, NOBODY)}"
    with pytest.raises(TypeError, match="Scope"):
        queries.totals(con, None, Filters(LATEST))


# --------------------------------------------------------------------------------------
# Bank scope: the computed flows and Pareto equal the marts
# --------------------------------------------------------------------------------------


FLOW_COLUMNS = ("start_customers", "start_aum", "retained_customers", "retained_start_aum",
                "retained_end_aum", "lost_customers", "lost_start_aum", "gained_customers",
                "gained_end_aum", "end_customers", "end_aum", "lost_downgraded_customers",
                "lost_upgraded_customers", "lost_left_customers", "gained_new_customers",
                "gained_upgraded_customers", "gained_downgraded_customers")


def test_bank_scope_flows_and_pareto_equal_the_marts(con) -> None:
    checked = 0
    for (period,) in con.execute("select distinct period_month from marts.mart_tier_flows"
                                 ).fetchall():
        for flow_type in ("mom", "ytd"):
            mart = con.execute(
                f"select market_class, tier_code, {', '.join(FLOW_COLUMNS)} from "
                "marts.mart_tier_flows where flow_type = ? and period_month = ?",
                [flow_type, period]).df()
            mine = queries.tier_flows(con, Scope.bank(), Filters(period), flow_type)
            assert len(mine) == len(mart), (period, flow_type)
            merged = mine.merge(mart, on=["market_class", "tier_code"], suffixes=("", "_mart"))
            for column in FLOW_COLUMNS:
                assert (merged[column] - merged[f"{column}_mart"].astype(float)).abs().max() \
                    < 0.005, (period, flow_type, column)
            checked += len(mart)
    assert checked > 0
    mart = con.execute("select market_class, customers, top_customers, "
                       "top_customers_contribution_share, customers_for_target_share "
                       "from marts.mart_contribution_pareto where period_month = ?",
                       [LATEST]).df()
    shares = queries.pareto_shares(con)
    mine = queries.pareto_summary(con, Scope.bank(), Filters(LATEST), shares["top"],
                                  shares["target"]).merge(mart, on="market_class",
                                                          suffixes=("", "_mart"))
    assert len(mine) == len(mart) == 3
    for column in ("customers", "top_customers", "customers_for_target_share"):
        assert list(mine[column]) == list(mine[f"{column}_mart"]), column
    assert (mine["top_customers_contribution_share"]
            - mine["top_customers_contribution_share_mart"]).abs().max() < 1e-9


def test_bank_scope_trends_equal_the_marts(con) -> None:
    """趋势: every month × market × tier of the two facts, summed independently here; the
    cost-to-income ratio is the semantic layer's (capital + operating + credit cost) ÷
    (loan FTP + deposit FTP + fee income), each summed first."""
    mart = con.execute(
        """
        select s.period_month, s.market_class, s.tier_code, count(*) as customers,
            sum(s.avg_aum) as aum, sum(s.contribution) as contribution,
            sum(c.capital_cost + c.operating_cost + c.credit_cost) as cost,
            sum(c.loan_ftp_income + c.deposit_ftp_income + c.fee_income) as income
        from marts.fct_customer_segment as s
        join marts.fct_customer_contribution as c using (customer_id, period_month)
        where s.period_month <= ?
        group by all
        """, [LATEST]).fetchall()
    mine = queries.tier_trends(con, Scope.bank(), Filters(LATEST))
    got = {(r.period_month, r.market_class, r.tier_code): r for r in mine.itertuples()}
    assert len(got) == len(mart) == len(mine) and len({k[0] for k in got}) == 3
    for month, market, tier, n, aum, contribution, cost, income in mart:
        row = got[(month, market, tier)]
        assert row.customers == n
        assert row.aum == pytest.approx(float(aum), abs=0.005)
        assert row.contribution == pytest.approx(float(contribution), abs=0.005)
        assert row.contribution_per_customer == pytest.approx(float(contribution) / n)
        assert row.cost_income_ratio == pytest.approx(float(cost) / float(income), rel=1e-9)
    by_market = mine.groupby(["period_month", "market_class"])["customer_share"].sum()
    assert (by_market - 1).abs().max() < 1e-9  # the tier mix of a market adds up to 100 %
    # the branch filter narrows; months after the period are not shown
    january = queries.tier_trends(con, Scope.bank(), Filters(date(2025, 1, 1)))
    assert max(january["period_month"]) == date(2025, 1, 1)


def test_bank_scope_profiles_equal_the_mart_and_every_scope_adds_up(con, rm_case: dict
                                                                    ) -> None:
    mart = con.execute(
        "select market_class, tier_code, profile_dimension, profile_value, customers, "
        "customer_share, total_avg_aum, mean_avg_aum, total_contribution, "
        "profile_value_label_zh, profile_value_sort_order from marts.mart_segment_profile "
        "where period_month = ?", [LATEST]).fetchall()
    mine = queries.segment_profiles(con, Scope.bank(), Filters(LATEST))
    got = {tuple(r[:4]): r for r in mine[["market_class", "tier_code", "profile_dimension",
                                          "profile_value", "customers", "customer_share",
                                          "aum", "mean_aum", "contribution", "value_label",
                                          "value_sort_order"]].itertuples(index=False)}
    assert len(got) == len(mart) == len(mine) > 0
    for key, n, share, aum, mean, contribution, label, order in (
            (tuple(r[:4]), *r[4:]) for r in mart):
        row = got[key]
        assert (row[4], row[9], row[10]) == (n, label, order), key
        assert row[5] == pytest.approx(share, rel=1e-12)
        for mine_value, expected in ((row[6], aum), (row[7], mean), (row[8], contribution)):
            assert mine_value == pytest.approx(float(expected), abs=0.006), key
    for scope, where, value in ((Scope.branch(rm_case["branch"]), "branch_id", rm_case["branch"]),
                                (Scope.rm(rm_case["rm"]), "rm_id", rm_case["rm"])):
        tiers = dict(((m, t), n) for m, t, n in con.execute(
            f"select market_class, tier_code, count(*) from marts.fct_customer_segment "
            f"where period_month = ? and {where} = ? group by all", [LATEST, value]).fetchall())
        profile = queries.segment_profiles(con, scope, Filters(LATEST))
        sums = profile.groupby(["market_class", "tier_code", "profile_dimension"])["customers"]
        assert {k[:2] for k in sums.groups} == set(tiers)
        for (market, tier, dimension), n in sums.sum().items():
            assert n == tiers[(market, tier)], (scope, market, tier, dimension)
        assert profile["profile_dimension"].nunique() == 7


def test_the_customer_picker_finds_the_scope_only_case_and_width_blind(con, rm_case: dict
                                                                       ) -> None:
    rm, other = Scope.rm(rm_case["rm"]), rm_case["other"]
    book = {c for (c,) in con.execute(
        "select customer_id from marts.fct_customer_segment where period_month = ? and "
        "rm_id = ?", [LATEST, rm_case["rm"]]).fetchall()}
    mine = sorted(book)[0]
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in mine.lower())  # ｃ０００…
    for typed in (mine, mine.lower(), full_width, f"  {mine[:3]} {mine[3:]}  "):
        found = queries.find_customers(con, rm, Filters(LATEST), typed)
        assert found["customer_id"].iloc[0] == mine, typed  # the exact id first
    partial = queries.find_customers(con, rm, Filters(LATEST), mine[-3:])
    assert set(partial["customer_id"]) <= book and mine in set(partial["customer_id"])
    assert partial.attrs["total"] == sum(1 for c in book if mine[-3:] in c)
    assert list(partial.columns) == ["customer_id", "branch_id", "market_label", "tier_label",
                                     "latest_month", "in_period"]  # ids and labels, no PII
    assert queries.find_customers(con, rm, Filters(LATEST), other).empty
    assert not queries.find_customers(con, Scope.bank(), Filters(LATEST), other.lower()).empty
    top = queries.find_customers(con, rm, Filters(LATEST), "", limit=3)
    assert list(top["customer_id"]) == [c for (c,) in con.execute(
        "select customer_id from marts.fct_customer_segment where period_month = ? and "
        "rm_id = ? order by contribution desc, customer_id limit 3", [LATEST, rm_case["rm"]]
    ).fetchall()]


# --------------------------------------------------------------------------------------
# Branch and RM scopes
# --------------------------------------------------------------------------------------


def test_branch_scope_is_the_branch_only(con, rm_case: dict) -> None:
    branch = rm_case["branch"]
    scope = Scope.branch(branch)
    n, aum = con.execute("select count(*), sum(avg_aum) from marts.fct_customer_segment "
                         "where period_month = ? and branch_id = ?", [LATEST, branch]).fetchone()
    totals = queries.totals(con, scope, Filters(LATEST))
    assert totals["customers"] == n and abs(totals["aum"] - float(aum)) < 0.005
    assert queries.branches(con, scope) == [branch]
    # a filter for another branch only narrows: nothing, never the other branch
    other_branch = con.execute("select min(branch_id) from marts.fct_customer_segment "
                               "where branch_id != ?", [branch]).fetchone()[0]
    assert queries.totals(con, scope, Filters(LATEST, branch=other_branch))["customers"] == 0
    rows = queries.worklist_rows(con, scope, Filters(LATEST), "handover", limit=None)
    assert len(rows) and set(rows["branch_id"]) == {branch}
    books = queries.rm_books(con, scope, Filters(LATEST))
    assert books["customers"].sum() == n
    foreign = con.execute("select customer_id from marts.fct_customer_segment "
                          "where branch_id = ? limit 1", [other_branch]).fetchone()[0]
    assert queries.customer_history(con, scope, foreign).empty
    assert queries.customer_history(con, Scope.bank(), foreign).shape[0] > 0


def test_rm_scope_is_the_book_of_each_month(con, rm_case: dict) -> None:
    rm, scope = rm_case["rm"], Scope.rm(rm_case["rm"])
    for period in (LATEST, date(2025, 1, 1)):
        n, aum, contribution = con.execute(
            "select count(*), sum(avg_aum), sum(contribution) from marts.fct_customer_segment "
            "where period_month = ? and rm_id = ?", [period, rm]).fetchone()
        totals = queries.totals(con, scope, Filters(period))
        assert totals["customers"] == n > 0
        assert abs(totals["aum"] - float(aum)) < 0.005
        assert abs(totals["contribution"] - float(contribution)) < 0.005
        book = queries.rm_book(con, scope, Filters(period))
        assert len(book) == n and set(book["rm_id"]) == {rm}
    listed = queries.worklist_rows(con, scope, Filters(LATEST), "near_upgrade", limit=None)
    expected = con.execute("select count(*) from marts.mart_rm_worklist where period_month = ? "
                           "and list_code = 'near_upgrade' and rm_id = ?", [LATEST, rm]
                           ).fetchone()[0]
    assert len(listed) == expected and set(listed["rm_id"]) <= {rm}
    assert queries.customer_history(con, scope, rm_case["other"]).empty
    if rm_case["moved"]:  # owned earlier, not now: only the months in the book are shown
        history = queries.customer_history(con, scope, rm_case["moved"])
        assert len(history) and LATEST not in set(history["period_month"])
        assert set(history["rm_id"]) == {rm}


def _scopes(rm_case: dict) -> list[tuple[Scope, str, list]]:
    """The three scopes of rm_case with the predicate that says who is theirs."""
    return [(Scope.bank(), "true", []),
            (Scope.branch(rm_case["branch"]), "branch_id = ?", [rm_case["branch"]]),
            (Scope.rm(rm_case["rm"]), "rm_id = ?", [rm_case["rm"]])]


def test_churn_bands_are_the_scopes_customers_each_at_its_month(con, rm_case: dict) -> None:
    for period in (LATEST, date(2025, 1, 1)):
        for scope, where, params in _scopes(rm_case):
            expected = {tuple(r[:3]): r[3] for r in con.execute(
                "select market_class, tier_code, churn_risk_band, count(*) from "
                f"marts.fct_customer_segment where period_month = ? and {where} group by all",
                [period, *params]).fetchall()}
            bands = queries.churn_bands(con, scope, Filters(period))
            got = {(r.market_class, r.tier_code, r.churn_risk_band): r.customers
                   for r in bands.itertuples()}
            assert got == expected and got, (scope, period)


def test_outcomes_are_per_branch_and_no_rm_sees_them(con, rm_case: dict) -> None:
    """mart_worklist_outcomes is per branch: the bank sums every branch, a branch user gets
    the own branch's row (never another's, whatever the filter says), an RM nothing — not
    even for a list with the RM's own customers on it."""
    january = date(2025, 1, 1)  # complete in served_complete
    code, branch = con.execute(
        "select list_code, branch_id from marts.mart_worklist_outcomes as o where "
        "period_month = ? and exists (select 1 from marts.mart_worklist_outcomes as p where "
        "p.period_month = o.period_month and p.list_code = o.list_code and "
        "p.branch_id != o.branch_id) order by entries desc, 1, 2 limit 1", [january]).fetchone()
    columns = ["entries", "contacted_entries", "retained_entries", "retained_contacted_entries"]
    total = con.execute(f"select {', '.join(f'sum({c})' for c in columns)}, count(*) from "
                        "marts.mart_worklist_outcomes where period_month = ? and list_code = ?",
                        [january, code]).fetchone()
    own = con.execute(f"select {', '.join(columns)} from marts.mart_worklist_outcomes where "
                      "period_month = ? and list_code = ? and branch_id = ?",
                      [january, code, branch]).fetchone()
    bank = queries.list_outcomes(con, Scope.bank(), Filters(january), code)
    assert [int(bank[c].iloc[0]) for c in columns] == [int(v) for v in total[:4]]
    assert bank["branches"].iloc[0] == total[4] > 1 and bank["is_horizon_complete"].iloc[0]
    mine = queries.list_outcomes(con, Scope.branch(branch), Filters(january), code)
    assert [int(mine[c].iloc[0]) for c in columns] == list(own) and mine["branches"].iloc[0] == 1
    other = con.execute("select min(branch_id) from marts.mart_worklist_outcomes where "
                        "period_month = ? and list_code = ? and branch_id != ?",
                        [january, code, branch]).fetchone()[0]
    assert queries.list_outcomes(con, Scope.branch(branch), Filters(january, branch=other),
                                 code).empty
    assert not queries.list_outcomes(con, Scope.bank(), Filters(january, branch=other),
                                     code).empty
    owner = con.execute("select min(rm_id) from marts.mart_rm_worklist where period_month = ? "
                        "and list_code = ? and rm_id is not null", [january, code]).fetchone()[0]
    assert owner is not None
    assert queries.list_outcomes(con, Scope.rm(owner), Filters(january), code).empty
    # February: entries, but no outcome yet (the horizon is not complete)
    february = queries.list_outcomes(con, Scope.bank(), Filters(LATEST), "handover")
    assert february["entries"].iloc[0] > 0 and not february["is_horizon_complete"].iloc[0]
    assert february["contacted_entries"].isna().all()


def test_the_backtest_is_the_bank_scopes_only(con, rm_case: dict) -> None:
    """The back-test is bank-wide per market and band: the bank scope gets the mart's rows
    and the lost share by band over the complete months; a branch or an RM gets nothing."""
    mart = con.execute("select market_class, churn_risk_band, flagged_customers, "
                       "lost_customers, lost_share, is_horizon_complete from "
                       "marts.mart_early_warning_backtest where period_month = ?",
                       [LATEST]).fetchall()
    bank = queries.backtest(con, Scope.bank(), Filters(LATEST))
    got = [(r.market_class, r.churn_risk_band, r.flagged_customers,
            None if pd.isna(r.lost_customers) else r.lost_customers,
            None if pd.isna(r.lost_share) else r.lost_share, r.is_horizon_complete)
           for r in bank.itertuples()]
    assert sorted(got) == sorted(mart) and len(mart) > 0
    assert not any(r[5] for r in mart), "February's horizon is not complete"
    for market in (None, "retail"):
        f = Filters(LATEST, market=market)
        where = "" if market is None else "and market_class = 'retail'"
        expected = {(m, b): (int(n), int(lost)) for m, b, n, lost in con.execute(
            "select period_month, churn_risk_band, sum(flagged_customers), sum(lost_customers) "
            "from marts.mart_early_warning_backtest where is_horizon_complete and "
            f"period_month <= ? {where} group by all", [LATEST]).fetchall()}
        trend = queries.backtest_trend(con, Scope.bank(), f)
        assert {(r.period_month, r.churn_risk_band): (r.flagged_customers, r.lost_customers)
                for r in trend.itertuples()} == expected and len(expected) > 1
        for r in trend.itertuples():
            assert r.lost_share == pytest.approx(r.lost_customers / r.flagged_customers)
    for scope, _, _ in _scopes(rm_case)[1:]:
        assert queries.backtest(con, scope, Filters(LATEST)).empty, scope
        assert queries.backtest_trend(con, scope, Filters(LATEST)).empty, scope


def test_cross_sell_is_the_scopes_customer_months_only(con) -> None:
    # a branch whose recommendations in LATEST go to customers of two RMs or more, and one
    # of those RMs
    branch, rm = con.execute(
        "select branch_id, min(rm_id) from marts.mart_cross_sell where period_month = ? "
        "group by 1 having count(distinct coalesce(rm_id, '-')) > 1 order by 1 limit 1",
        [LATEST]).fetchone()

    def mart(customer: str, period: date = LATEST) -> list[tuple]:
        return con.execute("select recommendation_rank, product_family, "
                           "product_family_label_zh, peer_holding_rate from marts.mart_cross_sell "
                           "where customer_id = ? and period_month = ? order by 1",
                           [customer, period]).fetchall()

    def shown(scope: Scope, customer: str, period: date = LATEST) -> list[tuple]:
        df = queries.cross_sell_recommendations(con, scope, customer, period)
        return [tuple(r) for r in df[["recommendation_rank", "product_family", "family_label",
                                      "peer_holding_rate"]].itertuples(index=False)]

    def one(where: str, params: list) -> str:
        found = con.execute("select min(customer_id) from marts.mart_cross_sell where "
                            f"period_month = ? and {where}", [LATEST, *params]).fetchone()[0]
        assert found is not None, where
        return found

    foreign = one("branch_id != ?", [branch])
    in_branch_other_rm = one("branch_id = ? and rm_id is distinct from ?", [branch, rm])
    own = one("rm_id = ?", [rm])
    assert shown(Scope.bank(), foreign) == mart(foreign) != []
    assert shown(Scope.branch(branch), foreign) == []
    assert shown(Scope.branch(branch), in_branch_other_rm) == mart(in_branch_other_rm)
    assert shown(Scope.rm(rm), in_branch_other_rm) == []
    assert shown(Scope.rm(rm), own) == mart(own) != []
    assert queries.customer_history(con, Scope.branch(branch), foreign).empty
    earlier = con.execute(
        "select c.customer_id, c.period_month from marts.mart_cross_sell as c where c.rm_id = ? "
        "and c.period_month < ? and exists (select 1 from marts.fct_customer_segment as s "
        "where s.customer_id = c.customer_id and s.period_month = ? and s.rm_id is distinct "
        "from ?) order by 1, 2 limit 1", [rm, LATEST, LATEST, rm]).fetchone()
    if earlier:  # owned then, not now: the recommendations of the month in the book only
        assert shown(Scope.rm(rm), *earlier) == mart(*earlier) != []
        assert shown(Scope.rm(rm), earlier[0]) == []


def test_downloads_hold_the_scope_only_as_csv_and_excel(con, tmp_path: Path,
                                                       served: Served) -> None:
    list_code, rm = con.execute(
        "select list_code, rm_id from marts.mart_rm_worklist where period_month = ? and "
        "rm_id is not null group by all order by count(*) desc, 1, 2 limit 1", [LATEST]
    ).fetchone()
    scope = Scope.rm(rm)
    columns = [downloads.Column("period_month", "期间", "date"),
               *worklist_columns(list_spec(list_code))]
    bank = queries.worklist_rows(con, Scope.bank(), Filters(LATEST), list_code, limit=None)
    log = AccessLog(tmp_path / "access.jsonl")
    viewer = Viewer("rm.user", "客户经理", scope, "password")
    built = [downloads._builder(
        lambda c: queries.worklist_rows(c, scope, Filters(LATEST), list_code, limit=None),
        columns, file_format, "清单", list_code, "2025-02", viewer,
        served.serving_path, log)() for file_format in ("csv", "xlsx")]
    csv_bytes, xlsx_bytes = built
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype={"客户经理编号": str})
    assert list(frame.columns) == [c.heading for c in columns]
    assert "月日均金融资产（元）" in frame.columns
    assert len(frame) > 0 and set(frame["客户经理编号"]) == {rm}
    assert len(frame) < len(bank)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.heading for c in columns] and len(rows) == len(frame) + 1
    aum = [c.heading for c in columns].index("月日均金融资产（元）")
    assert all(isinstance(r[aum], float | int) for r in rows[1:])  # numbers, not text
    events = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert [(e["action"], e["list_code"], e["rows"], e["format"], e["scope_id"])
            for e in events] == [("download", list_code, len(frame), "csv", rm),
                                 ("download", list_code, len(frame), "xlsx", rm)]


def test_a_text_cell_never_becomes_a_formula() -> None:
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "正常"], "amount": [1.5, None, 3.0]})
    columns = [downloads.Column("name", "名称"), downloads.Column("amount", "金额（元）", "money")]
    text = downloads.to_csv(df, columns).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "1.50" in text
    sheet = openpyxl.load_workbook(io.BytesIO(downloads.to_xlsx(df, columns, "表"))).active
    assert sheet["A2"].value == "=HYPERLINK(\"x\")" and sheet["A2"].data_type == "s"
    assert sheet["B3"].value is None and sheet["B2"].value == 1.5


# --------------------------------------------------------------------------------------
# The pages as three users (AppTest, signed in through the form)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def users_file(tmp_path_factory, rm_case: dict) -> Path:
    path = tmp_path_factory.mktemp("scoped_users") / "users.yaml"
    users: dict = {}
    add_user(users, "rm.user", Scope.rm(rm_case["rm"]), "客户经理", PASSWORD)
    add_user(users, "branch.user", Scope.branch(rm_case["branch"]), "机构负责人", PASSWORD)
    add_user(users, "empty.rm", NOBODY, "无名下客户", PASSWORD)
    write_atomically(path, dump_users(users))
    return path


def _signed_in(served: Served, users_file: Path, tmp_path: Path, monkeypatch,
               username: str, customer: str | None = None) -> AppTest:
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(served.serving_path))
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "users")
    monkeypatch.setenv("BANK_TIERING_USERS", str(users_file))
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(tmp_path / "access.jsonl"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    if customer:
        at.query_params["customer"] = customer
    at.run()
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "分层总览", [e.value for e in at.error]
    return at


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _bands_shown_are(at: AppTest, served: Served, where: str, params: list) -> None:
    """The 流失预警 page's band metrics are the scope's customers of LATEST per band."""
    expected = dict(served.query(
        "select l.label_zh || '风险客户', count(s.customer_id) from parameters.code_labels as l "
        "left join marts.fct_customer_segment as s on s.churn_risk_band = l.code and "
        f"s.period_month = ? and {where} where l.code_set = 'churn_risk_band' group by 1",
        [LATEST, *params]))
    metrics = {m.label: m.value for m in at.metric}
    assert {k: metrics[k] for k in expected} == {k: f"{fmt.count(v)}户"
                                                for k, v in expected.items()}
    assert sum(expected.values()) > 0


def test_an_rm_sees_only_the_book(served: Served, users_file: Path, tmp_path: Path,
                                  monkeypatch, rm_case: dict) -> None:
    rm = rm_case["rm"]
    n, aum = served.query("select count(*), sum(avg_aum) from "
                                    "marts.fct_customer_segment where period_month = ? and "
                                    "rm_id = ?", [LATEST, rm])[0]
    at = _signed_in(served, users_file, tmp_path, monkeypatch, "rm.user",
                    customer=rm_case["other"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["客户数"] == f"{fmt.count(n)}户"
    assert metrics["金融资产（月日均）"] == fmt.amount(aum)
    _page(at, "books")
    assert {m.label: m.value for m in at.metric}["名下客户数"] == f"{fmt.count(n)}户"
    assert len(at.table[0].value) == n
    _page(at, "worklist")
    lists = dict(served.query("select label_zh, code from parameters.code_labels "
                              "where code_set = 'worklist'"))
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == set(lists)  # the list sizes; no outcome figure for an RM
    for label, value in metrics.items():
        expected = served.query(
            "select count(*) from marts.mart_rm_worklist where period_month = ? and "
            "list_code = ? and rm_id = ?", [LATEST, lists[label], rm])[0][0]
        assert value == f"{fmt.count(expected)}户", label
    assert OUTCOMES_REFUSED_ZH in [c.value for c in at.caption]
    _page(at, "early_warning")
    _bands_shown_are(at, served, "rm_id = ?", [rm])
    assert BACKTEST_REFUSED_ZH in [i.value for i in at.info]
    assert not any("预警客户（户）" in t.value.columns for t in at.table)
    assert len(at.get("vega_lite_chart")) == 1  # the bands' chart; no back-test trend
    _page(at, "customer")  # the deep link (?customer=) of another RM's customer
    assert at.text_input[0].value == rm_case["other"]
    assert at.error[0].value.startswith("无权查看该客户")
    assert not at.metric and not at.table and not at.subheader
    assert not any("最近联系" in m.value for m in at.markdown)
    events = [json.loads(line) for line in (tmp_path / "access.jsonl").read_text().splitlines()]
    assert [(e["action"], e["username"]) for e in events] == [
        ("sign_in", "rm.user"), ("customer_refused", "rm.user")]
    assert events[1]["customer_id"] == rm_case["other"] and events[1]["rows"] == 0


def test_a_branch_user_sees_only_the_branch(served: Served, users_file: Path,
                                           tmp_path: Path, monkeypatch, rm_case: dict) -> None:
    branch = rm_case["branch"]
    at = _signed_in(served, users_file, tmp_path, monkeypatch, "branch.user")
    box = next(s for s in at.selectbox if s.label == "机构")
    assert box.options == [branch]
    n, = served.query("select count(*) from marts.fct_customer_segment where "
                                "period_month = ? and branch_id = ?", [LATEST, branch])[0]
    assert {m.label: m.value for m in at.metric}["客户数"] == f"{fmt.count(n)}户"
    _page(at, "books")
    books = at.table[0].value
    assert sum(int(v.replace(",", "")) for v in books["客户数（户）"]) == n
    assert any(rm_case["rm"] in v for v in books["客户经理"])
    _page(at, "worklist")
    next(b for b in at.selectbox if b.key == "worklist_list").set_value("handover").run()
    entries = served.query("select entries from marts.mart_worklist_outcomes where "
                           "period_month = ? and list_code = 'handover' and branch_id = ?",
                           [LATEST, branch])
    assert {m.label: m.value for m in at.metric}["入选客户"] == (
        f"{fmt.count(entries[0][0])}户" if entries else None)
    _page(at, "early_warning")
    _bands_shown_are(at, served, "branch_id = ?", [branch])
    assert BACKTEST_REFUSED_ZH in [i.value for i in at.info]
    assert not any("预警客户（户）" in t.value.columns for t in at.table)
    _page(at, "customer")
    at.text_input[0].input(rm_case["other"]).run()  # same branch, another RM: visible
    assert not at.error and at.metric
    assert any(s.value == "推荐产品（交叉销售）" for s in at.subheader)
    foreign, = served.query("select customer_id from marts.fct_customer_segment "
                                      "where branch_id != ? limit 1", [branch])[0]
    at.text_input[0].input(foreign).run()
    assert at.error[0].value.startswith("无权查看该客户") and not at.metric


def test_a_link_to_another_branchs_customer_shows_nothing_of_it(
        served: Served, users_file: Path, tmp_path: Path, monkeypatch, rm_case: dict) -> None:
    """?customer= of a customer of another branch who has recommendations, churn points and
    contacts: refused, and none of the customer page's parts is drawn (§15)."""
    foreign, = served.query(
        "select min(c.customer_id) from marts.mart_cross_sell as c join "
        "marts.fct_customer_segment as s using (customer_id, period_month) where "
        "c.period_month = ? and c.branch_id != ? and s.last_contact_date is not null",
        [LATEST, rm_case["branch"]])[0]
    assert foreign is not None
    at = _signed_in(served, users_file, tmp_path, monkeypatch, "branch.user", customer=foreign)
    _page(at, "customer")
    assert at.text_input[0].value == foreign
    assert at.error[0].value.startswith("无权查看该客户")
    assert not at.metric and not at.table and not at.subheader
    assert not [m.value for m in at.markdown if "最近联系" in m.value or "客户经理" in m.value]
    events = [json.loads(line) for line in (tmp_path / "access.jsonl").read_text().splitlines()]
    assert [(e["action"], e.get("customer_id"), e.get("rows")) for e in events][-1] == (
        "customer_refused", foreign, 0)


def test_an_empty_scope_shows_no_figure_on_any_page(served: Served, users_file: Path,
                                                    tmp_path: Path, monkeypatch) -> None:
    at = _signed_in(served, users_file, tmp_path, monkeypatch, "empty.rm",
                    customer=_TOP[0] if _TOP else None)
    for spec in PAGES:
        at.switch_page(spec.view).run()
        assert not at.exception, at.exception
        assert not at.metric and not at.table and not at.get("vega_lite_chart"), spec.title
        assert "权限范围" in at.warning[0].value, spec.title
