"""What each RM worklist means on screen and in a download (METHODOLOGY.md §11, §14).

The worklists' ``reference_tier_code``, ``reference_value`` and ``gap`` mean a different
thing per list: :data:`LISTS` says, per list code, who is on it (the ratios come from
scalar_parameters), and the headings and unit of the reference and the gap. A list the
dashboard does not know yet (a newer mart) is shown with neutral headings.
"""

from __future__ import annotations

from dataclasses import dataclass

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.downloads import Column
from bank_tiering.dashboard.tables import Table


@dataclass(frozen=True)
class ListSpec:
    """Who is on a list and how its reference and gap read."""

    who: str  # with {near}, {decline}, {notice} placeholders
    reference_tier: str  # heading of reference_tier_label, "" when the list has none
    reference: str  # heading of reference_value, without the unit
    gap: str  # heading of gap, without the unit
    unit: str = "money"  # money (元, 万元 or 亿元 on screen, 元 in a download) | days | number
    gap_note: str = "差距 = 参照值 − 客户当前值。"

    def rule(self, ratios: dict[str, float | None]) -> str:
        shown = {"near": f"{ratios['near']:.0%}" if ratios.get("near") is not None else "—",
                 "decline": (f"{ratios['decline']:.0%}" if ratios.get("decline") is not None
                             else "—"),
                 "notice": (f"{ratios['notice']:g}" if ratios.get("notice") is not None
                            else "—")}
        return self.who.format(**shown)

    def add_reference_columns(self, table: Table, rows) -> None:
        """The list's reference and gap columns of a screen table, headed with their unit
        (money: the unit the values call for, both columns in one)."""
        columns = {self.reference: rows["reference_value"], self.gap: rows["gap"]}
        if self.unit == "money":
            table.money_group(columns)
        elif self.unit == "days":
            for heading, values in columns.items():
                table.number(heading, values, "天", digits=0)
        else:
            for heading, values in columns.items():
                table.text(heading, [fmt.scaled(v) for v in values])


LISTS: dict[str, ListSpec] = {
    "near_upgrade": ListSpec("分层依据值（月日均金融资产或存款）≥ 上一档分层线 × {near}，尚未达到",
                             "上一档分层", "上一档分层线", "差距"),
    "on_watch": ListSpec("评定分层已低于服务等级、仍在保级期内按原服务等级服务",
                         "保级的服务等级", "该等级分层线", "差距"),
    "downgraded": ListSpec("服务等级较上月服务等级下降（同一层级族）",
                           "上月服务等级", "该等级分层线", "差距"),
    "lost_since_year_start": ListSpec("上年12月在重点分层，现已不在该分层（含本月已无记录的客户）",
                                      "年初分层", "年初月日均金融资产", "差距"),
    "declining": ListSpec("重点分层中月日均金融资产较上月下降 ≥ {decline}",
                          "", "上月月日均金融资产", "差距"),
    "handover": ListSpec(
        "服务等级为重点分层，且客户经理已离职、无客户经理，或将在 {notice} 天内离职",
        "", "交接提前期", "距客户经理离职日", unit="days",
        gap_note="距客户经理离职日 = 离职日 − 期末日（已离职为负数，无客户经理为空）。"),
}
_UNKNOWN = ListSpec("见清单说明", "参照分层", "参照值", "差距", unit="number", gap_note="")


def list_spec(list_code: str) -> ListSpec:
    return LISTS.get(list_code, _UNKNOWN)


def worklist_columns(spec: ListSpec) -> list[Column]:
    """The columns of a worklist download (headings with units; money in 元)."""
    unit = {"money": "（元）", "days": "（天）", "number": ""}[spec.unit]
    kind = {"money": "money", "days": "int", "number": "number"}[spec.unit]
    columns = [
        Column("branch_id", "机构"), Column("priority", "优先级", "int"),
        Column("customer_id", "客户号"), Column("market_label", "市场"),
        Column("tier_label", "评定分层"), Column("service_tier_label", "服务等级"),
        Column("avg_aum", "月日均金融资产（元）", "money"),
    ]
    if spec.reference_tier:
        columns.append(Column("reference_tier_label", spec.reference_tier))
    return [
        *columns,
        Column("reference_value", f"{spec.reference}{unit}", kind),
        Column("gap", f"{spec.gap}{unit}", kind),
        Column("months_below", "连续低于分层线（个月）", "int"),
        Column("grace_months_left", "本月后剩余保级（个月）", "int"),
        Column("rm_id", "客户经理编号"), Column("rm_name", "客户经理"),
        Column("rm_status_label", "客户经理状态"),
    ]
