"""客户经理工作清单: the RM worklists (METHODOLOGY.md §11, §14) in the user's scope, with each
row's owner (RM and status), a page of 100 rows at a time (every row reachable, the count
shown), and every list as CSV and Excel."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, page_caption, pager
from bank_tiering.dashboard.downloads import Column, offer
from bank_tiering.dashboard.tables import Table
from bank_tiering.dashboard.worklists import list_spec, worklist_columns

with page("客户经理工作清单") as (con, scope, filters):
    counts = queries.worklist_counts(con, scope, filters)
    labels = dict(zip(counts["list_code"], counts["list_label"], strict=True))
    sizes = dict(zip(counts["list_code"], counts["customers"], strict=True))
    chosen = st.selectbox("清单", list(labels), format_func=labels.get, key="worklist_list")
    total = int(sizes[chosen])
    st.subheader(f"{labels[chosen]}（{fmt.count(total)}户）")
    offset, size = pager(total, f"worklist_page_{chosen}")
    rows = queries.worklist_rows(con, scope, filters, chosen, limit=size, offset=offset)
    ratios = {"near": queries.scalar_parameter(con, "near_line_ratio", filters.branch),
              "decline": queries.scalar_parameter(con, "decline_ratio", filters.branch),
              "notice": queries.scalar_parameter(con, "handover_notice_days", filters.branch)}

st.caption(describe_filters(scope, filters)
           + "（优先级为同一清单、同一机构内按月日均金融资产从高到低排序）")
for column, label, n in zip(st.columns(len(counts)), counts["list_label"], counts["customers"],
                            strict=True):
    column.metric(label, f"{fmt.count(n)}户")

spec = list_spec(chosen)
st.markdown(f"**入选条件**：{spec.rule(ratios)}。{spec.gap_note}")
if rows.empty:
    st.info("所选范围在该期间没有这类客户。")
    st.stop()
offer(labels[chosen], chosen, filters.period,
      lambda c: queries.worklist_rows(c, scope, filters, chosen, limit=None),
      [Column("period_month", "期间", "date"), Column("list_label", "清单"),
       *worklist_columns(spec)])
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
table.show()
page_caption(offset, len(rows), total)
