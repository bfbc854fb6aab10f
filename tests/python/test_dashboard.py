"""Every dashboard page's logic with streamlit.testing.v1.AppTest on the served sample, as
the bank scope (local analysis mode, BANK_TIERING_DASHBOARD_AUTH=none): the numbers equal
the marts', and the filters change them as they should. The worklist and customer pages
show mart_rm_worklist and the tier governance of fct_customer_segment (METHODOLOGY.md
§10–11); flows with their split, 趋势 and 客群画像 equal mart_tier_flows, the facts' sums and
mart_segment_profile; a serving file without that contract gets one clear message. What a
person reads is tested on every page: the market by its Chinese label in every caption,
a unit in every numeric heading (money in the unit its values call for), no -0.00, no table
name or English word; worklists page through every row; the customer picker ignores case
and width and keeps the choice. Sign-in and the narrower scopes: test_dashboard_access.py
and test_dashboard_scopes.py; what only a browser shows: test_dashboard_browser.py."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Served
from streamlit.testing.v1 import AppTest

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.governance import override_text, watch_notice, watch_text
from bank_tiering.dashboard.pages import PAGES
from bank_tiering.dashboard.worklists import list_spec
from bank_tiering.serving import publish

APP = Path(fmt.__file__).with_name("app.py")


@pytest.fixture
def sample(served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Served:
    """The served sample, the dashboard in local analysis mode (bank scope, no sign-in)."""
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(tmp_path / "access.jsonl"))
    return served


def _app(path: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _select(at: AppTest, label: str, value: object) -> AppTest:
    box = next(s for s in at.selectbox if s.label == label)
    box.set_value(value).run()
    assert not at.exception, at.exception
    return at


def _one(path: Path, sql: str, params: list | None = None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()


def _all(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _warnings(at: AppTest) -> list[str]:
    """The page's warnings, without the banner of local analysis mode."""
    return [w.value for w in at.warning if "单机分析模式" not in w.value]


def _table(at: AppTest, index: int = 0):
    return at.table[index].value


def _table_with(at: AppTest, heading: str):
    """The first table with a column ``heading`` (or ``heading（unit）``)."""
    return next(t.value for t in at.table if any(
        c == heading or c.startswith(f"{heading}（") for c in t.value.columns))


MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
UNIT = re.compile(r"（([^（）]+)）$")


def _count(text: str) -> int:
    """"1,234户" or "1,234" -> 1234."""
    return int(text.replace(",", "").removesuffix("户"))


def _counts(values) -> list[int]:
    return [_count(v) for v in values]


def _column(table, heading: str) -> tuple[str, list]:
    """The column whose heading is ``heading`` with a unit: (unit, cells)."""
    found = [c for c in table.columns if c.startswith(f"{heading}（") and UNIT.search(c)]
    assert len(found) == 1, (heading, list(table.columns))
    return UNIT.search(found[0]).group(1), list(table[found[0]])


def _money(table, heading: str) -> tuple[float, list[float | None]]:
    """A money column: the factor of its unit and the cells back in 元 (None for "—")."""
    unit, cells = _column(table, heading)
    factor = MONEY[unit]
    return factor, [None if c == "—" else float(c.replace(",", "")) * factor for c in cells]


def _same_money(table, heading: str, expected: list) -> None:
    """The column shows ``expected`` (元) with two decimals in its unit."""
    factor, got = _money(table, heading)
    assert len(got) == len(expected), heading
    for shown, value in zip(got, expected, strict=True):
        assert (shown is None) == (value is None), (heading, shown, value)
        if value is not None:
            assert abs(shown - float(value)) <= 0.0051 * factor, (heading, shown, value)


LATEST = "2025-02-01"


# --------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------


def test_overview_totals_equal_the_mart_and_follow_the_filters(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch)
    n, aum, contribution, on_watch, overridden, differs = _one(
        sample.serving_path, "select count(*), sum(avg_aum), sum(contribution), "
        "count(*) filter (where is_on_watch), count(*) filter (where override_id is not null), "
        "count(*) filter (where service_tier_code != tier_code) "
        "from marts.fct_customer_segment where period_month = ?", [LATEST])
    assert overridden > 0 and on_watch > 0, "the sample's latest period has both"
    assert _metrics(at) == {"客户数": f"{fmt.count(n)}户", "金融资产（月日均）": fmt.amount(aum),
                            "利润贡献度": fmt.amount(contribution),
                            "保级关注": f"{fmt.count(on_watch)}户",
                            "人工调整": f"{fmt.count(overridden)}户",
                            "服务等级≠评定分层": f"{fmt.count(differs)}户"}
    assert [t for t in at.title][0].value == "分层总览"
    tiers = set(_table(at, 0)["分层"])
    assert "低价值客户" in tiers and "高净值客户" in tiers

    _select(at, "市场", "retail")
    retail, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment "
                   "where period_month = ? and market_class = 'retail'", [LATEST])
    assert _metrics(at)["客户数"] == f"{fmt.count(retail)}户" != f"{fmt.count(n)}户"
    assert len(at.table) == 1  # one pyramid table: the retail market only
    table = _table(at, 0)
    assert sum(_counts(table["客户数（户）"])) == retail

    branch, count = _one(sample.serving_path, "select branch_id, count(*) from "
                         "marts.fct_customer_segment where period_month = ? and "
                         "market_class = 'retail' group by 1 order by 2 desc limit 1", [LATEST])
    _select(at, "机构", branch)
    assert _metrics(at)["客户数"] == f"{fmt.count(count)}户"

    _select(at, "期间", next(iter(_one(sample.serving_path, "select min(period_month) "
                                       "from marts.fct_customer_segment"))))
    first, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment where "
                  "period_month = '2024-12-01' and market_class = 'retail' and branch_id = ?",
                  [branch])
    assert _metrics(at)["客户数"] == f"{fmt.count(first)}户"


def test_overview_counts_customers_per_service_tier_beside_the_assessed(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch)
    rows = sample.query(
        """
        with s as (select * from marts.fct_customer_segment where period_month = ?),
        a as (select market_class, tier_label_zh as tier, count(*) as n from s group by all),
        v as (select market_class, service_tier_label_zh as tier, count(*) as n,
                  count(*) filter (where is_on_watch) as w,
                  count(*) filter (where override_id is not null) as o from s group by all)
        select market_class, tier, coalesce(a.n, 0), coalesce(v.n, 0),
            coalesce(v.w, 0) || ' / ' || coalesce(v.o, 0)
        from a full join v using (market_class, tier)
        """, [LATEST])
    expected: dict[str, dict[str, tuple]] = {}
    for market, tier, *values in rows:
        expected.setdefault(market, {})[tier] = tuple(values)
    markets = [m for m in ("retail", "corporate", "institution") if m in expected]
    assert len(at.table) == len(markets)  # one table per market, in the methodology's order
    for market, table in zip(markets, (t.value for t in at.table), strict=True):
        got = {tier: (_count(n), _count(service), f"{_count(w)} / {_count(o)}")
               for tier, n, service, w, o in zip(table["分层"], table["客户数（户）"],
                                                 table["服务等级户数（户）"],
                                                 table["其中保级关注（户）"],
                                                 table["其中人工调整（户）"], strict=True)}
        assert got == expected[market], market
    assert any(n != service for tiers in expected.values() for n, service, _ in tiers.values())


def test_filters_survive_switching_pages(sample: Served,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch)
    _select(at, "市场", "corporate")
    at.switch_page("views/pareto.py").run()
    corporate, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment "
                      "where period_month = ? and market_class = 'corporate'", [LATEST])
    assert _metrics(at)["客户数"] == f"{fmt.count(corporate)}户"


def test_a_newly_published_file_is_seen_on_the_next_run(
        sample: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "build.duckdb"
    serving = tmp_path / "serving" / "warehouse.duckdb"
    shutil.copyfile(sample.build_path, build)
    publish(build, serving)
    at = _app(serving, monkeypatch)
    before = _metrics(at)["客户数"]
    with duckdb.connect(str(build)) as con:
        con.execute("delete from marts.fct_customer_segment where period_month = ? and "
                    "market_class = 'retail'", [LATEST])
    publish(build, serving)
    at.run()
    assert _metrics(at)["客户数"] != before


def test_missing_serving_file_says_how_to_publish(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(tmp_path / "access.jsonl"))
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "make run" in at.error[0].value


# --------------------------------------------------------------------------------------
# Value quadrants
# --------------------------------------------------------------------------------------


def test_quadrant_page_draws_the_group_median_and_the_value_line(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "quadrants")
    group = next(s for s in at.selectbox if s.key == "quadrant_group")
    assert group.value == ("retail", "mass")  # the largest group first
    group.set_value(("retail", "high_net_worth")).run()
    high, = sample.query("select count(*) from marts.fct_customer_segment where "
                         "period_month = ? and tier_code = 'high_net_worth'", [LATEST])[0]
    assert _metrics(at)["组内客户数"] == f"{fmt.count(high)}户"
    group.set_value(("retail", "mass")).run()
    n, median = _one(sample.serving_path, "select count(*), max(contribution_group_median) "
                     "from marts.fct_customer_segment where period_month = ? and "
                     "market_class = 'retail' and tier_code = 'mass'", [LATEST])
    assert _metrics(at) == {"组内客户数": f"{fmt.count(n)}户",
                            "组中位数贡献度": fmt.amount(median), "银行价值高线": "60分"}
    expected = dict(sample.query(
        "select value_quadrant_label_zh, count(*) from marts.fct_customer_segment where "
        "period_month = ? and market_class = 'retail' and tier_code = 'mass' group by 1",
        [LATEST]))
    table = _table(at, 0)
    got = dict(zip(table["价值象限"], _counts(table["客户数（户）"]), strict=True))
    assert got == expected and len(got) == 4
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"strokeDash"' in spec and "bank_value_score" in spec

    _select(at, "机构", sample.query("select branch_id from marts.fct_customer_segment "
                                     "where period_month = ? and tier_code = 'mass' group by 1 "
                                     "order by count(*) desc limit 1", [LATEST])[0][0])
    assert _count(_metrics(at)["组内客户数"]) < n


# --------------------------------------------------------------------------------------
# Tier flows
# --------------------------------------------------------------------------------------


LOST = "流失客户 = 降级 + 升级 + 离开（户）"
GAINED = "新增客户 = 新客户 + 升级转入 + 降级转入（户）"


def _split(cell: str) -> tuple[int, ...]:
    """"12 = 9 + 1 + 2" -> (12, 9, 1, 2), and the parts add up."""
    total, parts = cell.split(" = ")
    values = (_count(total), *(_count(v) for v in parts.split(" + ")))
    assert values[0] == sum(values[1:]), cell
    return values


def test_flow_tables_equal_mart_tier_flows_with_the_split(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "flows")
    for flow_type, customers, amounts in (("mom", _table(at, 0), _table(at, 1)),
                                          ("ytd", _table(at, 2), _table(at, 3))):
        rows = sample.query(
            "select market_class_label_zh, tier_label_zh, start_customers, retained_customers, "
            "lost_customers, lost_downgraded_customers, lost_upgraded_customers, "
            "lost_left_customers, gained_customers, gained_new_customers, "
            "gained_upgraded_customers, gained_downgraded_customers, end_customers, "
            "start_aum, lost_start_aum, gained_end_aum, end_aum, end_aum - start_aum "
            "from marts.mart_tier_flows where flow_type = ? and period_month = ? "
            "order by market_class_label_zh, tier_label_zh", [flow_type, LATEST])
        got = {(m, t): (_count(a), _count(b), *_split(lost), *_split(gained), _count(e))
               for m, t, a, b, lost, gained, e in zip(
                   customers["市场"], customers["分层"], customers["期初客户（户）"],
                   customers["保留客户（户）"], customers[LOST], customers[GAINED],
                   customers["期末客户（户）"], strict=True)}
        assert len(got) == len(rows) == len(customers) == len(amounts)
        for market, tier, *values in rows:
            assert got[(market, tier)] == tuple(values[:11]), (flow_type, market, tier)
        assert any(v[3] + v[4] + v[7] + v[8] for v in got.values()), "the sample has moves"
        order = sorted(range(len(amounts)), key=lambda i: (amounts["市场"][i],
                                                           amounts["分层"][i]))
        for heading, position in (("期初金融资产", 13), ("流失客户期初金融资产", 14),
                                  ("新增客户期末金融资产", 15), ("期末金融资产", 16),
                                  ("金融资产净增", 17)):
            factor, shown = _money(amounts, heading)
            for i, row in zip(order, rows, strict=True):
                assert abs(shown[i] - float(row[position])) <= 0.0051 * factor, heading
        assert "-0.00" not in " ".join(" ".join(amounts[c]) for c in amounts.columns)

    # a branch filter: the flows of that branch's customers (the rule over its rows)
    branch, = sample.query("select branch_id from marts.fct_customer_segment group by 1 "
                           "order by count(*) desc, 1 limit 1")[0]
    _select(at, "机构", branch)
    start, end = sample.query(
        "select count(*) filter (where period_month = '2025-01-01'), "
        "count(*) filter (where period_month = ?) from marts.fct_customer_segment "
        "where branch_id = ?", [LATEST, branch])[0]
    mom = _table(at, 0)
    assert sum(_counts(mom["期初客户（户）"])) == start
    assert sum(_counts(mom["期末客户（户）"])) == end
    assert end < sample.query("select count(*) from marts.fct_customer_segment "
                              "where period_month = ?", [LATEST])[0][0]
    _select(at, "机构", "全部机构")
    _select(at, "市场", "institution")
    assert set(_table(at, 0)["市场"]) == {"机构客户市场"}
    _select(at, "期间", sample.query("select min(period_month) from marts.mart_tier_flows")
            [0][0].replace(month=12, year=2024))
    assert any("没有可比的基期" in i.value for i in at.info)


# --------------------------------------------------------------------------------------
# Pareto
# --------------------------------------------------------------------------------------


def test_pareto_figures_equal_the_mart_per_market(sample: Served,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "pareto")
    assert len(_table(at, 0)["市场"]) == 3
    for market, top, share in sample.query(
            "select market_class, top_customers_contribution_share, customer_share_for_target "
            "from marts.mart_contribution_pareto where period_month = ?", [LATEST]):
        _select(at, "市场", market)
        metrics = _metrics(at)
        assert metrics["前20%客户贡献占比"] == fmt.share(top), market
        assert metrics["贡献80%所需客户占比"] == fmt.share(share), market
    curve_metric = _metrics(at)["客户数"]
    _select(at, "机构", sample.query("select min(branch_id) from marts.fct_customer_segment "
                                     "where market_class = 'institution'")[0][0])
    assert _metrics(at)["客户数"] != curve_metric


def test_pareto_says_that_losses_pull_the_net_total_down(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """A top-20 % share above 100 % is explained (the loss-making customers, how many and
    how much), and the table's headings name 20 % and 80 %."""
    at = _app(sample.serving_path, monkeypatch, "pareto")
    top, losers, loss = sample.query(
        "select (select top_customers_contribution_share from marts.mart_contribution_pareto "
        "where period_month = ? and market_class = 'retail'), count(*), sum(contribution) "
        "from marts.fct_customer_segment where period_month = ? and contribution < 0",
        [LATEST, LATEST])[0]
    _select(at, "市场", "retail")
    retail_losers, retail_loss = sample.query(
        "select count(*), sum(contribution) from marts.fct_customer_segment "
        "where period_month = ? and contribution < 0 and market_class = 'retail'", [LATEST])[0]
    assert top > 1, "the sample's retail top 20 % earn more than the net total"
    assert _metrics(at)["前20%客户贡献占比"] == fmt.share(top)
    assert _metrics(at)["亏损客户"] == f"{fmt.count(retail_losers)}户"
    note, = [i.value for i in at.info]
    assert f"{fmt.count(retail_losers)} 户亏损客户" in note and fmt.amount(retail_loss) in note
    assert "拉低了净贡献度" in note and "高于100%" in note
    headings = list(_table(at, 0).columns)
    assert {"前20%客户数（户）", "前20%客户贡献占比（%）", "贡献80%所需客户数（户）",
            "贡献80%所需客户占比（%）", "亏损客户数（户）"} <= set(headings)
    assert not {"前列客户数", "达标所需客户数"} & set(headings)
    _select(at, "市场", "全部市场")
    assert _metrics(at)["亏损客户"] == f"{fmt.count(losers)}户"
    assert fmt.amount(loss) in at.info[0].value


# --------------------------------------------------------------------------------------
# Worklists and the customer page
# --------------------------------------------------------------------------------------


def _list_metrics(at: AppTest) -> dict[str, int]:
    """The worklist page's list sizes: its metrics named after a list of its picker (the
    outcome figures of the chosen list aside)."""
    labels = set(next(s for s in at.selectbox if s.key == "worklist_list").options)
    return {k: _count(v) for k, v in _metrics(at).items() if k in labels}


def _worklist_sizes(sample: Served, where: str = "", params: tuple = ()) -> dict[str, int]:
    """Customers per list label of mart_rm_worklist at LATEST (every list, 0 when empty)."""
    return dict(sample.query(
        "select l.label_zh, count(w.customer_id) from parameters.code_labels as l "
        "left join marts.mart_rm_worklist as w on w.list_code = l.code "
        f"and w.period_month = ? {where} where l.code_set = 'worklist' group by 1",
        [LATEST, *params]))


def test_worklist_counts_equal_the_mart_and_follow_the_filters(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "worklist")
    every = _worklist_sizes(sample)
    assert len(every) >= 6 and sum(every.values()) > 0  # §11's five lists and §14's handover
    assert _list_metrics(at) == every

    retail = _worklist_sizes(sample, "and w.market_class = 'retail'")
    assert retail != every  # the sample has corporate rows too: the filter must matter
    _select(at, "市场", "retail")
    assert _list_metrics(at) == retail

    branch, = sample.query("select branch_id from marts.mart_rm_worklist where period_month = ? "
                           "and market_class = 'retail' and list_code = 'near_upgrade' "
                           "group by 1 order by count(*) desc, 1 limit 1", [LATEST])[0]
    _select(at, "机构", branch)
    in_branch = _worklist_sizes(sample, "and w.market_class = 'retail' and w.branch_id = ?",
                                (branch,))
    assert in_branch != retail
    assert _list_metrics(at) == in_branch
    assert set(_table(at, 0)["机构"]) == {branch}


def test_worklist_rows_equal_the_mart_with_priority_per_branch(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "worklist")
    lists = sample.query("select code, label_zh from parameters.code_labels "
                         "where code_set = 'worklist' order by sort_order")
    box = next(s for s in at.selectbox if s.key == "worklist_list")
    assert box.options == [label for _, label in lists]
    shown = 0
    for code, label in lists:
        box.set_value(code).run()
        assert not at.exception, at.exception
        expected = sample.query(
            "select w.branch_id, w.priority, w.customer_id, w.avg_aum, w.reference_value, "
            "w.gap, w.months_below, w.grace_months_left, w.rm_id, m.rm_name, "
            "w.rm_status_label_zh from marts.mart_rm_worklist as w "
            "left join marts.dim_relationship_manager as m using (rm_id) "
            "where w.period_month = ? and w.list_code = ? order by w.branch_id, w.priority",
            [LATEST, code])
        assert at.subheader[0].value == f"{label}（{len(expected)}户）"
        if not expected:
            assert "没有这类客户" in at.info[0].value
            continue
        table = _table(at, 0)
        spec = list_spec(code)
        assert list(zip(table["机构"], _counts(table["优先级（位）"]), table["客户号"],
                        table["客户经理"], table["客户经理状态"], strict=True)) == [
            (b, p, c, fmt.owner(rm, name), status)
            for b, p, c, _, _, _, _, _, rm, name, status in expected], code
        _same_money(table, "月日均金融资产", [r[3] for r in expected])
        if spec.unit == "money":
            _same_money(table, spec.reference, [r[4] for r in expected])
            _same_money(table, spec.gap, [r[5] for r in expected])
        else:
            unit, digits = {"days": ("天", 0), "score": ("分", 2)}[spec.unit]
            assert list(table[f"{spec.reference}（{unit}）"]) == [
                fmt.scaled(r[4], digits=digits) for r in expected], code
            if spec.gap:
                assert list(table[f"{spec.gap}（{unit}）"]) == [
                    fmt.scaled(r[5], digits=digits, empty=spec.gap_empty)
                    for r in expected], code
            else:  # no gap column (流失高风险客户: the score is the reference)
                assert all(r[5] is None for r in expected), code
        if "本月后剩余保级（个月）" in table.columns:
            assert list(table["连续低于分层线（个月）"]) == [fmt.count(r[6]) or "—"
                                                           for r in expected]
            assert list(table["本月后剩余保级（个月）"]) == [fmt.count(r[7]) or "—"
                                                           for r in expected]
        else:  # the watch columns only where a row has them
            assert all(not r[6] and r[7] is None for r in expected), code
        for branch, priorities in table.groupby("机构", sort=False)["优先级（位）"]:
            assert _counts(priorities) == list(range(1, len(priorities) + 1)), (code, branch)
        shown += len(table)
    assert shown == sum(_worklist_sizes(sample).values())


def test_worklist_tables_page_through_every_row_with_the_count(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """No row is cut off: a list longer than a page is shown a page at a time (pages of 5
    here; 100 on the dashboard), the count named; the pages together are the list."""
    from bank_tiering.dashboard import common

    monkeypatch.setattr(common, "PAGE_SIZE", 5)
    code, n = sample.query("select list_code, count(*) from marts.mart_rm_worklist where "
                           "period_month = ? group by 1 order by 2 desc, 1 limit 1",
                           [LATEST])[0]
    assert n > 10, "the sample's longest list spans three pages of five"
    expected = [c for (c,) in sample.query(
        "select customer_id from marts.mart_rm_worklist where period_month = ? and "
        "list_code = ? order by branch_id, priority, customer_id", [LATEST, code])]
    at = _app(sample.serving_path, monkeypatch, "worklist")
    next(s for s in at.selectbox if s.key == "worklist_list").set_value(code).run()
    pages = -(-n // 5)
    pager = at.number_input(key=f"worklist_page_{code}")
    assert pager.label == f"页码（共 {pages} 页，每页 5 户）"
    seen = []
    for number in range(1, pages + 1):
        pager.set_value(number).run()
        assert not at.exception, at.exception
        rows = list(_table(at, 0)["客户号"])
        first, last = (number - 1) * 5 + 1, min(number * 5, n)
        assert len(rows) == last - first + 1
        assert any(c.value.startswith(f"显示第 {first}–{last} 户，共 {n} 户") for c in at.caption)
        seen += rows
    assert seen == expected


# --------------------------------------------------------------------------------------
# Customer page
# --------------------------------------------------------------------------------------


def _customer(sample: Served, monkeypatch: pytest.MonkeyPatch, customer_id: str) -> AppTest:
    at = _app(sample.serving_path, monkeypatch, "customer")
    at.text_input[0].input(customer_id).run()
    assert not at.exception, at.exception
    return at


def _history_matches_the_mart(at: AppTest, sample: Served, customer_id: str) -> None:
    """Both monthly tables show the mart's tiers, watch, override and reasons month by month."""
    rows = sample.query(
        "select strftime(period_month, '%Y-%m'), tier_label_zh, service_tier_label_zh, "
        "is_on_watch, months_below, grace_months_left, override_id, override_reason, "
        "tier_reason_zh, value_quadrant_label_zh, quadrant_reason_zh, avg_aum, contribution "
        "from marts.fct_customer_segment where customer_id = ? order by period_month",
        [customer_id])
    tiers, values = _table_with(at, "服务等级依据"), _table_with(at, "象限理由")
    assert list(tiers["期间"]) == list(values["期间"]) == [r[0] for r in rows]
    assert list(tiers["评定分层"]) == [r[1] for r in rows]
    assert list(tiers["服务等级"]) == [r[2] for r in rows]
    assert list(tiers["保级关注"]) == [watch_text(r[3], r[4], r[5]) or "—" for r in rows]
    assert list(tiers["人工调整"]) == [override_text(r[6], r[7]) or "—" for r in rows]
    assert list(tiers["分层理由"]) == [r[8] for r in rows]
    assert list(values["价值象限"]) == [r[9] for r in rows]
    assert list(values["象限理由"]) == [r[10] for r in rows]
    _same_money(values, "月日均金融资产", [r[11] for r in rows])
    _same_money(values, "利润贡献度", [r[12] for r in rows])


def _chosen(at: AppTest) -> str | None:
    """The customer the picker shows (its selectbox's value)."""
    boxes = [s for s in at.selectbox if s.label.startswith(("客户（", "匹配的客户"))]
    return boxes[0].value if boxes else None


def test_customer_page_defaults_to_the_top_contributor(sample: Served,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "customer")
    top, tier, service, contribution, tier_reason, quadrant_reason = sample.query(
        "select customer_id, tier_label_zh, service_tier_label_zh, contribution, "
        "tier_reason_zh, quadrant_reason_zh from marts.fct_customer_segment "
        "where period_month = ? order by contribution desc, customer_id limit 1", [LATEST])[0]
    assert at.text_input[0].value == "" and _chosen(at) == top
    metrics = _metrics(at)
    assert (metrics["评定分层"], metrics["服务等级"]) == (tier, service)
    assert metrics["利润贡献度"] == fmt.amount(contribution)
    markdown = [m.value for m in at.markdown]
    assert f"**分层理由**：{tier_reason}" in markdown
    assert f"**象限理由**：{quadrant_reason}" in markdown
    rm, name, status = sample.query(
        "select s.rm_id, m.rm_name, s.rm_status_label_zh from marts.fct_customer_segment as s "
        "left join marts.dim_relationship_manager as m using (rm_id) "
        "where s.customer_id = ? and s.period_month = ?", [top, LATEST])[0]
    assert f"**客户经理**：{fmt.owner(rm, name)}" + (f" · {status}" if rm else "") in markdown
    breakdown = _table_with(at, "项目")
    assert breakdown["项目"].iloc[-1] == "利润贡献度"
    factor, amounts = _money(breakdown, "金额")
    assert abs(amounts[-1] - float(contribution)) <= 0.0051 * factor
    _history_matches_the_mart(at, sample, top)

    _select(at, "期间", date(2025, 1, 1))
    january_tier, january_reason = sample.query(
        "select tier_label_zh, tier_reason_zh from marts.fct_customer_segment "
        "where customer_id = ? and period_month = '2025-01-01'", [top])[0]
    assert _chosen(at) == top  # the customer picked stays when the period changes
    assert at.subheader[0].value.endswith("2025年01月")
    assert _metrics(at)["评定分层"] == january_tier
    assert f"**分层理由**：{january_reason}" in [m.value for m in at.markdown]
    assert not any("没有数据" in c.value for c in at.caption)

    at.text_input[0].input("C9999999").run()
    assert at.error[0].value.startswith("无权查看该客户") and not at.metric


def test_customer_picker_searches_as_you_type_and_keeps_the_choice(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case and full-width characters do not matter; a part of an id offers the matches;
    emptying the box offers the top contributors again (never "没有客户"); the text and the
    customer survive switching pages."""
    ids = [c for (c,) in sample.query("select customer_id from marts.fct_customer_segment "
                                      "where period_month = ? order by 1", [LATEST])]
    target = ids[len(ids) // 2]
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in target.lower())
    at = _app(sample.serving_path, monkeypatch, "customer")
    for typed in (target.lower(), full_width):
        at.text_input[0].input(typed).run()
        assert not at.error, [e.value for e in at.error]
        assert _chosen(at) == target and at.subheader[0].value.startswith(target), typed
    part = target[-3:]
    at.text_input[0].input(part).run()
    matching = [c for c in ids if part in c]
    box = next(s for s in at.selectbox if s.label.startswith("匹配的客户"))
    assert box.label == f"匹配的客户（{len(matching)}户）"
    assert [o.split(" · ")[0] for o in box.options] == sorted(matching)
    assert all(" · 机构 " in o for o in box.options)  # id, market, tier and branch only
    other = next(c for c in matching if c != target) if len(matching) > 1 else target
    box.set_value(other).run()
    assert at.subheader[0].value.startswith(other)

    at.switch_page("views/overview.py").run()
    at.switch_page("views/customer.py").run()
    assert at.text_input[0].value == part and _chosen(at) == other

    at.text_input[0].input("").run()
    assert not [i.value for i in at.info if "没有客户" in i.value]
    assert _chosen(at) == other and at.metric  # the customer picked stays offered
    box = next(s for s in at.selectbox if s.label.startswith("客户（"))
    top = sample.query("select customer_id from marts.fct_customer_segment where "
                       "period_month = ? order by contribution desc, customer_id limit 1",
                       [LATEST])[0][0]
    assert top in [o.split(" · ")[0] for o in box.options]


def test_customer_page_shows_an_override_in_force(sample: Served,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    customer, override_id, reason, approver, tier, service = sample.query(
        "select customer_id, override_id, override_reason, override_approved_by, "
        "tier_label_zh, service_tier_label_zh from marts.fct_customer_segment "
        "where period_month = ? and override_id is not null and service_tier_code != tier_code "
        "order by customer_id limit 1", [LATEST])[0]
    at = _customer(sample, monkeypatch, customer)
    assert (_metrics(at)["评定分层"], _metrics(at)["服务等级"]) == (tier, service)
    assert at.info[0].value == (f"**人工调整** {override_id}：{reason}（审批人 {approver}）："
                                f"按{service}服务。")
    assert not _warnings(at)
    _history_matches_the_mart(at, sample, customer)


def test_customer_page_shows_watch_and_grace(sample: Served,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    customer, service, below, left = sample.query(
        "select customer_id, service_tier_label_zh, months_below, grace_months_left "
        "from marts.fct_customer_segment where period_month = ? and is_on_watch "
        "order by customer_id limit 1", [LATEST])[0]
    at = _customer(sample, monkeypatch, customer)
    assert _warnings(at)[0] == watch_notice(below, service, left)
    assert _warnings(at)[0] == (
        f"**保级关注**：评定分层已连续 {below} 个月低于服务等级{service}，"
        f"保级期内仍按该等级服务，本月后还可保级 {left} 个月。")
    assert _metrics(at)["服务等级"] == service
    _history_matches_the_mart(at, sample, customer)


def test_customer_link_opens_that_customer(sample: Served,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    customer, = sample.query("select max(customer_id) from marts.fct_customer_segment "
                             "where period_month = ?", [LATEST])[0]
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(sample.serving_path))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["customer"] = customer
    at.run()
    at.switch_page("views/customer.py").run()
    assert not at.exception, at.exception
    assert at.text_input[0].value == customer


def test_customer_page_shows_the_churn_points_the_last_contact_and_the_recommendations(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """§16's points of each indicator with the score and band, net outflow and last
    month's AUM, §18's last contact and §17's recommendations equal the marts; a customer
    never contacted reads 从未联系, one without recommendations says so."""
    customer, = sample.query(
        "select s.customer_id from marts.fct_customer_segment as s where s.period_month = ? "
        "and s.last_contact_date is not null and s.previous_avg_aum > 0 and exists (select 1 "
        "from marts.mart_cross_sell as c where c.customer_id = s.customer_id and "
        "c.period_month = s.period_month) order by s.churn_risk_score desc, s.customer_id "
        "limit 1", [LATEST])[0]
    (score, band, previous, outflow, last, days, *points), = sample.query(
        "select churn_risk_score, churn_risk_band_label_zh, previous_avg_aum, net_outflow, "
        "last_contact_date, days_since_contact, aum_drop_points, outflow_points, "
        "activity_drop_points, low_satisfaction_points, no_owner_points "
        "from marts.fct_customer_segment where customer_id = ? and period_month = ?",
        [customer, LATEST])
    assert score > 0, "the sample's customer has points"
    at = _customer(sample, monkeypatch, customer)
    metrics = _metrics(at)
    assert metrics["流失风险评分"] == f"{fmt.scaled(score)}分"
    assert metrics["流失风险等级"] == band
    assert metrics["上月月日均金融资产"] == fmt.amount(previous)
    assert metrics["本月资金净流出"] == fmt.amount(outflow)
    table = _table_with(at, "指标")
    assert list(table["指标"]) == ["资产下降", "资金净流出", "交易活跃度下降", "满意度偏低",
                                 "无在职客户经理", "合计（流失风险评分）"]
    assert list(table["得分（分）"]) == [fmt.scaled(v) for v in (*points, score)]
    full = [float(v) for (v,) in sample.query(
        "select parameter_value from parameters.scalar_parameters where branch_id = '*' and "
        "parameter_name in ('churn_aum_drop_points', 'churn_outflow_points', "
        "'churn_activity_drop_points', 'churn_low_satisfaction_points', "
        "'churn_no_owner_points') order by case parameter_name when 'churn_aum_drop_points' "
        "then 1 when 'churn_outflow_points' then 2 when 'churn_activity_drop_points' then 3 "
        "when 'churn_low_satisfaction_points' then 4 else 5 end")]
    assert list(table["满分（分）"]) == [fmt.scaled(v, digits=0) for v in (*full, sum(full))]
    assert sum(float(v) for v in table["得分（分）"][:5]) == pytest.approx(float(score), abs=0.011)
    markdown = [m.value for m in at.markdown]
    assert f"**最近联系**：{last:%Y年%m月%d日}（距期末 {days} 天）" in markdown
    offers = _table_with(at, "推荐顺序")
    expected = sample.query(
        "select recommendation_rank, product_family_label_zh, peer_holding_rate from "
        "marts.mart_cross_sell where customer_id = ? and period_month = ? order by 1",
        [customer, LATEST])
    assert list(zip(_counts(offers["推荐顺序（位）"]), offers["产品类别"],
                    offers["同类客户持有率（%）"], strict=True)) == [
        (r, label, fmt.scaled(rate * 100, digits=1)) for r, label, rate in expected]
    months = _table_with(at, "流失风险评分")
    history = sample.query(
        "select churn_risk_score, churn_risk_band_label_zh, days_since_contact from "
        "marts.fct_customer_segment where customer_id = ? order by period_month", [customer])
    assert list(months["流失风险评分（分）"]) == [fmt.scaled(r[0]) for r in history]
    assert list(months["流失风险等级"]) == [r[1] for r in history]
    assert list(months["距上次联系（天）"]) == [fmt.scaled(r[2], digits=0) for r in history]

    never, = sample.query(
        "select s.customer_id from marts.fct_customer_segment as s where s.period_month = ? "
        "and s.last_contact_date is null and not exists (select 1 from marts.mart_cross_sell "
        "as c where c.customer_id = s.customer_id and c.period_month = s.period_month) "
        "order by s.customer_id limit 1", [LATEST])[0]
    at.text_input[0].input(never).run()
    assert not at.exception, at.exception
    assert "**最近联系**：从未联系（截至期末没有联系记录）" in [m.value for m in at.markdown]
    assert any(i.value.startswith("本期没有推荐产品") for i in at.info)
    assert not any("推荐顺序（位）" in t.value.columns for t in at.table)


# --------------------------------------------------------------------------------------
# 流失预警
# --------------------------------------------------------------------------------------


WARNING_LISTS = ("large_outflow", "churn_risk", "win_back")


def _chart_data(at: AppTest, index: int):
    """The data of the page's ``index``-th Altair chart (Arrow, as Streamlit sends it)."""
    import pyarrow as pa

    dataset, = at.get("vega_lite_chart")[index].proto.datasets
    return pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()


def test_early_warning_bands_and_lists_equal_the_marts(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "early_warning")
    assert at.title[0].value == "流失预警"
    bands = dict(sample.query(
        "select l.label_zh || '风险客户', count(s.customer_id) from parameters.code_labels as l "
        "left join marts.fct_customer_segment as s on s.churn_risk_band = l.code and "
        "s.period_month = ? where l.code_set = 'churn_risk_band' group by 1", [LATEST]))
    assert set(bands) == {"高风险客户", "中风险客户", "低风险客户"}
    sizes = _worklist_sizes(sample)
    labels = dict(sample.query("select code, label_zh from parameters.code_labels "
                               "where code_set = 'worklist'"))
    assert _metrics(at) == {**{k: f"{fmt.count(v)}户" for k, v in bands.items()},
                            **{labels[c]: f"{fmt.count(sizes[labels[c]])}户"
                               for c in WARNING_LISTS}}
    # one line per market and assessed tier: customers per band, total, share high
    rows = sample.query(
        "select market_class_label_zh, tier_label_zh, "
        "count(*) filter (where churn_risk_band = 'high'), "
        "count(*) filter (where churn_risk_band = 'medium'), "
        "count(*) filter (where churn_risk_band = 'low'), count(*) "
        "from marts.fct_customer_segment where period_month = ? group by all", [LATEST])
    table = _table_with(at, "高风险客户")
    got = {(m, t): (_count(h), _count(me), _count(lo), _count(n), share) for m, t, h, me, lo, n,
           share in zip(table["市场"], table["评定分层"], table["高风险客户（户）"],
                        table["中风险客户（户）"], table["低风险客户（户）"], table["合计（户）"],
                        table["高风险占比（%）"], strict=True)}
    assert got == {(m, t): (h, me, lo, n, fmt.scaled(h / n * 100, digits=1))
                   for m, t, h, me, lo, n in rows}
    assert list(dict.fromkeys(table["市场"])) == ["个人客户市场", "公司客户市场", "机构客户市场"]
    chart = _chart_data(at, 0)
    assert chart.groupby("churn_risk_band")["customers"].sum().to_dict() == {
        code: n for code, n in sample.query(
            "select churn_risk_band, count(*) from marts.fct_customer_segment where "
            "period_month = ? group by 1", [LATEST])}
    # the three lists: headings, rule and rows as the mart (reference and gap with units)
    subheaders = [h.value for h in at.subheader]
    for code in WARNING_LISTS:
        spec = list_spec(code)
        n = sizes[labels[code]]
        assert f"{labels[code]}（{n}户）" in subheaders
        expected = sample.query(
            "select customer_id, reference_value, gap from marts.mart_rm_worklist where "
            "period_month = ? and list_code = ? order by branch_id, priority", [LATEST, code])
        assert len(expected) == n
        if not n:
            continue
        table = next(t.value for t in at.table if "客户号" in t.value.columns and any(
            c.startswith(f"{spec.reference}（") for c in t.value.columns))
        assert list(table["客户号"]) == [r[0] for r in expected], code
        if spec.unit == "money":
            _same_money(table, spec.reference, [r[1] for r in expected])
            _same_money(table, spec.gap, [r[2] for r in expected])
    assert sum(sizes[labels[c]] for c in WARNING_LISTS) > 0, "the sample has a warning row"
    rules = [m.value for m in at.markdown if m.value.startswith("**入选条件**")]
    assert rules[0].startswith("**入选条件**：服务等级为重点分层，本月资金净流出 ≥ "
                               "上月月日均金融资产 × 30%，且 ≥ 10.00万元。")
    assert "流失风险评分 ≥ 50分" in rules[1] and "前 12 个月内曾在重点分层" in rules[2]


def test_early_warning_backtest_shows_dashes_until_the_horizon_is_complete(
        sample: Served, served_complete: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """February's horizon is never complete in the sample: flagged customers, "—" for lost
    and the share, 未满, a note, and no trend. With the outcomes of December and January
    complete (served_complete): their figures as the mart, 已满, and the lost share by band
    month by month (complete months only, summed over the markets)."""
    at = _app(sample.serving_path, monkeypatch, "early_warning")
    rows = sample.query(
        "select market_class_label_zh, churn_risk_band_label_zh, flagged_customers from "
        "marts.mart_early_warning_backtest where period_month = ?", [LATEST])
    table = _table_with(at, "预警客户")
    assert sorted(zip(table["市场"], table["流失风险"], _counts(table["预警客户（户）"]),
                      strict=True)) == sorted(rows) and rows
    assert set(table["流失客户（户）"]) == set(table["流失占比（%）"]) == {"—"}
    assert set(table["观察期"]) == {"未满"}
    assert any(c.value.startswith("观察期未满") for c in at.caption)
    assert any("尚无观察期已满的月份" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 1  # the bands only

    at = _app(served_complete, monkeypatch, "early_warning")
    _select(at, "期间", date(2025, 1, 1))
    expected = _one(served_complete, "select count(*) from marts.mart_early_warning_backtest "
                    "where period_month = '2025-01-01' and is_horizon_complete")[0]
    rows = {(m, b): (n, lost, fmt.scaled(share * 100, digits=1)) for m, b, n, lost, share in
            _all(served_complete, "select market_class_label_zh, churn_risk_band_label_zh, "
                 "flagged_customers, lost_customers, lost_share from "
                 "marts.mart_early_warning_backtest where period_month = '2025-01-01'")}
    table = _table_with(at, "预警客户")
    assert len(rows) == expected > 0
    assert {(m, b): (_count(n), _count(lost), share) for m, b, n, lost, share in zip(
        table["市场"], table["流失风险"], table["预警客户（户）"], table["流失客户（户）"],
        table["流失占比（%）"], strict=True)} == rows
    assert set(table["观察期"]) == {"已满"}
    assert not any(c.value.startswith("观察期未满") for c in at.caption)
    trend = _chart_data(at, 1)
    sums = _sums_by_band(served_complete, date(2025, 1, 1))
    assert {(str(m)[:10], b): (f, lost) for m, b, f, lost in zip(
        trend["period_month"], trend["churn_risk_band"], trend["flagged_customers"],
        trend["lost_customers"], strict=True)} == sums
    assert len({k[0] for k in sums}) == 2  # December and January
    # the market filter applies (the branch filter does not: the back-test is bank-wide)
    _select(at, "市场", "retail")
    assert set(_table_with(at, "预警客户")["市场"]) == {"个人客户市场"}
    trend = _chart_data(at, 1)
    assert {(str(m)[:10], b): (f, lost) for m, b, f, lost in zip(
        trend["period_month"], trend["churn_risk_band"], trend["flagged_customers"],
        trend["lost_customers"], strict=True)} == _sums_by_band(
        served_complete, date(2025, 1, 1), "and market_class = 'retail'")


def _sums_by_band(path: Path, period: date, where: str = "") -> dict[tuple, tuple]:
    """Flagged and lost per (month, band) of the complete months up to ``period``."""
    return {(str(m), b): (int(f), int(lost)) for m, b, f, lost in _all(
        path, "select period_month, churn_risk_band, sum(flagged_customers), "
        "sum(lost_customers) from marts.mart_early_warning_backtest where is_horizon_complete "
        f"and period_month <= ? {where} group by all", [period])}


def test_worklist_outcomes_equal_the_mart_summed_over_the_branches(
        served_complete: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """清单成效 of the chosen list: entries and the shares contacted, retained and retained
    among the contacted, summed over the scope's branches (mart_worklist_outcomes); "—" and
    a note while the horizon is not complete; the branch filter narrows, the market filter
    cannot (the mart has no market) and says so."""
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(tmp_path / "access.jsonl"))
    at = _app(served_complete, monkeypatch, "worklist")
    _select(at, "期间", date(2025, 1, 1))
    code, = _one(served_complete, "select list_code from marts.mart_worklist_outcomes where "
                 "period_month = '2025-01-01' group by 1 order by count(*) desc, sum(entries) "
                 "desc, 1 limit 1")
    next(s for s in at.selectbox if s.key == "worklist_list").set_value(code).run()

    def expected(where: str = "", params: tuple = ()) -> dict[str, str]:
        n, contacted, retained, both, branches = _one(
            served_complete, "select sum(entries), sum(contacted_entries), "
            "sum(retained_entries), sum(retained_contacted_entries), count(*) from "
            "marts.mart_worklist_outcomes where period_month = '2025-01-01' and list_code = ? "
            f"{where}", [code, *params])

        def ratio(part, whole) -> str:
            return f"{fmt.share(part / whole)}（{fmt.count(part)}户）" if whole else "—"

        return {"入选客户": f"{fmt.count(n)}户", "30天内已联系": ratio(contacted, n),
                "3个月后仍保持服务等级": ratio(retained, n),
                "已联系客户中保持服务等级": ratio(both, contacted), "branches": branches}

    def shown() -> dict[str, str]:
        return {k: v for k, v in _metrics(at).items() if k in {
            "入选客户", "30天内已联系", "3个月后仍保持服务等级", "已联系客户中保持服务等级"}}

    bank = expected()
    assert bank.pop("branches") > 1
    assert shown() == bank
    assert _list_metrics(at)[at.subheader[0].value.split("（")[0]] == \
        _count(bank["入选客户"])  # the entries are the list's rows
    branch, = _one(served_complete, "select min(branch_id) from marts.mart_worklist_outcomes "
                   "where period_month = '2025-01-01' and list_code = ?", [code])
    _select(at, "机构", branch)
    mine = expected("and branch_id = ?", (branch,))
    assert mine.pop("branches") == 1 and shown() == mine
    _select(at, "市场", "retail")
    assert shown() == mine
    assert any("不分市场" in c.value for c in at.caption)
    _select(at, "市场", "全部市场")
    _select(at, "机构", "全部机构")
    _select(at, "期间", date(2025, 2, 1))  # no outcome yet
    next(s for s in at.selectbox if s.key == "worklist_list").set_value("handover").run()
    figures = shown()
    n, = _one(served_complete, "select sum(entries) from marts.mart_worklist_outcomes where "
              "period_month = '2025-02-01' and list_code = 'handover'")
    assert figures.pop("入选客户") == f"{fmt.count(n)}户" and set(figures.values()) == {"—"}
    assert any("观察期未满" in c.value for c in at.caption)


# --------------------------------------------------------------------------------------
# A serving file without the contract (e.g. published by an older version)
# --------------------------------------------------------------------------------------


def test_a_serving_file_without_the_contract_gets_one_clear_message(
        sample: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample.serving_path, old)
    with duckdb.connect(str(old)) as con:
        con.execute("drop table marts.mart_rm_worklist")
        con.execute("alter table marts.fct_customer_segment drop column tier_reason_zh")
    at = _app(old, monkeypatch)
    for page in ("overview", "worklist", "customer"):
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, at.exception
        message, = [e.value for e in at.error]
        assert "不符合数据集市契约" in message and "make run" in message
        assert "`marts.mart_rm_worklist`" in message
        assert "`marts.fct_customer_segment.tier_reason_zh`" in message
        assert not at.metric and not at.table


# --------------------------------------------------------------------------------------
# 我的客户 (bank scope: every RM's book side by side)
# --------------------------------------------------------------------------------------


def test_books_side_by_side_add_up_to_the_bank(sample: Served,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "books")
    total, assigned = sample.query(
        "select count(*), count(rm_id) from marts.fct_customer_segment where period_month = ?",
        [LATEST])[0]
    books, mix = _table(at, 0), _table(at, 1)
    assert sum(_counts(books["客户数（户）"])) == total  # the unassigned line included
    per_rm = dict(sample.query(
        "select m.rm_name || '（' || s.rm_id || '）', count(*) from marts.fct_customer_segment "
        "as s join marts.dim_relationship_manager as m using (rm_id) where s.period_month = ? "
        "group by all", [LATEST]))
    assert {k: int(v) for k, v in zip(books["客户经理"], _counts(books["客户数（户）"]),
                                      strict=True) if k != "无客户经理"} == per_rm
    tiers = [c for c in mix.columns if c != "客户经理"]
    assert sum(sum(_counts(mix[c])) for c in tiers) == assigned
    handover, = sample.query("select count(*) from marts.mart_rm_worklist where "
                             "period_month = ? and list_code = 'handover'", [LATEST])[0]
    assert any(s.value == f"待交接客户（{handover}户）" for s in at.subheader)


# --------------------------------------------------------------------------------------
# 趋势 and 客群画像
# --------------------------------------------------------------------------------------


def test_trend_page_shows_each_tier_month_by_month_as_the_marts(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "trends")
    rows = sample.query(
        """
        select strftime(s.period_month, '%Y-%m'), s.market_class_label_zh, s.tier_label_zh,
            count(*), sum(s.avg_aum), sum(s.contribution),
            sum(c.capital_cost + c.operating_cost + c.credit_cost)
                / sum(c.loan_ftp_income + c.deposit_ftp_income + c.fee_income)
        from marts.fct_customer_segment as s
        join marts.fct_customer_contribution as c using (customer_id, period_month)
        group by all
        """)
    markets_of = {}
    for m, market, _, n, *_ in rows:
        markets_of[(m, market)] = markets_of.get((m, market), 0) + n
    expected = {(m, market, tier): (*values, values[0] / markets_of[(m, market)])
                for m, market, tier, *values in rows}
    markets = [h.value for h in at.subheader]
    assert markets == ["个人客户市场", "公司客户市场", "机构客户市场"]
    assert len(at.get("vega_lite_chart")) == 2 * len(markets)  # a measure and the tier mix

    def shown(measure: str) -> dict[tuple, str]:
        if measure:
            next(r for r in at.radio if r.key == "trend_measure").set_value(measure).run()
            assert not at.exception, at.exception
        cells = {}
        for market, table in zip(markets, (t.value for t in at.table), strict=True):
            for column in table.columns[1:]:
                for month, cell in zip(table["期间"], table[column], strict=True):
                    cells[(month, market, UNIT.sub("", column))] = (UNIT.search(column)
                                                                    .group(1), cell)
        return cells

    customers = shown("")
    assert {k for k, (_, c) in customers.items() if c != "—"} == set(expected)
    for key, (unit, cell) in customers.items():
        assert unit == "户" and (cell == "—" or _count(cell) == expected[key][0]), key
    for measure, position in (("aum", 1), ("contribution", 2), ("cost_income_ratio", 3),
                              ("customer_share", 4)):
        for key, (unit, cell) in shown(measure).items():
            if key not in expected:
                assert cell == "—", key
                continue
            value = float(expected[key][position])
            if unit == "%":
                assert cell == fmt.scaled(value * 100, digits=1), (measure, key)
            else:
                assert abs(float(cell.replace(",", "")) * MONEY[unit] - value) <= 0.0051 * \
                    MONEY[unit], (measure, key)
    per_customer = shown("contribution_per_customer")
    for key, (unit, cell) in per_customer.items():
        if key in expected:
            value = float(expected[key][2]) / expected[key][0]
            assert abs(float(cell.replace(",", "")) * MONEY[unit] - value) <= 0.0051 * \
                MONEY[unit], key


def test_profile_page_equals_the_mart_and_adds_up_to_the_tier(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "profiles")
    group = next(s for s in at.selectbox if s.key == "profile_group")
    assert group.value == ("retail", "high_net_worth")  # the top tier first
    n, = sample.query("select count(*) from marts.fct_customer_segment where period_month = ? "
                      "and tier_code = 'high_net_worth'", [LATEST])[0]
    rows = sample.query(
        "select profile_dimension_label_zh, profile_value_label_zh, customers, customer_share, "
        "total_avg_aum from marts.mart_segment_profile where period_month = ? and "
        "tier_code = 'high_net_worth' order by profile_dimension, profile_value_sort_order",
        [LATEST])
    assert _metrics(at)["该分层客户数"] == f"{fmt.count(n)}户"
    titles = [h.value for h in at.subheader]
    assert len(titles) == len(at.table) == 7
    got = {}
    for title, table in zip(titles, (t.value for t in at.table), strict=True):
        dimension = title.split("（")[0]
        assert title == f"{dimension}（合计 {fmt.count(n)}户）"
        assert sum(_counts(table["客户数（户）"])) == n  # every dimension adds up to the tier
        _, aum = _money(table, "月日均金融资产")
        for value, count, share, amount in zip(table["分组"], table["客户数（户）"],
                                               table["层内占比（%）"], aum, strict=True):
            got[(dimension, value)] = (_count(count), share, amount)
    assert len(got) == len(rows)
    for dimension, value, count, share, aum in rows:
        shown_count, shown_share, shown_aum = got[(dimension, value)]
        assert (shown_count, shown_share) == (count, fmt.scaled(share * 100, digits=1))
        assert abs(shown_aum - float(aum)) <= 0.0051 * 1e4

    branch, = sample.query("select branch_id from marts.fct_customer_segment where "
                           "period_month = ? group by 1 order by count(*) desc, 1 limit 1",
                           [LATEST])[0]
    _select(at, "机构", branch)
    group = next(s for s in at.selectbox if s.key == "profile_group")
    market, tier = group.value
    n, = sample.query("select count(*) from marts.fct_customer_segment where period_month = ? "
                      "and branch_id = ? and market_class = ? and tier_code = ?",
                      [LATEST, branch, market, tier])[0]
    assert all(sum(_counts(t.value["客户数（户）"])) == n for t in at.table)


# --------------------------------------------------------------------------------------
# What a person reads: Chinese, units, no codes (every page)
# --------------------------------------------------------------------------------------


PAGE_SCRIPTS = [spec.view for spec in PAGES]
NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")
MINUS_ZERO = re.compile(r"(?<![\d.])-0(\.0+)?(?![\d.])")
#: Words of Latin letters a reader may meet: ids (C0000123, BR001, RM0001, OVR000001,
#: G002), and the download formats.
ALLOWED_LATIN = re.compile(r"^([A-Z]+\d+|CSV|Excel)$")


def _texts(at: AppTest) -> list[str]:
    """Everything a person reads on the page as text (the local-mode banner aside)."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown",
                                  "info", "warning", "error") for e in at.get(kind)
             if "单机分析模式" not in str(e.value)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for box in at.selectbox:
        texts += [box.label, *box.options]
    for radio in at.radio:
        texts += [radio.label, *radio.options]
    for table in at.table:
        frame = table.value
        texts += list(frame.columns) + [str(v) for c in frame.columns for v in frame[c]]
    return texts


def _pages(sample: Served, monkeypatch: pytest.MonkeyPatch, branch: str | None = None):
    at = _app(sample.serving_path, monkeypatch)
    if branch:
        _select(at, "机构", branch)
    for script in PAGE_SCRIPTS:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        yield script, at


def _smallest_branch(sample: Served) -> str:
    return sample.query("select branch_id from marts.fct_customer_segment where "
                        "period_month = ? group by 1 order by count(*), 1 limit 1", [LATEST])[0][0]


def test_every_caption_names_the_market_in_chinese(sample: Served,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch)
    _select(at, "市场", "corporate")
    for script in PAGE_SCRIPTS:
        at.switch_page(script).run()
        captions = [c.value for c in at.main.caption if " · " in c.value]
        assert captions and all("公司客户市场" in c for c in captions), (script, captions)
        assert not any("corporate" in c for c in captions), script


def test_every_figure_has_its_unit_and_none_reads_minus_zero(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """At bank level and in the smallest branch: every numeric column of every table names
    its unit in its heading; in a 万元 or 亿元 column no amount reads below 1 (the unit is
    picked from the column's values); no cell reads -0.00; every numeric metric ends with
    its unit."""
    checked = 0
    for branch in (None, _smallest_branch(sample)):
        for script, at in _pages(sample, monkeypatch, branch):
            for table in (t.value for t in at.table):
                for column in table.columns:
                    cells = [str(v) for v in table[column] if str(v) not in ("—", "")]
                    assert not any(MINUS_ZERO.search(c) for c in cells), (script, column, cells)
                    if not cells or not all(NUMBER.match(c) for c in cells):
                        continue
                    unit = UNIT.search(column)
                    assert unit, (script, branch, column)
                    if unit.group(1) in ("万元", "亿元"):
                        assert all(abs(float(c.replace(",", ""))) >= 1
                                   for c in cells if float(c.replace(",", "")) != 0), \
                            (script, branch, column, cells)
                    checked += 1
            for metric in at.metric:
                if re.match(r"^[+-]?\d", metric.value):
                    assert re.search(r"(户|元|万元|亿元|%|分)$", metric.value), (script, metric)
                    assert not metric.value.startswith("-0.00"), (script, metric)
    assert checked > 50


def test_no_table_name_or_english_in_what_a_person_reads(
        sample: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    found = {}
    for script, at in _pages(sample, monkeypatch):
        for text in _texts(at):
            words = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(text))
                     if not ALLOWED_LATIN.match(w)]
            if words:
                found.setdefault(script, set()).update(words)
    assert not found, found


def test_the_watch_wording_of_the_last_month_of_grace() -> None:
    """grace_months_left = grace − months below: 0 is the last month still served at the
    tier, never "剩余保级 0 个月"."""
    assert watch_text(True, 3, 0) == "连续 3 个月低于，本月为保级期最后一个月"
    assert watch_text(True, 1, 2) == "连续 1 个月低于，本月后还可保级 2 个月"
    assert watch_text(False, 0, None) == ""
    assert watch_notice(6, "高净值客户", 0) == (
        "**保级关注**：评定分层已连续 6 个月低于服务等级高净值客户，保级期内仍按该等级服务，"
        "本月为保级期最后一个月（下月仍低于将按评定分层服务）。")
    assert "0 个月" not in watch_notice(6, "高净值客户", 0)


def test_no_figure_reads_minus_zero() -> None:
    """A value that rounds to zero in its unit is 0, never -0.00 (on the flows page, a net
    change of a few 元 in a 亿元 column read -0.00)."""
    from bank_tiering.dashboard.tables import Table

    assert fmt.scaled(-0.004) == "0.00" and fmt.scaled(-400_000, fmt.YI) == "0.00"
    assert fmt.scaled(-0.004, sign=True) == "+0.00" and fmt.amount(-0.001) == "0.00元"
    assert fmt.share(-0.00001) == "0.0%"
    table = Table()
    assert table.money_group({"净增": [-0.004, 12_345.0]}) == "元"
    assert table.columns["净增（元）"] == ["0.00", "12,345.00"]
