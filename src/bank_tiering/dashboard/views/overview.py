"""分层总览: the tier pyramid of every market — customers, AUM and contribution by assessed
tier, with the customers served at each tier (service tier, METHODOLOGY.md §10) beside."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.formatting import WAN, YI

with page("分层总览") as (con, scope, filters):
    total = queries.totals(con, scope, filters)
    pyramid = queries.tier_pyramid(con, scope, filters)

st.caption(describe_filters(scope, filters) + "（按评定分层；金融资产为月日均）")
c1, c2, c3 = st.columns(3)
c1.metric("客户数", fmt.count(total["customers"]))
c2.metric("金融资产（月日均）", fmt.yi(total["aum"]))
c3.metric("利润贡献度", fmt.wan(total["contribution"]))
g1, g2, g3 = st.columns(3)
g1.metric("保级关注", fmt.count(total["on_watch"]),
          help="评定分层已低于服务等级、仍在保级期内按原服务等级服务的客户（METHODOLOGY §10）")
g2.metric("人工调整", fmt.count(total["overridden"]),
          help="按已审批的人工调整确定服务等级的客户（METHODOLOGY §10）")
g3.metric("服务等级≠评定分层", fmt.count(total["service_differs"]),
          help="实际服务等级与当月评定分层不同的客户（保级或人工调整）")

if pyramid.empty:
    st.info("所选范围在该期间没有客户。")
for _market, df in pyramid.groupby("market_class", sort=False):
    st.subheader(f"{df['market_label'].iloc[0]}（{fmt.count(df['customers'].sum())}户）")
    left, middle, right = st.columns(3)
    left.altair_chart(charts.tier_pyramid(df, "customers", "客户数", unit_label="（户）"),
                      width="stretch")
    middle.altair_chart(charts.tier_pyramid(df, "aum", "金融资产", YI, "（亿元）"),
                        width="stretch")
    right.altair_chart(charts.tier_pyramid(df, "contribution", "贡献度", WAN, "（万元）"),
                       width="stretch")
    show_table({
        "分层": list(df["tier_label"]),
        "客户数": [fmt.count(v) for v in df["customers"]],
        "占比": [fmt.share(v) for v in df["customer_share"]],
        "服务等级户数": [fmt.count(v) for v in df["service_customers"]],
        "其中保级/调整": [f"{fmt.count(w)} / {fmt.count(o)}"
                          for w, o in zip(df["on_watch"], df["overridden"], strict=True)],
        "金融资产（亿元）": [f"{v / YI:,.2f}" for v in df["aum"]],
        "户均资产（万元）": [fmt.in_wan(v) for v in df["aum_per_customer"]],
        "贡献度（万元）": [f"{v / WAN:,.2f}" for v in df["contribution"]],
    })
st.caption("金字塔、客户数和金额按评定分层（当月数据评定）。服务等级户数按实际服务的等级（快升缓降的"
           "保级期、人工调整之后），其中保级/调整为按该等级服务的保级关注客户数 / 人工调整客户数。")
