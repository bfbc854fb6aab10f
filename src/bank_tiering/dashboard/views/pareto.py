"""贡献集中度: the Pareto curve of contribution over the scope, and the concentration per
market by the rule of mart_contribution_pareto (INTERFACES.md §3), computed over the scope
(:mod:`bank_tiering.analysis.pareto`, the report's too). The shares are of the *net*
contribution: the loss-making customers pull it down, so the top share can exceed 100 % —
the page says so, with their number and amount."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table

with page("贡献集中度") as (con, scope, filters):
    shares = queries.pareto_shares(con, filters.branch or scope.branch_id)
    curve = queries.pareto_curve(con, scope, filters)
    summary = queries.pareto_summary(con, scope, filters, shares["top"], shares["target"])

top, target = fmt.share(shares["top"], 0), fmt.share(shares["target"], 0)
overall = summary[summary["market_class"] == queries.ALL_MARKETS]
figures = overall.iloc[0] if len(overall) else None
st.caption(describe_filters(scope, filters))
c1, c2, c3, c4 = st.columns(4)
c1.metric("客户数", f"{fmt.count(figures['customers'] if figures is not None else 0)}户")
c2.metric(f"前{top}客户贡献占比",
          fmt.share(figures["top_customers_contribution_share"]) if figures is not None else "",
          help=f"贡献度最高的前{top}客户的贡献度合计 ÷ 净贡献度（盈利减亏损）")
c3.metric(f"贡献{target}所需客户占比",
          fmt.share(figures["customer_share_for_target"]) if figures is not None else "",
          help=f"按贡献度从高到低累计，达到净贡献度{target}所需的最少客户占比")
c4.metric("亏损客户", f"{fmt.count(figures['loss_customers'] if figures is not None else 0)}户",
          help="利润贡献度为负的客户：拉低净贡献度")
if figures is None or fmt.missing(figures["top_customers_contribution_share"]):
    st.info("所选范围的净贡献度 ≤ 0 或没有客户：集中度无意义。")
else:
    if figures["loss_customers"]:
        over = figures["top_customers_contribution_share"] > 1
        st.info(
            f"占比的分母是净贡献度 {fmt.amount(figures['total_contribution'])}（盈利客户合计减"
            f"亏损客户合计）。所选范围有 {fmt.count(figures['loss_customers'])} 户亏损客户，"
            f"合计 {fmt.amount(figures['loss_contribution'])}，拉低了净贡献度"
            + (f"：因此前{top}客户的贡献合计超过净贡献度，占比高于100%。" if over else "。"))
    st.altair_chart(charts.pareto(curve, shares["top"], shares["target"]), width="stretch")
    st.caption(f"竖线：前{top}客户；横线：净贡献度的{target}。曲线高于100%的部分是亏损客户"
               "拉低净贡献度之前的累计贡献。")
st.subheader("各市场集中度（所选范围）")
markets = summary[summary["market_class"] != queries.ALL_MARKETS]
table = Table().text("市场", markets["market_label"]).count("客户数", markets["customers"])
table.money("净利润贡献度", markets["total_contribution"])
table.count(f"前{top}客户数", markets["top_customers"])
table.money(f"前{top}客户贡献度", markets["top_customers_contribution"])
table.share(f"前{top}客户贡献占比", markets["top_customers_contribution_share"])
table.count(f"贡献{target}所需客户数", markets["customers_for_target_share"])
table.share(f"贡献{target}所需客户占比", markets["customer_share_for_target"])
table.count("亏损客户数", markets["loss_customers"])
table.money("亏损客户贡献度", markets["loss_contribution"])
table.show()
