"""客户经理工作清单: the RM worklists of mart_rm_worklist (METHODOLOGY.md §11)."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.formatting import WAN

PENDING = """本页在“分层治理”（issue 8）合入后显示：服务文件中还没有 `marts.mart_rm_worklist`。

届时按所选期间、机构和市场列出五张清单（METHODOLOGY.md §11）：
- **临界提升客户**：距上一档分层线不足 10% 的客户；
- **保级关注客户**：低于本档线、仍在保级期内的客户（连续低于月数、剩余保级月数）；
- **本月降级客户**：服务等级较上月下降的客户；
- **年初以来流失客户**：年初在重点分层、现已不在的客户；
- **资产下滑客户**：重点分层中月日均金融资产较上月下降 ≥ 20% 的客户。

每行显示优先级（同机构内按月日均金融资产排序）、客户号、评定分层与服务等级、月日均金融资产、
比较值（分层线或上月资产）与差距。"""

with page("客户经理工作清单") as (con, filters):
    ready = queries.has_worklist(con)
    if ready:
        counts = queries.worklist_counts(con, filters)
        labels = dict(zip(counts["list_code"], counts["list_label"], strict=True))
        chosen = st.selectbox("清单", list(labels), format_func=labels.get,
                              key="worklist_list") if labels else None
        rows = queries.worklist_rows(con, filters, chosen) if chosen else None

if not ready:
    st.info(PENDING)
    st.stop()
st.caption(describe_filters(filters) + "（mart_rm_worklist）")
if counts.empty:
    st.info("所选范围在该期间没有清单客户。")
    st.stop()
columns = st.columns(len(counts))
for column, label, n in zip(columns, counts["list_label"], counts["customers"], strict=True):
    column.metric(label, fmt.count(n))
show_table({
    "机构": list(rows["branch_id"]),
    "优先级": [fmt.count(v) for v in rows["priority"]],
    "客户号": list(rows["customer_id"]),
    "评定分层": [label or code for label, code in zip(rows["tier_label"], rows["tier_code"],
                                                      strict=True)],
    "服务等级": [label or code for label, code in zip(rows["service_tier_label"],
                                                      rows["service_tier_code"], strict=True)],
    "月日均金融资产（万元）": [f"{v / WAN:,.2f}" for v in rows["avg_aum"]],
    "比较值（万元）": [fmt.wan(v).removesuffix("万元") for v in rows["reference_value"]],
    "差距（万元）": [fmt.wan(v).removesuffix("万元") for v in rows["gap"]],
    "连续低于月数": [fmt.count(v) for v in rows["months_below"]],
    "剩余保级月数": [fmt.count(v) for v in rows["grace_months_left"]],
})
st.caption("按机构、优先级排序，最多显示100行。")
