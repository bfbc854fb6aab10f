"""客户经理工作清单: the RM worklists of mart_rm_worklist (METHODOLOGY.md §11, §14) in the
user's scope, with each row's owner (RM and status), and every list as CSV and Excel."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.downloads import Column, offer
from bank_tiering.dashboard.worklists import list_spec, worklist_columns

with page("客户经理工作清单") as (con, scope, filters):
    counts = queries.worklist_counts(con, scope, filters)
    labels = dict(zip(counts["list_code"], counts["list_label"], strict=True))
    chosen = st.selectbox("清单", list(labels), format_func=labels.get, key="worklist_list")
    rows = queries.worklist_rows(con, scope, filters, chosen)
    ratios = {"near": queries.scalar_parameter(con, "near_line_ratio", filters.branch),
              "decline": queries.scalar_parameter(con, "decline_ratio", filters.branch),
              "notice": queries.scalar_parameter(con, "handover_notice_days", filters.branch)}

st.caption(describe_filters(scope, filters)
           + "（优先级为同一清单、同一机构内按月日均金融资产从高到低排序）")
for column, label, n in zip(st.columns(len(counts)), counts["list_label"], counts["customers"],
                            strict=True):
    column.metric(label, fmt.count(n))

spec = list_spec(chosen)
st.subheader(f"{labels[chosen]}（{fmt.count(rows.attrs['total'])}户）")
st.markdown(f"**入选条件**：{spec.rule(ratios)}。{spec.gap_note}")
if rows.empty:
    st.info("所选范围在该期间没有这类客户。")
    st.stop()
offer(labels[chosen], chosen, filters.period,
      lambda c: queries.worklist_rows(c, scope, filters, chosen, limit=None),
      [Column("period_month", "期间", "date"), Column("list_label", "清单"),
       *worklist_columns(spec)])
table = {
    "机构": list(rows["branch_id"]),
    "优先级": [fmt.count(v) for v in rows["priority"]],
    "客户号": list(rows["customer_id"]),
    "市场": list(rows["market_label"]),
    "评定分层": [fmt.text(v) for v in rows["tier_label"]],
    "服务等级": [fmt.text(v) for v in rows["service_tier_label"]],
    "月日均金融资产（万元）": [fmt.in_wan(v) for v in rows["avg_aum"]],
}
if spec.reference_tier:
    table[spec.reference_tier] = [fmt.text(v) for v in rows["reference_tier_label"]]
table |= {
    spec.reference_heading: [spec.shown(v) for v in rows["reference_value"]],
    spec.gap_heading: [spec.shown(v) for v in rows["gap"]],
    "连续低于月数": [fmt.count(v) or "—" for v in rows["months_below"]],
    "剩余保级月数": [fmt.count(v) or "—" for v in rows["grace_months_left"]],
    "客户经理": [fmt.owner(i, n) for i, n in zip(rows["rm_id"], rows["rm_name"], strict=True)],
    "客户经理状态": [fmt.text(v) for v in rows["rm_status_label"]],
}
show_table(table)
if rows.attrs["total"] > len(rows):
    st.caption(f"按机构、优先级排序，显示前 {len(rows)} 户"
               f"（共 {fmt.count(rows.attrs['total'])} 户；下载含全部）。")
