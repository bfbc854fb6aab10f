"""分层总览: the tier pyramid of every market — customers, AUM and contribution by assessed
tier, with the customers served at each tier (service tier, METHODOLOGY.md §10) beside."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table
from bank_tiering.money import money_unit

with page("分层总览") as (con, scope, filters):
    total = queries.totals(con, scope, filters)
    pyramid = queries.tier_pyramid(con, scope, filters)

st.caption(describe_filters(scope, filters) + "（按评定分层；金融资产为月日均）")
c1, c2, c3 = st.columns(3)
c1.metric("客户数", f"{fmt.count(total['customers'])}户")
c2.metric("金融资产（月日均）", fmt.amount(total["aum"]))
c3.metric("利润贡献度", fmt.amount(total["contribution"]))
g1, g2, g3 = st.columns(3)
g1.metric("保级关注", f"{fmt.count(total['on_watch'])}户",
          help="评定分层已低于服务等级、仍在保级期内按原服务等级服务的客户")
g2.metric("人工调整", f"{fmt.count(total['overridden'])}户",
          help="按已审批的人工调整确定服务等级的客户")
g3.metric("服务等级≠评定分层", f"{fmt.count(total['service_differs'])}户",
          help="实际服务等级与当月评定分层不同的客户（保级或人工调整）")

if pyramid.empty:
    st.info("所选范围在该期间没有客户。")
for _market, df in pyramid.groupby("market_class", sort=False):
    st.subheader(f"{df['market_label'].iloc[0]}（{fmt.count(df['customers'].sum())}户）")
    aum_factor, aum_unit = money_unit(df["aum"])
    contribution_factor, contribution_unit = money_unit(df["contribution"])
    left, middle, right = st.columns(3)
    left.altair_chart(charts.tier_pyramid(df, "customers", "客户数", unit_label="（户）"),
                      width="stretch")
    middle.altair_chart(charts.tier_pyramid(df, "aum", "金融资产", aum_factor,
                                            f"（{aum_unit}）"), width="stretch")
    right.altair_chart(charts.tier_pyramid(df, "contribution", "贡献度", contribution_factor,
                                           f"（{contribution_unit}）"), width="stretch")
    table = Table().text("分层", df["tier_label"]).count("客户数", df["customers"])
    table.share("占比", df["customer_share"]).count("服务等级户数", df["service_customers"])
    table.count("其中保级关注", df["on_watch"]).count("其中人工调整", df["overridden"])
    table.money("金融资产", df["aum"])
    table.money("户均金融资产", df["aum_per_customer"])
    table.money("利润贡献度", df["contribution"])
    table.show()
st.caption("金字塔、客户数和金额按评定分层（当月数据评定）。服务等级户数按实际服务的等级（快升缓降的"
           "保级期、人工调整之后），其中保级关注、人工调整为按该等级服务的客户数。")
