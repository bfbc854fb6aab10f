"""分层流动: start, retained, lost, gained, end per tier — month on month and year to date
(METHODOLOGY.md §8, the seed example's table), with lost and gained split by cause
(lost = downgraded + upgraded + left; gained = new + upgraded + downgraded, INTERFACES.md
§3), over the user's scope and the filters: each customer counts in the months it is in
the scope (an RM's book month by month). The figures are
:func:`bank_tiering.analysis.flows.tier_flows`, the report's too."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table

FLOW_TYPES = {"mom": "较上月（环比）", "ytd": "较年初"}
LOST = "流失客户 = 降级 + 升级 + 离开"
GAINED = "新增客户 = 新客户 + 升级转入 + 降级转入"

with page("分层流动") as (con, scope, filters):
    flows = {flow_type: queries.tier_flows(con, scope, filters, flow_type)
             for flow_type in FLOW_TYPES}

st.caption(describe_filters(scope, filters) + "（按评定分层）")
st.caption("流失：期初在该分层、期末不在——降级（同一层级族的较低分层）、升级（较高分层）、离开（期末"
           "已无记录或转入其他层级族，如公司客户结清贷款）。新增：期末在该分层、期初不在——新客户（期初"
           "无记录或来自其他层级族）、升级转入、降级转入。")
if scope.kind == "rm":
    st.caption("客户经理口径：期初为基期名下客户，期末为本期名下客户；移交给其他客户经理的客户计入流失"
               "（离开），接手的客户计入新增（新客户）。")


def _split(total, *parts) -> list[str]:
    """"12 = 9 + 1 + 2" per row."""
    return [f"{fmt.count(t)} = " + " + ".join(fmt.count(p) for p in row)
            for t, *row in zip(total, *parts, strict=True)]


for flow_type, title in FLOW_TYPES.items():
    df = flows[flow_type]
    st.subheader(title)
    if df.empty:
        st.info("该期间没有可比的基期（较上月需要上月数据，较年初需要上年12月数据）。")
        continue
    st.caption(f"基期：{df['base_period_month'].iloc[0]:%Y年%m月}；本期：{filters.period:%Y年%m月}")
    customers = Table().text("市场", df["market_label"]).text("分层", df["tier_label"])
    customers.count("期初客户", df["start_customers"])
    customers.count("保留客户", df["retained_customers"])
    customers.columns[f"{LOST}（户）"] = _split(
        df["lost_customers"], df["lost_downgraded_customers"], df["lost_upgraded_customers"],
        df["lost_left_customers"])
    customers.columns[f"{GAINED}（户）"] = _split(
        df["gained_customers"], df["gained_new_customers"], df["gained_upgraded_customers"],
        df["gained_downgraded_customers"])
    customers.count("期末客户", df["end_customers"])
    customers.count("净增客户", df["net_customers"], sign=True)
    customers.show()
    amounts = Table().text("市场", df["market_label"]).text("分层", df["tier_label"])
    amounts.money_group({
        "期初金融资产": df["start_aum"], "流失客户期初金融资产": df["lost_start_aum"],
        "新增客户期末金融资产": df["gained_end_aum"], "期末金融资产": df["end_aum"],
    })
    amounts.money("金融资产净增", df["net_aum"], sign=True)
    amounts.money_group({
        "期初户均金融资产": (df["start_aum"] / df["start_customers"]).where(
            df["start_customers"] > 0),
        "期末户均金融资产": (df["end_aum"] / df["end_customers"]).where(df["end_customers"] > 0),
    })
    amounts.show()
st.caption("金融资产为月日均：期初按基期、期末按本期。")
