"""Every dashboard page's logic with streamlit.testing.v1.AppTest on the served sample, as
the bank scope (local analysis mode, BANK_TIERING_DASHBOARD_AUTH=none): the numbers equal
the marts', and the filters change them as they should. The worklist and customer pages
show mart_rm_worklist and the tier governance of fct_customer_segment (METHODOLOGY.md
§10–11); a serving file without that contract gets one clear message. Sign-in and the
narrower scopes: test_dashboard_access.py and test_dashboard_scopes.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Served
from streamlit.testing.v1 import AppTest

from bank_tiering.dashboard import formatting as fmt
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


def _warnings(at: AppTest) -> list[str]:
    """The page's warnings, without the banner of local analysis mode."""
    return [w.value for w in at.warning if "单机分析模式" not in w.value]


def _table(at: AppTest, index: int = 0):
    return at.table[index].value


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
    assert _metrics(at) == {"客户数": fmt.count(n), "金融资产（月日均）": fmt.yi(aum),
                            "利润贡献度": fmt.wan(contribution), "保级关注": fmt.count(on_watch),
                            "人工调整": fmt.count(overridden),
                            "服务等级≠评定分层": fmt.count(differs)}
    assert [t for t in at.title][0].value == "分层总览"
    tiers = set(_table(at, 0)["分层"])
    assert "低价值客户" in tiers and "高净值客户" in tiers

    _select(at, "市场", "retail")
    retail, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment "
                   "where period_month = ? and market_class = 'retail'", [LATEST])
    assert _metrics(at)["客户数"] == fmt.count(retail) != fmt.count(n)
    assert len(at.table) == 1  # one pyramid table: the retail market only
    table = _table(at, 0)
    assert sum(int(v.replace(",", "")) for v in table["客户数"]) == retail

    branch, count = _one(sample.serving_path, "select branch_id, count(*) from "
                         "marts.fct_customer_segment where period_month = ? and "
                         "market_class = 'retail' group by 1 order by 2 desc limit 1", [LATEST])
    _select(at, "机构", branch)
    assert _metrics(at)["客户数"] == fmt.count(count)

    _select(at, "期间", next(iter(_one(sample.serving_path, "select min(period_month) "
                                       "from marts.fct_customer_segment"))))
    first, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment where "
                  "period_month = '2024-12-01' and market_class = 'retail' and branch_id = ?",
                  [branch])
    assert _metrics(at)["客户数"] == fmt.count(first)


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
        got = {tier: (int(n.replace(",", "")), int(service.replace(",", "")), split)
               for tier, n, service, split in zip(table["分层"], table["客户数"],
                                                  table["服务等级户数"], table["其中保级/调整"],
                                                  strict=True)}
        assert got == expected[market], market
    assert any(n != service for tiers in expected.values() for n, service, _ in tiers.values())


def test_filters_survive_switching_pages(sample: Served,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch)
    _select(at, "市场", "corporate")
    at.switch_page("views/pareto.py").run()
    corporate, = _one(sample.serving_path, "select count(*) from marts.fct_customer_segment "
                      "where period_month = ? and market_class = 'corporate'", [LATEST])
    assert _metrics(at)["客户数"] == fmt.count(corporate)


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
    assert _metrics(at)["组内客户数"] == fmt.count(sample.query(
        "select count(*) from marts.fct_customer_segment where period_month = ? and "
        "tier_code = 'high_net_worth'", [LATEST])[0][0])
    group.set_value(("retail", "mass")).run()
    n, median = _one(sample.serving_path, "select count(*), max(contribution_group_median) "
                     "from marts.fct_customer_segment where period_month = ? and "
                     "market_class = 'retail' and tier_code = 'mass'", [LATEST])
    assert _metrics(at) == {"组内客户数": fmt.count(n), "组中位数贡献度": fmt.amount(median),
                            "银行价值高线": "60"}
    expected = dict(sample.query(
        "select value_quadrant_label_zh, count(*) from marts.fct_customer_segment where "
        "period_month = ? and market_class = 'retail' and tier_code = 'mass' group by 1",
        [LATEST]))
    table = _table(at, 0)
    got = dict(zip(table["价值象限"], (int(v.replace(",", "")) for v in table["客户数"]),
                   strict=True))
    assert got == expected and len(got) == 4
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"strokeDash"' in spec and "bank_value_score" in spec

    _select(at, "机构", sample.query("select branch_id from marts.fct_customer_segment "
                                     "where period_month = ? and tier_code = 'mass' group by 1 "
                                     "order by count(*) desc limit 1", [LATEST])[0][0])
    assert int(_metrics(at)["组内客户数"].replace(",", "")) < n


# --------------------------------------------------------------------------------------
# Tier flows
# --------------------------------------------------------------------------------------


def test_flow_tables_equal_mart_tier_flows(sample: Served,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "flows")
    mom, ytd = _table(at, 0), _table(at, 1)
    for flow_type, table in (("mom", mom), ("ytd", ytd)):
        rows = sample.query(
            "select market_class_label_zh, tier_label_zh, start_customers, retained_customers, "
            "lost_customers, gained_customers, end_customers from marts.mart_tier_flows "
            "where flow_type = ? and period_month = ?", [flow_type, LATEST])
        got = {(m, t): tuple(int(v.replace(",", "")) for v in values)
               for m, t, *values in zip(table["市场"], table["分层"], table["期初客户"],
                                        table["保留客户"], table["流失客户"], table["新增客户"],
                                        table["期末客户"], strict=True)}
        assert len(got) == len(rows) == len(table)
        for market, tier, *values in rows:
            assert got[(market, tier)] == tuple(values), (flow_type, market, tier)

    # a branch filter: the flows of that branch's customers (the rule over its rows)
    branch, = sample.query("select branch_id from marts.fct_customer_segment group by 1 "
                           "order by count(*) desc, 1 limit 1")[0]
    _select(at, "机构", branch)
    start, end = sample.query(
        "select count(*) filter (where period_month = '2025-01-01'), "
        "count(*) filter (where period_month = ?) from marts.fct_customer_segment "
        "where branch_id = ?", [LATEST, branch])[0]
    mom = _table(at, 0)
    assert sum(_counts(mom["期初客户"])) == start and sum(_counts(mom["期末客户"])) == end
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


# --------------------------------------------------------------------------------------
# Worklists and the customer page
# --------------------------------------------------------------------------------------


def _counts(values) -> list[int]:
    return [int(v.replace(",", "")) for v in values]


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
    assert {k: int(v.replace(",", "")) for k, v in _metrics(at).items()} == every

    retail = _worklist_sizes(sample, "and w.market_class = 'retail'")
    assert retail != every  # the sample has corporate rows too: the filter must matter
    _select(at, "市场", "retail")
    assert {k: int(v.replace(",", "")) for k, v in _metrics(at).items()} == retail

    branch, = sample.query("select branch_id from marts.mart_rm_worklist where period_month = ? "
                           "and market_class = 'retail' and list_code = 'near_upgrade' "
                           "group by 1 order by count(*) desc, 1 limit 1", [LATEST])[0]
    _select(at, "机构", branch)
    in_branch = _worklist_sizes(sample, "and w.market_class = 'retail' and w.branch_id = ?",
                                (branch,))
    assert in_branch != retail
    assert {k: int(v.replace(",", "")) for k, v in _metrics(at).items()} == in_branch
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
        assert list(zip(table["机构"], _counts(table["优先级"]), table["客户号"],
                        table["月日均金融资产（万元）"], table[spec.reference_heading],
                        table[spec.gap_heading], table["连续低于月数"], table["剩余保级月数"],
                        table["客户经理"], table["客户经理状态"], strict=True)) == [
            (b, p, c, fmt.in_wan(aum), spec.shown(ref), spec.shown(gap),
             fmt.count(below) or "—", fmt.count(left) or "—", fmt.owner(rm, name), status)
            for b, p, c, aum, ref, gap, below, left, rm, name, status in expected], code
        for branch, priorities in table.groupby("机构", sort=False)["优先级"]:
            assert _counts(priorities) == list(range(1, len(priorities) + 1)), (code, branch)
        shown += len(table)
    assert shown == sum(_worklist_sizes(sample).values())


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
        "tier_reason_zh, value_quadrant_label_zh, quadrant_reason_zh "
        "from marts.fct_customer_segment where customer_id = ? order by period_month",
        [customer_id])
    tiers, values = _table(at, 1), _table(at, 2)
    assert list(tiers["期间"]) == list(values["期间"]) == [r[0] for r in rows]
    assert list(tiers["评定分层"]) == [r[1] for r in rows]
    assert list(tiers["服务等级"]) == [r[2] for r in rows]
    assert list(tiers["保级关注"]) == [
        f"连续 {r[4]} 个月低于，剩余保级 {r[5]} 个月" if r[3] else "—" for r in rows]
    assert list(tiers["人工调整"]) == [f"{r[6]}：{r[7]}" if r[6] else "—" for r in rows]
    assert list(tiers["分层理由"]) == [r[8] for r in rows]
    assert list(values["价值象限"]) == [r[9] for r in rows]
    assert list(values["象限理由"]) == [r[10] for r in rows]


def test_customer_page_defaults_to_the_top_contributor(sample: Served,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample.serving_path, monkeypatch, "customer")
    top, tier, service, contribution, tier_reason, quadrant_reason = sample.query(
        "select customer_id, tier_label_zh, service_tier_label_zh, contribution, "
        "tier_reason_zh, quadrant_reason_zh from marts.fct_customer_segment "
        "where period_month = ? order by contribution desc, customer_id limit 1", [LATEST])[0]
    assert at.text_input[0].value == top
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
    breakdown = _table(at, 0)
    assert breakdown["金额（元）"].iloc[-1] == f"{contribution:,.2f}"
    _history_matches_the_mart(at, sample, top)

    _select(at, "期间", date(2025, 1, 1))
    january_tier, january_reason = sample.query(
        "select tier_label_zh, tier_reason_zh from marts.fct_customer_segment "
        "where customer_id = ? and period_month = '2025-01-01'", [top])[0]
    assert at.subheader[0].value.endswith("2025年01月")
    assert _metrics(at)["评定分层"] == january_tier
    assert f"**分层理由**：{january_reason}" in [m.value for m in at.markdown]
    assert not any("没有数据" in c.value for c in at.caption)

    at.text_input[0].input("C9999999").run()
    assert at.error[0].value.startswith("无权查看该客户") and not at.metric


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
    assert _warnings(at)[0] == (
        f"**保级关注**：评定分层已连续 {below} 个月低于服务等级{service}，"
        f"保级期内仍按该等级服务，剩余保级 {left} 个月。")
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
    assert sum(_counts(books["客户数"])) == total  # the unassigned line included
    per_rm = dict(sample.query(
        "select m.rm_name || '（' || s.rm_id || '）', count(*) from marts.fct_customer_segment "
        "as s join marts.dim_relationship_manager as m using (rm_id) where s.period_month = ? "
        "group by all", [LATEST]))
    assert {k: int(v) for k, v in zip(books["客户经理"], _counts(books["客户数"]), strict=True)
            if k != "无客户经理"} == per_rm
    tiers = [c for c in mix.columns if c != "客户经理"]
    assert sum(sum(_counts(mix[c])) for c in tiers) == assigned
    handover, = sample.query("select count(*) from marts.mart_rm_worklist where "
                             "period_month = ? and list_code = 'handover'", [LATEST])[0]
    assert any(s.value == f"待交接客户（{handover}户）" for s in at.subheader)
