"""分层流动: start, retained, lost, gained, end per tier — month on month and year to date
(METHODOLOGY.md §8, the seed example's table), over the user's scope and the filters:
each customer counts in the months it is in the scope (an RM's book month by month)."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.formatting import WAN, YI

FLOW_TYPES = {"mom": "较上月（环比）", "ytd": "较年初"}

with page("分层流动") as (con, scope, filters):
    flows = {flow_type: queries.tier_flows(con, scope, filters, flow_type)
             for flow_type in FLOW_TYPES}

st.caption(describe_filters(scope, filters) + "（按评定分层）")
if scope.kind == "rm":
    st.caption("客户经理口径：期初为基期名下客户，期末为本期名下客户；移交给其他客户经理的客户计入流失，"
               "接手的客户计入新增。")


def _avg(aum: float, customers: int) -> str:
    return f"{aum / customers / WAN:,.2f}" if customers else "—"


for flow_type, title in FLOW_TYPES.items():
    df = flows[flow_type]
    st.subheader(title)
    if df.empty:
        st.info("该期间没有可比的基期（较上月需要上月数据，较年初需要上年12月数据）。")
        continue
    st.caption(f"基期：{df['base_period_month'].iloc[0]:%Y年%m月}；金额为月日均金融资产（亿元）")
    show_table({
        "市场": list(df["market_label"]),
        "分层": list(df["tier_label"]),
        "期初客户": [fmt.count(v) for v in df["start_customers"]],
        "期初资产": [f"{v / YI:,.2f}" for v in df["start_aum"]],
        "保留客户": [fmt.count(v) for v in df["retained_customers"]],
        "流失客户": [fmt.count(v) for v in df["lost_customers"]],
        "流失客户期初资产": [f"{v / YI:,.2f}" for v in df["lost_start_aum"]],
        "新增客户": [fmt.count(v) for v in df["gained_customers"]],
        "新增客户期末资产": [f"{v / YI:,.2f}" for v in df["gained_end_aum"]],
        "期末客户": [fmt.count(v) for v in df["end_customers"]],
        "期末资产": [f"{v / YI:,.2f}" for v in df["end_aum"]],
        "户均（万元）期初→期末": [
            f"{_avg(a, c)} → {_avg(b, d)}" for a, c, b, d in zip(
                df["start_aum"], df["start_customers"], df["end_aum"], df["end_customers"],
                strict=True)],
        "净增客户": [f"{v:+,d}" for v in df["net_customers"]],
        "净增资产": [f"{round(v / YI, 2) + 0.0:+,.2f}" for v in df["net_aum"]],  # never -0.00
    })
