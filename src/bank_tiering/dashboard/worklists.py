"""What each RM worklist means on screen and in a download (METHODOLOGY.md §11, §14, §16,
§18).

The worklists' ``reference_tier_code``, ``reference_value`` and ``gap`` mean a different
thing per list: :data:`LISTS` says, per list code, who is on it (the ratios come from
scalar_parameters, the contact cadence from its seed: :func:`rule_values`), and the
headings and unit of the reference and the gap. A list the dashboard does not know yet (a
newer mart) is shown with neutral headings. :func:`worklist_table` is a list's screen
table (the worklist page, 流失预警), :func:`worklist_columns` its download.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.downloads import Column
from bank_tiering.dashboard.tables import Table

#: The unit of a list's reference and gap: its heading suffix and download kind.
UNITS = {"money": ("（元）", "money"), "days": ("（天）", "int"), "score": ("（分）", "number"),
         "number": ("", "number")}


@dataclass(frozen=True)
class ListSpec:
    """Who is on a list and how its reference and gap read."""

    #: who is on it; ``{name:spec}`` fields are :func:`rule_values` (scalar parameters by
    #: their seed name, e.g. ``{near_line_ratio:.0%}``, and the texts made from them)
    who: str
    reference_tier: str  # heading of reference_tier_label, "" when the list has none
    reference: str  # heading of reference_value, without the unit
    gap: str  # heading of gap, without the unit; "" when the list has no gap
    unit: str = "money"  # money (元, 万元 or 亿元 on screen, 元 in a download) | days | score
    gap_note: str = "差距 = 参照值 − 客户当前值。"
    gap_empty: str = "—"  # what a missing gap reads on screen

    def rule(self, values: Mapping[str, object]) -> str:
        """:attr:`who` with the parameters filled in ("—" for one the file lacks)."""
        parts = []
        for literal, name, spec, _ in string.Formatter().parse(self.who):
            parts.append(literal)
            if name is not None:
                value = values.get(name)
                parts.append("—" if value is None else format(value, spec or ""))
        return "".join(parts)

    def add_reference_columns(self, table: Table, rows) -> None:
        """The list's reference and gap columns of a screen table, headed with their unit
        (money: the unit the values call for, both columns in one)."""
        columns = {self.reference: rows["reference_value"]}
        if self.gap:
            columns[self.gap] = rows["gap"]
        if self.unit == "money":
            table.money_group(columns)
        elif self.unit in ("days", "score"):
            unit, digits = ("天", 0) if self.unit == "days" else ("分", 2)
            for heading, values in columns.items():
                table.number(heading, values, unit, digits=digits,
                             empty=self.gap_empty if heading == self.gap else "—")
        else:
            for heading, values in columns.items():
                table.text(heading, [fmt.scaled(v) for v in values])


LISTS: dict[str, ListSpec] = {
    "near_upgrade": ListSpec(
        "分层依据值（月日均金融资产或存款）≥ 上一档分层线 × {near_line_ratio:.0%}，尚未达到",
        "上一档分层", "上一档分层线", "差距"),
    "on_watch": ListSpec("评定分层已低于服务等级、仍在保级期内按原服务等级服务",
                         "保级的服务等级", "该等级分层线", "差距"),
    "downgraded": ListSpec("服务等级较上月服务等级下降（同一层级族）",
                           "上月服务等级", "该等级分层线", "差距"),
    "lost_since_year_start": ListSpec("上年12月在重点分层，现已不在该分层（含本月已无记录的客户）",
                                      "年初分层", "年初月日均金融资产", "差距"),
    "declining": ListSpec("重点分层中月日均金融资产较上月下降 ≥ {decline_ratio:.0%}",
                          "", "上月月日均金融资产", "差距"),
    "handover": ListSpec(
        "服务等级为重点分层，且客户经理已离职、无客户经理，或将在 {handover_notice_days:g} 天内"
        "离职",
        "", "交接提前期", "距客户经理离职日", unit="days",
        gap_note="距客户经理离职日 = 离职日 − 期末日（已离职为负数，无客户经理为空）。"),
    "large_outflow": ListSpec(
        "服务等级为重点分层，本月资金净流出 ≥ 上月月日均金融资产 × {outflow_ratio:.0%}，且 ≥ "
        "{outflow_min_amount_zh}",
        "", "上月月日均金融资产", "本月资金净流出",
        gap_note="资金净流出 = 客户主动发起的活期、定期存款转出 − 转入（按交易日汇率折人民币）。"),
    "churn_risk": ListSpec(
        "服务等级为重点分层，且流失风险评分 ≥ {churn_band_high_min_score:g}分（流失风险高）",
        "", "流失风险评分", "", unit="score",
        gap_note="评分 = 资产下降、资金净流出、交易活跃度下降、满意度偏低、无在职客户经理五项得分"
                 "之和（各项得分见客户视图）。"),
    "win_back": ListSpec(
        "本月生命周期转为沉睡或流失（上月不是），且前 {win_back_lookback_months:g} 个月内曾在"
        "重点分层",
        "曾在的重点分层", "当时月日均金融资产", "资产减少",
        gap_note="资产减少 = 最近一次在重点分层时的月日均金融资产 − 本月月日均金融资产。"),
    "contact_overdue": ListSpec(
        "服务等级有联系频次要求（{cadence_zh}），且从未联系或距上次联系超过该天数",
        "", "联系频次要求", "超期天数", unit="days", gap_empty="从未联系",
        gap_note="超期天数 = 距上次联系天数 − 联系频次要求天数；从未联系的客户显示为“从未联系”。"),
}
_UNKNOWN = ListSpec("见清单说明", "参照分层", "参照值", "差距", unit="number", gap_note="")


def list_spec(list_code: str) -> ListSpec:
    return LISTS.get(list_code, _UNKNOWN)


def rule_values(parameters: Mapping[str, float], cadence: pd.DataFrame) -> dict[str, object]:
    """What the rules name: the scalar parameters (by their seed name) and the texts made
    from them — ``outflow_min_amount_zh`` (the amount in 元 / 万元) and ``cadence_zh`` (each
    tier's contact cadence, e.g. ``个人高净值客户 30天、…``; from
    :func:`~bank_tiering.dashboard.queries.contact_cadence`)."""
    values: dict[str, object] = dict(parameters)
    if parameters.get("outflow_min_amount") is not None:
        values["outflow_min_amount_zh"] = fmt.amount(parameters["outflow_min_amount"])
    if len(cadence):
        values["cadence_zh"] = "、".join(
            f"{fmt.text(m)[:2]}{fmt.text(t)} {int(d)}天" for m, t, d in zip(
                cadence["market_label"], cadence["tier_label"],
                cadence["max_days_between_contacts"], strict=True))
    return values


def worklist_table(rows: pd.DataFrame, spec: ListSpec) -> Table:
    """A page of one list's rows (:func:`~bank_tiering.dashboard.queries.worklist_rows`) as
    the screen table: branch, priority, customer, tiers, AUM, the list's reference and gap,
    the watch columns where a row has them, the owner and its status."""
    table = Table().text("机构", rows["branch_id"]).count("优先级", rows["priority"], unit="位")
    table.text("客户号", rows["customer_id"]).text("市场", rows["market_label"])
    table.text("评定分层", rows["tier_label"]).text("服务等级", rows["service_tier_label"])
    table.money("月日均金融资产", rows["avg_aum"])
    if spec.reference_tier:
        table.text(spec.reference_tier, rows["reference_tier_label"])
    spec.add_reference_columns(table, rows)
    if (rows["months_below"].fillna(0) > 0).any() or rows["grace_months_left"].notna().any():
        # the watch columns (保级关注, 本月降级): empty for the other lists, so left out there
        table.count("连续低于分层线", rows["months_below"], unit="个月")
        table.count("本月后剩余保级", rows["grace_months_left"], unit="个月")
    table.text("客户经理", [fmt.owner(i, n) for i, n in zip(rows["rm_id"], rows["rm_name"],
                                                           strict=True)])
    table.text("客户经理状态", rows["rm_status_label"])
    return table


def worklist_columns(spec: ListSpec) -> list[Column]:
    """The columns of a worklist download (headings with units; money in 元)."""
    unit, kind = UNITS[spec.unit]
    columns = [
        Column("branch_id", "机构"), Column("priority", "优先级", "int"),
        Column("customer_id", "客户号"), Column("market_label", "市场"),
        Column("tier_label", "评定分层"), Column("service_tier_label", "服务等级"),
        Column("avg_aum", "月日均金融资产（元）", "money"),
    ]
    if spec.reference_tier:
        columns.append(Column("reference_tier_label", spec.reference_tier))
    columns.append(Column("reference_value", f"{spec.reference}{unit}", kind))
    if spec.gap:
        columns.append(Column("gap", f"{spec.gap}{unit}", kind))
    return [
        *columns,
        Column("months_below", "连续低于分层线（个月）", "int"),
        Column("grace_months_left", "本月后剩余保级（个月）", "int"),
        Column("rm_id", "客户经理编号"), Column("rm_name", "客户经理"),
        Column("rm_status_label", "客户经理状态"),
    ]
