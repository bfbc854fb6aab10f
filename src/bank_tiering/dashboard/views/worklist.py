"""客户经理工作清单: the RM worklists of mart_rm_worklist (METHODOLOGY.md §11)."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, show_table

#: Per list: who is on it, and the headings of its reference tier and reference value
#: (mart_rm_worklist's reference_tier_code / reference_value mean a different thing per
#: list, METHODOLOGY.md §11; the ratios come from scalar_parameters).
LISTS = {
    "near_upgrade": ("分层依据值（月日均金融资产或存款）≥ 上一档分层线 × {near:.0%}，尚未达到",
                     "上一档分层", "上一档分层线（万元）"),
    "on_watch": ("评定分层已低于服务等级、仍在保级期内按原服务等级服务",
                 "保级的服务等级", "该等级分层线（万元）"),
    "downgraded": ("服务等级较上月服务等级下降（同一层级族）",
                   "上月服务等级", "该等级分层线（万元）"),
    "lost_since_year_start": ("上年12月在重点分层，现已不在该分层（含本月已无记录的客户）",
                              "年初分层", "年初月日均金融资产（万元）"),
    "declining": ("重点分层中月日均金融资产较上月下降 ≥ {decline:.0%}",
                  "", "上月月日均金融资产（万元）"),
}


with page("客户经理工作清单") as (con, filters):
    counts = queries.worklist_counts(con, filters)
    labels = dict(zip(counts["list_code"], counts["list_label"], strict=True))
    chosen = st.selectbox("清单", list(labels), format_func=labels.get, key="worklist_list")
    rows = queries.worklist_rows(con, filters, chosen)
    ratios = {"near": queries.scalar_parameter(con, "near_line_ratio", filters.branch),
              "decline": queries.scalar_parameter(con, "decline_ratio", filters.branch)}

st.caption(describe_filters(filters) + "（mart_rm_worklist；优先级为同一清单、同一机构内按月日均"
           "金融资产从高到低排序）")
for column, label, n in zip(st.columns(len(counts)), counts["list_label"], counts["customers"],
                            strict=True):
    column.metric(label, fmt.count(n))

who, reference_tier, reference_value = LISTS[chosen]
st.subheader(f"{labels[chosen]}（{fmt.count(rows.attrs['total'])}户）")
st.markdown(f"**入选条件**：{who.format(**ratios)}。差距 = 参照值 − 客户当前值。")
if rows.empty:
    st.info("所选范围在该期间没有这类客户。")
    st.stop()
table = {
    "机构": list(rows["branch_id"]),
    "优先级": [fmt.count(v) for v in rows["priority"]],
    "客户号": list(rows["customer_id"]),
    "市场": list(rows["market_label"]),
    "评定分层": [fmt.text(v) for v in rows["tier_label"]],
    "服务等级": [fmt.text(v) for v in rows["service_tier_label"]],
    "月日均金融资产（万元）": [fmt.in_wan(v) for v in rows["avg_aum"]],
}
if reference_tier:
    table[reference_tier] = [fmt.text(v) for v in rows["reference_tier_label"]]
table |= {
    reference_value: [fmt.in_wan(v) for v in rows["reference_value"]],
    "差距（万元）": [fmt.in_wan(v) for v in rows["gap"]],
    "连续低于月数": [fmt.count(v) or "—" for v in rows["months_below"]],
    "剩余保级月数": [fmt.count(v) or "—" for v in rows["grace_months_left"]],
}
show_table(table)
if rows.attrs["total"] > len(rows):
    st.caption(f"按机构、优先级排序，显示前 {len(rows)} 户"
               f"（共 {fmt.count(rows.attrs['total'])} 户）。")
