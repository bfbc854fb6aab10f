"""The report's sheets: Chinese headers and notes over the figures of
:mod:`bank_tiering.report.queries` (one :class:`~bank_tiering.report.workbook.Sheet` each).

Codes never appear: every market, tier, quadrant, dimension, value and list is shown by its
Chinese label. Units are named in the headers (:mod:`bank_tiering.report.workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from bank_tiering.report.workbook import Column, Sheet


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [] if df.empty else df.to_dict("records")


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def pyramid_sheet(df: pd.DataFrame) -> Sheet:
    """分层金字塔: per market the assessed tiers from the top down, a subtotal per market and
    the total; beside each tier the customers served at it (METHODOLOGY.md §10)."""
    rows: list[dict[str, Any]] = []
    for _, group in df.groupby("market_class", sort=False):
        customers, aum = group["customers"].sum(), group["aum"].sum()
        for row in _records(group):
            rows.append({**row, "customer_share": _share(row["customers"], customers),
                         "aum_share": _share(row["aum"], aum),
                         "aum_per_customer": _share(row["aum"], row["customers"]),
                         "contribution_per_customer":
                             _share(row["contribution"], row["customers"])})
        rows.append(_total(group, group["market_label"].iloc[0], "小计"))
    if not df.empty:
        rows.append(_total(df, "全部市场", "合计"))
    return Sheet(
        name="分层金字塔", subject="分层金字塔（按市场）",
        notes=["按评定等级统计", "服务客户数按服务等级统计（含保级期与人工调整）",
               "占比为市场内占比"],
        columns=[
            Column("市场", "market_label"), Column("客户分层", "tier_label"),
            Column("客户数", "customers", "count"), Column("客户占比", "customer_share", "share"),
            Column("月日均金融资产", "aum", "money"), Column("金融资产占比", "aum_share", "share"),
            Column("户均金融资产", "aum_per_customer", "money"),
            Column("利润贡献度", "contribution", "money"),
            Column("户均贡献度", "contribution_per_customer", "money"),
            Column("服务客户数", "service_customers", "count"),
            Column("其中保级关注", "on_watch", "count"),
            Column("其中人工调整", "overridden", "count"),
        ],
        rows=rows)


def _total(group: pd.DataFrame, market_label: str, tier_label: str) -> dict[str, Any]:
    customers, aum = int(group["customers"].sum()), float(group["aum"].sum())
    contribution = float(group["contribution"].sum())
    return {"market_label": market_label, "tier_label": tier_label, "customers": customers,
            "customer_share": 1.0 if customers else None, "aum": aum,
            "aum_share": 1.0 if aum else None,
            "aum_per_customer": _share(aum, customers), "contribution": contribution,
            "contribution_per_customer": _share(contribution, customers),
            "service_customers": int(group["service_customers"].sum()),
            "on_watch": int(group["on_watch"].sum()),
            "overridden": int(group["overridden"].sum())}


def quadrant_sheet(df: pd.DataFrame, branch: str | None, parameters: dict[str, float]) -> Sheet:
    """价值象限: customers, contribution and AUM per market × tier × quadrant (§5)."""
    notes = ["贡献度高：贡献度 > 0 且 ≥ 同市场同层级客户贡献度中位数",
             _rule_text("银行价值高：银行对客户价值评分 ≥ {bank_value_high_min_score:g}",
                        parameters) or "银行价值高：评分达到参数线",
             "占比为市场内占比（贡献为净额占比）"]
    if branch is not None:
        notes.append("全行参考值：象限按全行同层级客户的贡献度中位数划分，该列为全行数")
    return Sheet(
        name="价值象限", subject="价值象限（客户价值 × 银行价值）", notes=notes,
        columns=[
            Column("市场", "market_label"), Column("客户分层", "tier_label"),
            Column("价值象限", "quadrant_label"), Column("客户数", "customers", "count"),
            Column("客户占比", "customer_share", "share"),
            Column("利润贡献度", "contribution", "money"),
            Column("贡献占比", "contribution_share", "share"),
            Column("月日均金融资产", "aum", "money"),
            Column("户均贡献度", "contribution_per_customer", "money"),
            Column("全行同层级贡献度中位数", "group_median", "money"),
        ],
        rows=_records(df))


def flows_sheet(df: pd.DataFrame) -> Sheet:
    """分层流动: METHODOLOGY.md §8's table (start, retained, lost, gained, end, average AUM,
    net change) against the year start and the month before, with the split by cause."""
    rows = []
    for row in _records(df):
        rows.append({
            **row, "start_avg": _share(row["start_aum"], row["start_customers"]),
            "end_avg": _share(row["end_aum"], row["end_customers"]),
            "net_customers": row["end_customers"] - row["start_customers"],
            "net_aum": row["end_aum"] - row["start_aum"],
        })
    notes = ["按评定等级", "流失 = 降级 + 升级 + 离开（无当期记录或转入其他层级族）",
             "新增 = 新客户（基期无记录或来自其他层级族）+ 升级转入 + 降级转入",
             "金融资产为月日均：期初按基期、期末按当期"]
    if not rows:
        notes.insert(0, "基期（上年12月、上月）未加载，本期无流动数据")
    return Sheet(
        name="分层流动", subject="客户分层流动（期初、保留、流失、新增、期末）", notes=notes,
        columns=[
            Column("对比口径", "flow_label"), Column("基期", "base_period_month", "date"),
            Column("市场", "market_label"), Column("客户分层", "tier_label"),
            Column("期初客户数", "start_customers", "count"),
            Column("期初金融资产", "start_aum", "money"),
            Column("保留客户数", "retained_customers", "count"),
            Column("保留客户期初金融资产", "retained_start_aum", "money"),
            Column("保留客户期末金融资产", "retained_end_aum", "money"),
            Column("流失客户数", "lost_customers", "count"),
            Column("其中降级", "lost_downgraded_customers", "count"),
            Column("其中升级", "lost_upgraded_customers", "count"),
            Column("其中离开", "lost_left_customers", "count"),
            Column("流失客户期初金融资产", "lost_start_aum", "money"),
            Column("新增客户数", "gained_customers", "count"),
            Column("其中新客户", "gained_new_customers", "count"),
            Column("其中升级转入", "gained_upgraded_customers", "count"),
            Column("其中降级转入", "gained_downgraded_customers", "count"),
            Column("新增客户期末金融资产", "gained_end_aum", "money"),
            Column("期末客户数", "end_customers", "count"),
            Column("期末金融资产", "end_aum", "money"),
            Column("期初户均金融资产", "start_avg", "money"),
            Column("期末户均金融资产", "end_avg", "money"),
            Column("客户净增", "net_customers", "count"),
            Column("金融资产净增", "net_aum", "money"),
        ],
        rows=rows)


def pareto_sheet(df: pd.DataFrame, top: float, target: float) -> Sheet:
    """贡献集中度: the top ``top`` share of customers' share of the net contribution and the
    smallest share of customers earning the ``target`` share, per market, with the
    loss-making customers."""
    top_pct, target_pct = f"{top * 100:g}%", f"{target * 100:g}%"
    return Sheet(
        name="贡献集中度", subject=f"贡献集中度（前{top_pct}客户与{target_pct}贡献）",
        notes=[f"客户按利润贡献度由高到低排序，取前{top_pct}（向上取整）",
               "占比的分母为净贡献（盈利减亏损）：亏损客户拉低净额，前列客户占比可超过100%",
               "净贡献 ≤ 0 时占比不适用（留空）"],
        columns=[
            Column("市场", "market_label"), Column("客户数", "customers", "count"),
            Column("净利润贡献度", "total_contribution", "money"),
            Column(f"前{top_pct}客户数", "top_customers", "count"),
            Column(f"前{top_pct}客户贡献度", "top_customers_contribution", "money"),
            Column(f"前{top_pct}客户贡献占比", "top_customers_contribution_share", "share"),
            Column(f"贡献{target_pct}所需客户数", "customers_for_target_share", "count"),
            Column(f"贡献{target_pct}所需客户占比", "customer_share_for_target", "share"),
            Column("亏损客户数", "loss_customers", "count"),
            Column("亏损客户贡献度", "loss_contribution", "money"),
        ],
        rows=_records(df))


def profile_sheet(df: pd.DataFrame) -> Sheet:
    """客群画像: each tier's customers by age, income, occupation, risk grade, lifecycle,
    activity and asset-size band (mart_segment_profile's rule)."""
    return Sheet(
        name="客群画像", subject="客群画像（各层级客户结构）",
        notes=["占比为该层级客户中的占比，每一维度合计100%",
               "不适用：该维度不适用于此市场（年龄、收入、职业仅个人客户；风险等级仅公司及机构客户）",
               "金融资产规模分档按客户所属机构的分档参数"],
        columns=[
            Column("市场", "market_label"), Column("客户分层", "tier_label"),
            Column("画像维度", "dimension_label"), Column("分组", "value_label"),
            Column("客户数", "customers", "count"), Column("层内占比", "customer_share", "share"),
            Column("月日均金融资产", "aum", "money"), Column("户均金融资产", "mean_aum", "money"),
            Column("利润贡献度", "contribution", "money"),
        ],
        rows=_records(df))


def governance_sheet(df: pd.DataFrame) -> Sheet:
    """分层治理: customers on watch, at an override, and served at another tier (§10)."""
    rows = _records(df)
    if rows:
        rows.append({"market_label": "合计", **{
            key: int(df[key].sum())
            for key in ("customers", "on_watch", "overridden", "service_differs")}})
    return Sheet(
        name="分层治理", subject="分层治理（保级与人工调整）",
        notes=["保级关注：评定等级低于服务等级、仍在保级期内",
               "人工调整：经审批的人工调整在本期生效"],
        columns=[
            Column("市场", "market_label"), Column("客户数", "customers", "count"),
            Column("保级关注客户", "on_watch", "count"),
            Column("人工调整生效客户", "overridden", "count"),
            Column("服务等级与评定等级不一致客户", "service_differs", "count"),
        ],
        rows=rows)


def worklist_summary_sheet(df: pd.DataFrame) -> Sheet:
    """工作清单汇总: the size of every worklist (METHODOLOGY.md §11, §14, §16, §18)."""
    return Sheet(
        name="工作清单汇总", subject="客户经理工作清单汇总",
        notes=["每份清单的明细见同名工作表"],
        columns=[
            Column("工作清单", "list_label"), Column("客户数", "customers", "count"),
            Column("月日均金融资产", "aum", "money"),
            Column("涉及机构数", "branches", "number", unit="个"),
        ],
        rows=_records(df))


@dataclass(frozen=True)
class ListMeaning:
    """What a worklist's reference columns mean (METHODOLOGY.md §11 and after)."""

    reference_tier: str | None = None
    reference_period: str | None = None
    reference_value: tuple[str, str] | None = None  # (header, kind)
    gap: tuple[str, str] | None = None
    rule: str = ""


#: The rule sentences may name scalar parameters ({near_line_ratio:.0%}): they are filled
#: in with the scope's values (a sentence whose parameter is missing is left out).
LIST_MEANINGS: dict[str, ListMeaning] = {
    "near_upgrade": ListMeaning("下一等级", None, ("下一等级线", "money"),
                                ("距下一等级线", "money"),
                                "达到下一等级线的{near_line_ratio:.0%}及以上"),
    "on_watch": ListMeaning("保级服务等级", None, ("保级等级线", "money"),
                            ("距保级等级线", "money"), "评定等级低于服务等级、仍在保级期内"),
    "downgraded": ListMeaning("上月服务等级", "对比期间", ("上月服务等级线", "money"),
                              ("距上月等级线", "money"), "服务等级低于上月"),
    "lost_since_year_start": ListMeaning(
        "年初评定等级", "年初期间", ("年初月日均金融资产", "money"),
        ("较年初减少金融资产", "money"), "年初在重点层级、现已降级或离开（升级不计）"),
    "declining": ListMeaning(None, "对比期间", ("上月月日均金融资产", "money"),
                             ("较上月减少金融资产", "money"),
                             "月日均金融资产较上月下降{decline_ratio:.0%}及以上"),
    "handover": ListMeaning(None, None, ("交接提前期", "days"), ("距客户经理离职", "days"),
                            "客户经理已离职、无客户经理或即将离职"),
    "large_outflow": ListMeaning(None, None, ("上月月日均金融资产", "money"),
                                 ("本月资金净流出", "money"),
                                 "本月资金净流出达到上月月日均金融资产的{outflow_ratio:.0%}"),
    "churn_risk": ListMeaning(None, None, ("流失风险分", "score"), None, "流失风险为高"),
    "win_back": ListMeaning(rule="本月转为沉睡或流失的重点层级客户"),
    "contact_overdue": ListMeaning(None, None, ("最长联系间隔", "days"), ("超期天数", "days"),
                                   "超过联系频次未联系"),
}


def _rule_text(rule: str, parameters: dict[str, float]) -> str | None:
    try:
        return rule.format(**parameters)
    except (KeyError, ValueError):
        return None


def worklist_sheet(list_label: str, list_code: str, df: pd.DataFrame,
                   parameters: dict[str, float]) -> Sheet:
    """One worklist's rows by branch and priority (1 = highest AUM in the branch), with its
    reference columns and the owner columns the mart carries."""
    meaning = LIST_MEANINGS.get(list_code, ListMeaning())
    columns = [
        Column("机构", "branch_id"), Column("优先级", "priority", "number", unit="序号"),
        Column("客户号", "customer_id"), Column("市场", "market_label"),
        Column("评定等级", "tier_label"), Column("服务等级", "service_tier_label"),
        Column("月日均金融资产", "avg_aum", "money"),
    ]
    if meaning.reference_tier:
        columns.append(Column(meaning.reference_tier, "reference_tier_label"))
    if meaning.reference_period:
        columns.append(Column(meaning.reference_period, "reference_period_month", "date"))
    if meaning.reference_value:
        columns.append(Column(meaning.reference_value[0], "reference_value",
                              meaning.reference_value[1]))
    if meaning.gap:
        columns.append(Column(meaning.gap[0], "gap", meaning.gap[1]))
    columns += [Column("连续低于等级线", "months_below", "months"),
                Column("剩余保级期", "grace_months_left", "months")]
    for key, header in (("rm_id", "客户经理"), ("rm_name", "客户经理姓名"),
                        ("rm_status_label", "客户经理状态")):
        if key in df.columns:
            columns.append(Column(header, key))
    rule = _rule_text(meaning.rule, parameters) if meaning.rule else None
    notes = [rule] if rule else []
    notes.append("优先级：同一机构内按月日均金融资产由高到低排序")
    return Sheet(name=f"清单-{list_label}"[:31], subject=f"工作清单：{list_label}",
                 columns=columns, rows=_records(df), notes=notes)


def cover_sheet(period_text: str, scope_text: str, published: str, sheets: list[Sheet],
                reference_notes: list[str]) -> Sheet:
    """报告说明: what the workbook holds, its scope and the reading notes."""
    rows = [{"item": "报告期间", "text": period_text}, {"item": "统计范围", "text": scope_text},
            {"item": "数据发布时间", "text": published}]
    rows += [{"item": "工作表", "text": f"{s.name}：{s.subject}"} for s in sheets]
    rows += [{"item": "说明", "text": note} for note in (
        "金额为人民币，单位见各列标题（元、万元、亿元按该列数值选取）",
        "客户数单位为户，占比为百分比", "金融资产为月日均余额", *reference_notes)]
    return Sheet(name="报告说明", subject="报告说明",
                 columns=[Column("项目", "item"), Column("内容", "text")], rows=rows)
