"""贡献集中度: the Pareto curve of contribution (INTERFACES.md §3 mart_contribution_pareto)."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.formatting import WAN

with page("贡献集中度") as (con, filters):
    shares = queries.pareto_shares(con, filters.period)
    curve = queries.pareto_curve(con, filters)
    mart = queries.pareto_mart(con, filters)

figures = queries.pareto_figures(curve, shares["top"], shares["target"])
st.caption(describe_filters(filters)
           + "（曲线：fct_customer_segment；表：mart_contribution_pareto）")
c1, c2, c3 = st.columns(3)
c1.metric("客户数", fmt.count(figures["customers"]))
c2.metric(f"前{fmt.share(shares['top'], 0)}客户贡献占比", fmt.share(figures["top_share"]))
c3.metric(f"贡献{fmt.share(shares['target'], 0)}所需客户占比",
          fmt.share(figures["customer_share_for_target"]))
if figures["top_share"] is None:
    st.info("所选范围的净贡献度 ≤ 0 或没有客户：集中度无意义。")
else:
    st.altair_chart(charts.pareto(curve, shares["top"], shares["target"]), width="stretch")
st.subheader("各市场集中度（全行口径）")
show_table({
    "市场": list(mart["market_label"]),
    "客户数": [fmt.count(v) for v in mart["customers"]],
    "净贡献度（万元）": [f"{v / WAN:,.2f}" for v in mart["total_contribution"]],
    "前列客户数": [fmt.count(v) for v in mart["top_customers"]],
    "前列客户贡献占比": [fmt.share(v) for v in mart["top_customers_contribution_share"]],
    "达标所需客户数": [fmt.count(v) for v in mart["customers_for_target_share"]],
    "达标所需客户占比": [fmt.share(v) for v in mart["customer_share_for_target"]],
})
