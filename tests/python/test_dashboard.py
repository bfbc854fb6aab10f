"""Every dashboard page's logic with streamlit.testing.v1.AppTest on the served sample:
the numbers equal the marts', and the filters change them as they should. The worklist and
customer pages are also run against a copy of the serving file where this test adds the
tier-governance columns and mart_rm_worklist (INTERFACES.md §3) itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import Served
from streamlit.testing.v1 import AppTest

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.serving import publish

APP = Path(queries.__file__).with_name("app.py")


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


def _table(at: AppTest, index: int = 0):
    return at.table[index].value


LATEST = "2025-02-01"


@pytest.fixture(scope="module")
def governed(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served sample plus what issue 8 adds, made up here: governance columns on
    fct_customer_segment and a mart_rm_worklist with two lists."""
    path = tmp_path_factory.mktemp("governed") / "warehouse.duckdb"
    shutil.copyfile(served.serving_path, path)
    with duckdb.connect(str(path)) as con:
        for column, ddl in {
            "service_tier_code": "varchar", "service_tier_label_zh": "varchar",
            "months_below": "integer", "is_on_watch": "boolean",
            "grace_months_left": "integer", "override_id": "varchar",
            "override_reason": "varchar", "tier_basis": "varchar",
            "tier_basis_value": "double", "tier_line_value": "double",
            "next_tier_line_value": "double", "gap_to_next_tier": "double",
            "tier_reason_zh": "varchar", "quadrant_reason_zh": "varchar",
        }.items():
            con.execute(f"alter table marts.fct_customer_segment add column {column} {ddl}")
        con.execute("""
            update marts.fct_customer_segment set service_tier_code = tier_code,
                service_tier_label_zh = tier_label_zh, months_below = 0, is_on_watch = false,
                tier_reason_zh = '月日均AUM ' || round(avg_aum / 10000, 2) || '万元',
                quadrant_reason_zh = '贡献度 ' || round(contribution / 10000, 2) || '万元'
        """)
        con.execute("""
            create table marts.mart_rm_worklist as
            select period_month, 'near_upgrade' as list_code, '临界提升客户' as list_label_zh,
                customer_id, branch_id, market_class, tier_code,
                tier_code as service_tier_code, avg_aum, 500000.0 as reference_value,
                500000.0 - avg_aum as gap, 0 as months_below, 0 as grace_months_left,
                row_number() over (partition by period_month, branch_id
                                   order by avg_aum desc, customer_id) as priority
            from marts.fct_customer_segment
            where tier_code = 'mass' and avg_aum >= 0.9 * 500000
            union all
            select period_month, 'on_watch', '保级关注客户', customer_id, branch_id,
                market_class, tier_code, tier_code, avg_aum, 5000000.0, 5000000.0 - avg_aum,
                1, 5, row_number() over (partition by period_month, branch_id
                                         order by avg_aum desc, customer_id)
            from marts.fct_customer_segment where tier_code = 'mass_affluent'
        """)
    return path


# --------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------


def test_overview_totals_equal_the_mart_and_follow_the_filters(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch)
    n, aum, contribution = _one(served.serving_path, "select count(*), sum(avg_aum), "
                                "sum(contribution) from marts.fct_customer_segment "
                                "where period_month = ?", [LATEST])
    assert _metrics(at) == {"客户数": fmt.count(n), "金融资产（月日均）": fmt.yi(aum),
                            "利润贡献度": fmt.wan(contribution)}
    assert [t for t in at.title][0].value == "分层总览"
    tiers = set(_table(at, 0)["分层"])
    assert "低价值客户" in tiers and "高净值客户" in tiers

    _select(at, "市场", "retail")
    retail, = _one(served.serving_path, "select count(*) from marts.fct_customer_segment "
                   "where period_month = ? and market_class = 'retail'", [LATEST])
    assert _metrics(at)["客户数"] == fmt.count(retail) != fmt.count(n)
    assert len(at.table) == 1  # one pyramid table: the retail market only
    table = _table(at, 0)
    assert sum(int(v.replace(",", "")) for v in table["客户数"]) == retail

    branch, count = _one(served.serving_path, "select branch_id, count(*) from "
                         "marts.fct_customer_segment where period_month = ? and "
                         "market_class = 'retail' group by 1 order by 2 desc limit 1", [LATEST])
    _select(at, "机构", branch)
    assert _metrics(at)["客户数"] == fmt.count(count)

    _select(at, "期间", next(iter(_one(served.serving_path, "select min(period_month) "
                                       "from marts.fct_customer_segment"))))
    first, = _one(served.serving_path, "select count(*) from marts.fct_customer_segment where "
                  "period_month = '2024-12-01' and market_class = 'retail' and branch_id = ?",
                  [branch])
    assert _metrics(at)["客户数"] == fmt.count(first)


def test_filters_survive_switching_pages(served: Served,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch)
    _select(at, "市场", "corporate")
    at.switch_page("views/pareto.py").run()
    corporate, = _one(served.serving_path, "select count(*) from marts.fct_customer_segment "
                      "where period_month = ? and market_class = 'corporate'", [LATEST])
    assert _metrics(at)["客户数"] == fmt.count(corporate)


def test_a_newly_published_file_is_seen_on_the_next_run(
        served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "build.duckdb"
    serving = tmp_path / "serving" / "warehouse.duckdb"
    shutil.copyfile(served.build_path, build)
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
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "make run" in at.error[0].value


# --------------------------------------------------------------------------------------
# Value quadrants
# --------------------------------------------------------------------------------------


def test_quadrant_page_draws_the_group_median_and_the_value_line(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch, "quadrants")
    group = next(s for s in at.selectbox if s.key == "quadrant_group")
    assert group.value == ("retail", "mass")  # the largest group first
    group.set_value(("retail", "high_net_worth")).run()
    assert _metrics(at)["组内客户数"] == fmt.count(served.query(
        "select count(*) from marts.fct_customer_segment where period_month = ? and "
        "tier_code = 'high_net_worth'", [LATEST])[0][0])
    group.set_value(("retail", "mass")).run()
    n, median = _one(served.serving_path, "select count(*), max(contribution_group_median) "
                     "from marts.fct_customer_segment where period_month = ? and "
                     "market_class = 'retail' and tier_code = 'mass'", [LATEST])
    assert _metrics(at) == {"组内客户数": fmt.count(n), "组中位数贡献度": fmt.amount(median),
                            "银行价值高线": "60"}
    expected = dict(served.query(
        "select value_quadrant_label_zh, count(*) from marts.fct_customer_segment where "
        "period_month = ? and market_class = 'retail' and tier_code = 'mass' group by 1",
        [LATEST]))
    table = _table(at, 0)
    got = dict(zip(table["价值象限"], (int(v.replace(",", "")) for v in table["客户数"]),
                   strict=True))
    assert got == expected and len(got) == 4
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"strokeDash"' in spec and "bank_value_score" in spec

    _select(at, "机构", served.query("select branch_id from marts.fct_customer_segment "
                                     "where period_month = ? and tier_code = 'mass' group by 1 "
                                     "order by count(*) desc limit 1", [LATEST])[0][0])
    assert int(_metrics(at)["组内客户数"].replace(",", "")) < n


# --------------------------------------------------------------------------------------
# Tier flows
# --------------------------------------------------------------------------------------


def test_flow_tables_equal_mart_tier_flows(served: Served,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch, "flows")
    mom, ytd = _table(at, 0), _table(at, 1)
    for flow_type, table in (("mom", mom), ("ytd", ytd)):
        rows = served.query(
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
    assert not at.info  # no branch note without a branch filter

    _select(at, "机构", served.query("select min(branch_id) from marts.fct_customer_segment")
            [0][0])
    assert "全行口径" in at.info[0].value
    _select(at, "市场", "institution")
    assert set(_table(at, 0)["市场"]) == {"机构客户市场"}
    _select(at, "期间", served.query("select min(period_month) from marts.mart_tier_flows")
            [0][0].replace(month=12, year=2024))
    assert any("没有可比的基期" in i.value for i in at.info)


# --------------------------------------------------------------------------------------
# Pareto
# --------------------------------------------------------------------------------------


def test_pareto_figures_equal_the_mart_per_market(served: Served,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch, "pareto")
    assert len(_table(at, 0)["市场"]) == 3
    for market, top, share in served.query(
            "select market_class, top_customers_contribution_share, customer_share_for_target "
            "from marts.mart_contribution_pareto where period_month = ?", [LATEST]):
        _select(at, "市场", market)
        metrics = _metrics(at)
        assert metrics["前20%客户贡献占比"] == fmt.share(top), market
        assert metrics["贡献80%所需客户占比"] == fmt.share(share), market
    curve_metric = _metrics(at)["客户数"]
    _select(at, "机构", served.query("select min(branch_id) from marts.fct_customer_segment "
                                     "where market_class = 'institution'")[0][0])
    assert _metrics(at)["客户数"] != curve_metric


# --------------------------------------------------------------------------------------
# Worklists and the customer page
# --------------------------------------------------------------------------------------


def test_worklist_page_says_what_it_will_show_before_governance(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch, "worklist")
    assert "mart_rm_worklist" in at.info[0].value and "保级关注客户" in at.info[0].value
    assert not at.table


def test_worklist_page_lists_mart_rm_worklist(governed: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(governed, monkeypatch, "worklist")
    counts = dict(_one_all(governed, "select list_label_zh, count(*) from marts.mart_rm_worklist "
                                     "where period_month = ? group by 1", [LATEST]))
    assert {k: int(v.replace(",", "")) for k, v in _metrics(at).items()} == counts
    table = _table(at, 0)
    assert len(table) == counts["临界提升客户"]
    first_per_branch = table.groupby("机构")["优先级"].first()
    assert set(first_per_branch) == {"1"}  # priority restarts at 1 in every branch

    next(s for s in at.selectbox if s.key == "worklist_list").set_value("on_watch").run()
    assert len(_table(at, 0)) == counts["保级关注客户"]
    assert set(_table(at, 0)["服务等级"]) == {"中等价值客户"}


def _one_all(path: Path, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_customer_page_before_governance(served: Served,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(served.serving_path, monkeypatch, "customer")
    top, tier, contribution = served.query(
        "select customer_id, tier_label_zh, contribution from marts.fct_customer_segment "
        "where period_month = ? order by contribution desc, customer_id limit 1", [LATEST])[0]
    assert at.text_input[0].value == top
    assert _metrics(at)["评定分层"] == tier
    assert _metrics(at)["利润贡献度"] == fmt.amount(contribution)
    assert any("issue 8" in i.value for i in at.info)
    breakdown = _table(at, 0)
    assert breakdown["金额（元）"].iloc[-1] == f"{contribution:,.2f}"

    at.text_input[0].input("C9999999").run()
    assert "没有客户号为 C9999999" in at.info[0].value


def test_customer_page_shows_the_reasons_after_governance(
        governed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(governed, monkeypatch, "customer")
    customer = at.text_input[0].value
    reason, = _one(governed, "select tier_reason_zh from marts.fct_customer_segment where "
                   "customer_id = ? and period_month = ?", [customer, LATEST])
    assert any(reason in m.value for m in at.markdown)
    assert "服务等级" in _metrics(at)
    assert "分层理由" in _table(at, 1).columns
