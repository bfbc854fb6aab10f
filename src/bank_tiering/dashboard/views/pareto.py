"""贡献集中度: the Pareto curve of contribution over the scope, and the concentration per
market by the rule of mart_contribution_pareto (INTERFACES.md §3), computed over the scope."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page, show_table
from bank_tiering.dashboard.formatting import WAN

with page("贡献集中度") as (con, scope, filters):
    shares = queries.pareto_shares(con)
    curve = queries.pareto_curve(con, scope, filters)
    summary = queries.pareto_summary(con, scope, filters)

overall = summary[summary["market_class"] == "*"]
figures = overall.iloc[0] if len(overall) else None
st.caption(describe_filters(scope, filters))
c1, c2, c3 = st.columns(3)
c1.metric("客户数", fmt.count(figures["customers"] if figures is not None else 0))
c2.metric(f"前{fmt.share(shares['top'], 0)}客户贡献占比",
          fmt.share(figures["top_customers_contribution_share"]) if figures is not None else "")
c3.metric(f"贡献{fmt.share(shares['target'], 0)}所需客户占比",
          fmt.share(figures["customer_share_for_target"]) if figures is not None else "")
if figures is None or fmt.missing(figures["top_customers_contribution_share"]):
    st.info("所选范围的净贡献度 ≤ 0 或没有客户：集中度无意义。")
else:
    st.altair_chart(charts.pareto(curve, shares["top"], shares["target"]), width="stretch")
st.subheader("各市场集中度（所选范围）")
markets = summary[summary["market_class"] != "*"]
show_table({
    "市场": list(markets["market_label"]),
    "客户数": [fmt.count(v) for v in markets["customers"]],
    "净贡献度（万元）": [f"{v / WAN:,.2f}" for v in markets["total_contribution"]],
    "前列客户数": [fmt.count(v) for v in markets["top_customers"]],
    "前列客户贡献占比": [fmt.share(v) for v in markets["top_customers_contribution_share"]],
    "达标所需客户数": [fmt.count(v) for v in markets["customers_for_target_share"]],
    "达标所需客户占比": [fmt.share(v) for v in markets["customer_share_for_target"]],
})
