"""The monthly report (`bank-tiering report`, INTERFACES.md §4) on the served sample.

The workbook is opened with openpyxl: bank-wide its figures equal the marts of the latest
period (mart_segment_summary, mart_tier_flows with the split, mart_contribution_pareto,
mart_segment_profile, mart_rm_worklist, fct_customer_segment); for one branch they equal an
independent recomputation from that branch's customer-months of fct_customer_segment (the
flow and Pareto marts are bank-wide). Numeric cells are numbers, numeric headers carry a
unit, header rows are frozen, no sheet shows a code or a table name, and bad input is one
clear message with exit code 2.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FAMILY_RANK, Served

from bank_tiering.cli import main
from bank_tiering.textwidth import display_width

UNIT = re.compile(r"（(户|%|元|万元|亿元|分|天|个月|个|序号)）$")
MONEY = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
PROFILE_APPLIES = {"age_band": {"retail"}, "income_band": {"retail"},
                   "occupation_group": {"retail"}, "risk_grade": {"corporate", "institution"},
                   "lifecycle_stage": None, "activity_level": None, "aum_band": None}


def _money(expected: Any) -> Any:
    return pytest.approx(float(expected), rel=1e-9, abs=0.011)


def _read(book: openpyxl.Workbook, name: str) -> list[dict[str, Any]]:
    """The rows of a sheet keyed by header without its unit; money back in 元."""
    ws = book[name]
    headers = [cell.value for cell in ws[3]]
    rows = []
    for values in ws.iter_rows(min_row=4, values_only=True):
        row: dict[str, Any] = {}
        for header, value in zip(headers, values, strict=True):
            match = UNIT.search(header)
            key = header[:match.start()] if match else header
            if match and match.group(1) in MONEY and value is not None:
                value = value * MONEY[match.group(1)]
            row[key] = value
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def sample(served: Served) -> dict[str, Any]:
    with duckdb.connect(str(served.serving_path), read_only=True) as con:
        period = con.execute("select max(period_month) from marts.fct_customer_segment"
                             ).fetchone()[0]
        branch = con.execute(
            "select branch_id from marts.fct_customer_segment where period_month = ? "
            "group by 1 order by count(*) desc, 1 limit 1", [period]).fetchone()[0]
        labels = {(s, c): label for s, c, label in con.execute(
            "select code_set, code, label_zh from parameters.code_labels").fetchall()}
        codes = {c for (c,) in con.execute(
            "select code from parameters.code_labels").fetchall()}
        segment = con.execute("select * from marts.fct_customer_segment").df()
    return {"period": period, "branch": branch, "labels": labels, "codes": codes,
            "segment": segment}


def _report(served: Served, *args: str) -> Any:
    return CliRunner().invoke(main, ["report", *args], env=served.env(), catch_exceptions=False)


@pytest.fixture(scope="module")
def books(served: Served, sample: dict[str, Any],
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, openpyxl.Workbook]:
    out = tmp_path_factory.mktemp("report")
    period = f"{sample['period']:%Y-%m}"
    opened = {}
    for scope, extra in (("bank", ()), ("branch", ("--branch", sample["branch"]))):
        path = out / f"{scope}.xlsx"
        result = _report(served, "--period", period, *extra, "--out", str(path))
        assert result.exit_code == 0, result.output
        assert str(path) in result.output
        opened[scope] = openpyxl.load_workbook(path)
    return opened


def _by(rows: list[dict[str, Any]], *keys: str) -> dict[tuple, dict[str, Any]]:
    return {tuple(r[k] for k in keys): r for r in rows}


# --------------------------------------------------------------------------------------
# Bank-wide: the marts
# --------------------------------------------------------------------------------------


def test_bank_wide_figures_equal_the_marts(served: Served, sample: dict[str, Any],
                                           books: dict[str, openpyxl.Workbook]) -> None:
    book, period = books["bank"], sample["period"]
    summary = served.query(
        "select market_class_label_zh, tier_label_zh, value_quadrant_label_zh, customers, "
        "customer_share, total_contribution, contribution_share, total_aum "
        "from marts.mart_segment_summary where period_month = ?", [period])
    quadrants = _by(_read(book, "价值象限"), "市场", "客户分层", "价值象限")
    assert len(quadrants) == len(summary)
    tiers: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for market, tier, quadrant, n, share, contribution, c_share, aum in summary:
        row = quadrants[(market, tier, quadrant)]
        assert row["客户数"] == n and row["客户占比"] == pytest.approx(share, rel=1e-9)
        assert row["利润贡献度"] == _money(contribution)
        assert row["月日均金融资产"] == _money(aum)
        assert (row["贡献占比"] is None) == (c_share is None)
        if c_share is not None:
            assert row["贡献占比"] == pytest.approx(c_share, rel=1e-9)
        tiers[(market, tier)][0] += n
        tiers[(market, tier)][1] += float(aum)
        tiers[(market, tier)][2] += float(contribution)
    pyramid = [r for r in _read(book, "分层金字塔") if r["客户分层"] not in ("小计", "合计")]
    assert {(r["市场"], r["客户分层"]) for r in pyramid if r["客户数"]} == set(tiers)
    for r in pyramid:
        n, aum, contribution = tiers.get((r["市场"], r["客户分层"]), (0, 0.0, 0.0))
        assert (r["客户数"], r["月日均金融资产"], r["利润贡献度"]) == (n, _money(aum),
                                                                 _money(contribution))
    total = _by(_read(book, "分层金字塔"), "客户分层")[("合计",)]
    assert total["客户数"] == sum(t[0] for t in tiers.values())

    flows = served.query(
        "select flow_type_label_zh, market_class_label_zh, tier_label_zh, start_customers, "
        "start_aum, retained_customers, lost_customers, lost_downgraded_customers, "
        "lost_upgraded_customers, lost_left_customers, lost_start_aum, gained_customers, "
        "gained_new_customers, gained_upgraded_customers, gained_downgraded_customers, "
        "gained_end_aum, end_customers, end_aum from marts.mart_tier_flows "
        "where period_month = ?", [period])
    sheet = _by(_read(book, "分层流动"), "对比口径", "市场", "客户分层")
    assert len(sheet) == len(flows) and len({k[0] for k in sheet}) == 2  # ytd and mom
    for flow, market, tier, *figures in flows:
        row = sheet[(flow, market, tier)]
        assert [row[h] for h in FLOW_HEADERS] == [
            _money(v) if h in FLOW_MONEY else v for h, v in zip(FLOW_HEADERS, figures,
                                                                 strict=True)]

    pareto = served.query(
        "select market_class_label_zh, customers, total_contribution, top_customers, "
        "top_customers_contribution_share, customers_for_target_share, "
        "customer_share_for_target from marts.mart_contribution_pareto "
        "where period_month = ?", [period])
    sheet = _by(_read(book, "贡献集中度"), "市场")
    for market, n, total_c, top, top_share, k, k_share in pareto:
        row = sheet[(market,)]
        assert (row["客户数"], row["前20%客户数"], row["贡献80%所需客户数"]) == (n, top, k)
        assert row["净利润贡献度"] == _money(total_c)
        for got, expected in ((row["前20%客户贡献占比"], top_share),
                              (row["贡献80%所需客户占比"], k_share)):
            assert got == (None if expected is None else pytest.approx(expected, rel=1e-9))

    profile = served.query(
        "select market_class_label_zh, tier_label_zh, profile_dimension_label_zh, "
        "profile_value_label_zh, customers, customer_share, total_avg_aum, mean_avg_aum, "
        "total_contribution from marts.mart_segment_profile where period_month = ?", [period])
    sheet = _by(_read(book, "客群画像"), "市场", "客户分层", "画像维度", "分组")
    assert len(sheet) == len(profile)
    for market, tier, dimension, value, n, share, aum, mean, contribution in profile:
        row = sheet[(market, tier, dimension, value)]
        assert (row["客户数"], row["层内占比"]) == (n, pytest.approx(share, rel=1e-9))
        assert (row["月日均金融资产"], row["户均金融资产"], row["利润贡献度"]) == (
            _money(aum), _money(mean), _money(contribution))

    assert _assert_worklists(served, book, period, None), "the sample has worklist rows"
    _assert_governance(sample["segment"], book, period, None)


FLOW_HEADERS = ["期初客户数", "期初金融资产", "保留客户数", "流失客户数", "其中降级", "其中升级",
                "其中离开", "流失客户期初金融资产", "新增客户数", "其中新客户", "其中升级转入",
                "其中降级转入", "新增客户期末金融资产", "期末客户数", "期末金融资产"]
FLOW_MONEY = {"期初金融资产", "流失客户期初金融资产", "新增客户期末金融资产", "期末金融资产"}


def _assert_worklists(served: Served, book: openpyxl.Workbook, period: date,
                      branch: str | None) -> Counter:
    rows = served.query(
        "select list_label_zh, customer_id, priority, avg_aum from marts.mart_rm_worklist "
        "where period_month = ? and (? is null or branch_id = ?)", [period, branch, branch])
    listed = Counter(label for label, *_ in rows)
    summary = _by(_read(book, "工作清单汇总"), "工作清单")
    assert {k[0] for k, r in summary.items() if r["客户数"]} == set(listed)
    for (label,), row in summary.items():
        assert row["客户数"] == listed.get(label, 0)
        if listed.get(label):
            sheet = _read(book, f"清单-{label}"[:31])
            assert sorted((r["客户号"], r["优先级"]) for r in sheet) == sorted(
                (cid, priority) for lab, cid, priority, _ in rows if lab == label)
    return listed


def _assert_governance(segment: Any, book: openpyxl.Workbook, period: date,
                       branch: str | None) -> None:
    month = segment[segment["period_month"].dt.date == period]
    if branch is not None:
        month = month[month["branch_id"] == branch]
    row = _by(_read(book, "分层治理"), "市场")[("合计",)]
    assert row["客户数"] == len(month)
    assert row["保级关注客户"] == int(month["is_on_watch"].sum())
    assert row["人工调整生效客户"] == int(month["override_id"].notna().sum())
    assert row["服务等级与评定等级不一致客户"] == int(
        (month["service_tier_code"] != month["tier_code"]).sum())


# --------------------------------------------------------------------------------------
# One branch: recomputed from its customer-months
# --------------------------------------------------------------------------------------


def test_branch_figures_equal_its_customers(served: Served, sample: dict[str, Any],
                                            books: dict[str, openpyxl.Workbook]) -> None:
    book, period, branch, labels = books["branch"], sample["period"], sample["branch"], \
        sample["labels"]
    seg = sample["segment"]
    seg = seg[seg["branch_id"] == branch].copy()
    seg["month"] = seg["period_month"].dt.date
    now = seg[seg["month"] == period]
    assert 0 < len(now) < len(sample["segment"][sample["segment"]["period_month"].dt.date
                                                 == period])

    pyramid = _by([r for r in _read(book, "分层金字塔") if r["客户分层"] not in ("小计", "合计")],
                  "市场", "客户分层")
    for (market, tier), group in now.groupby(["market_class", "tier_code"]):
        row = pyramid[(labels[("market_class", market)], labels[("tier_code", tier)])]
        assert row["客户数"] == len(group)
        assert row["月日均金融资产"] == _money(group["avg_aum"].astype(float).sum())
        assert row["利润贡献度"] == _money(group["contribution"].astype(float).sum())

    profile = _by(_read(book, "客群画像"), "市场", "客户分层", "画像维度", "分组")
    expected_profile = 0
    for (market, tier), group in now.groupby(["market_class", "tier_code"]):
        for dimension, applies in PROFILE_APPLIES.items():
            missing = "unknown" if applies is None or market in applies else "not_applicable"
            counts = Counter(missing if pd.isna(v) else v for v in group[dimension])
            for value, n in counts.items():
                label = labels.get((dimension, value)) or labels[("profile_value", value)]
                row = profile[(labels[("market_class", market)], labels[("tier_code", tier)],
                               labels[("profile_dimension", dimension)], label)]
                assert row["客户数"] == n and row["层内占比"] == pytest.approx(n / len(group))
                expected_profile += 1
    assert len(profile) == expected_profile

    _assert_branch_flows(book, seg, period, labels)
    _assert_branch_pareto(book, now, labels)
    _assert_worklists(served, book, period, branch)
    _assert_governance(sample["segment"], book, period, branch)
    cover = " ".join(str(r["内容"]) for r in _read(book, "报告说明"))
    assert f"机构 {branch}" in cover and "全行参考值" in cover


def _assert_branch_flows(book: openpyxl.Workbook, seg: Any, period: date,
                         labels: dict) -> None:
    sheet = _by(_read(book, "分层流动"), "对比口径", "市场", "客户分层")
    tiers = {(r.customer_id, r.month): (r.market_class, r.tier_code, float(r.avg_aum))
             for r in seg.itertuples()}
    customers = {cid for cid, _ in tiers}
    bases = {labels[("flow_type", "ytd")]: date(period.year - 1, 12, 1),
             labels[("flow_type", "mom")]: date(period.year - (period.month == 1),
                                                 (period.month - 2) % 12 + 1, 1)}
    checked = 0
    for flow, base in bases.items():
        counts: dict[tuple, Counter] = defaultdict(Counter)
        for cid in customers:
            before, after = tiers.get((cid, base)), tiers.get((cid, period))
            move = _move(before, after)
            if before is not None:
                counts[before[:2]]["期初客户数"] += 1
                counts[before[:2]]["期初金融资产"] += before[2]
                if move == "same":
                    counts[before[:2]]["保留客户数"] += 1
                else:
                    lost = {"down": "其中降级", "up": "其中升级"}.get(move, "其中离开")
                    counts[before[:2]][lost] += 1
            if after is not None:
                counts[after[:2]]["期末客户数"] += 1
                counts[after[:2]]["期末金融资产"] += after[2]
                if move != "same":
                    counts[after[:2]][{"down": "其中降级转入", "up": "其中升级转入"}.get(
                        move, "其中新客户")] += 1
        for (market, tier), figures in counts.items():
            row = sheet[(flow, labels[("market_class", market)], labels[("tier_code", tier)])]
            for header in ("期初客户数", "保留客户数", "其中降级", "其中升级", "其中离开",
                           "其中新客户", "其中升级转入", "其中降级转入", "期末客户数"):
                assert row[header] == figures[header], (flow, market, tier, header)
            assert row["流失客户数"] == row["其中降级"] + row["其中升级"] + row["其中离开"]
            assert row["新增客户数"] == (row["其中新客户"] + row["其中升级转入"]
                                         + row["其中降级转入"])
            assert row["期初金融资产"] == _money(figures["期初金融资产"])
            assert row["期末金融资产"] == _money(figures["期末金融资产"])
            checked += 1
    assert checked == len(sheet)


def _move(before: tuple | None, after: tuple | None) -> str:
    if before is None or after is None:
        return "outside"
    if before[:2] == after[:2]:
        return "same"
    (family, rank), (family_now, rank_now) = FAMILY_RANK[before[:2]], FAMILY_RANK[after[:2]]
    if family != family_now or before[0] != after[0]:
        return "outside"
    return "up" if rank_now > rank else "down"


def _assert_branch_pareto(book: openpyxl.Workbook, now: Any, labels: dict) -> None:
    sheet = _by(_read(book, "贡献集中度"), "市场")
    assert len(sheet) == now["market_class"].nunique()
    for market, group in now.groupby("market_class"):
        ranked = sorted(((float(c), cid) for c, cid in zip(group["contribution"],
                                                           group["customer_id"], strict=True)),
                        key=lambda x: (-x[0], x[1]))
        n, total = len(ranked), sum(c for c, _ in ranked)
        top = math.ceil(round(0.2 * n, 9))
        row = sheet[(labels[("market_class", market)],)]
        assert (row["客户数"], row["前20%客户数"]) == (n, top)
        assert row["净利润贡献度"] == _money(total)
        assert row["亏损客户数"] == sum(1 for c, _ in ranked if c < 0)
        if total > 0:
            assert row["前20%客户贡献占比"] == pytest.approx(
                sum(c for c, _ in ranked[:top]) / total, rel=1e-9)
            running, k = 0.0, None
            for i, (c, _) in enumerate(ranked, start=1):
                running += c
                if round(running, 6) >= round(0.8 * total, 6):
                    k = i
                    break
            assert row["贡献80%所需客户数"] == k
        else:
            assert row["前20%客户贡献占比"] is None and row["贡献80%所需客户数"] is None


# --------------------------------------------------------------------------------------
# Form: numbers, units, frozen headers, widths, no codes
# --------------------------------------------------------------------------------------


def test_cells_are_numbers_with_units_and_no_codes(sample: dict[str, Any],
                                                   books: dict[str, openpyxl.Workbook]) -> None:
    table_names = re.compile(r"\b(fct|mart|dim|dq|int|stg)_[a-z_]+|marts\.|parameters\.")
    snake_case = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
    english = re.compile(r"\b(AUM|FTP)\b")
    period = sample["period"]
    for scope, book in books.items():
        scope_text = "全行" if scope == "bank" else f"机构 {sample['branch']}"
        for ws in book.worksheets:
            title = ws.cell(1, 1).value
            assert f"{period.year}年{period.month}月" in title and scope_text in title, ws.title
            assert ws.freeze_panes == "A4", ws.title
            headers = [c.value for c in ws[3]]
            widths = {i: d.width for d in ws.column_dimensions.values()
                      for i in range(d.min, d.max + 1)}  # XlsxWriter merges equal columns
            for col, header in enumerate(headers, start=1):
                values = [ws.cell(r, col).value for r in range(4, ws.max_row + 1)]
                present = [v for v in values if v is not None]
                numeric = [v for v in present if isinstance(v, (int, float))]
                if numeric:
                    assert len(numeric) == len(present), (ws.title, header)
                    unit = UNIT.search(header)
                    assert unit, (ws.title, header)
                    if unit.group(1) in MONEY:  # no non-zero amount reads 0.00 in its unit
                        assert all(abs(v) >= 0.005 for v in numeric if v != 0), (ws.title, header)
                for v in present:
                    if isinstance(v, str):
                        assert not re.fullmatch(r"-?[\d,.]+%?", v), (ws.title, header, v)
                assert widths[col] >= display_width(header), (ws.title, header)
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        assert v not in sample["codes"], (ws.title, v)
                        assert not table_names.search(v), (ws.title, v)
                        assert not snake_case.search(v), (ws.title, v)
                        assert not english.search(v), (ws.title, v)
                    elif isinstance(v, datetime):
                        assert v.day == 1, (ws.title, v)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "2031-01"), "Period 2031-01 is not in the serving file"),
    (("--period", "2025-13"), "--period must be a month as YYYY-MM"),
    (("--period", "latest"), "--period must be a month as YYYY-MM"),
    (("--period", "{period}", "--branch", "NO_SUCH"), "Branch NO_SUCH has no customers"),
    (("--period", "{period}", "--branch", " "), "--branch must name a branch"),
])
def test_bad_input_is_one_clear_message(served: Served, sample: dict[str, Any], tmp_path: Path,
                                        args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "r.xlsx"
    args = tuple(a.format(period=f"{sample['period']:%Y-%m}") for a in args)
    result = CliRunner().invoke(main, ["report", *args, "--out", str(out)], env=served.env())
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_no_serving_file_and_wrong_suffix(served: Served, sample: dict[str, Any],
                                          tmp_path: Path) -> None:
    period = f"{sample['period']:%Y-%m}"
    missing = served.env(BANK_TIERING_SERVING_DUCKDB=str(tmp_path / "none.duckdb"))
    result = CliRunner().invoke(
        main, ["report", "--period", period, "--out", str(tmp_path / "r.xlsx")], env=missing)
    assert result.exit_code == 2 and "No serving file at" in result.output
    result = CliRunner().invoke(
        main, ["report", "--period", period, "--out", str(tmp_path / "r.csv")], env=served.env())
    assert result.exit_code == 2 and "--out must name an .xlsx file" in result.output
