"""价值象限: each customer's contribution against bank_value_score (METHODOLOGY.md §5)."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table

with page("价值象限") as (con, scope, filters):
    groups = queries.quadrant_groups(con, scope, filters)
    if groups.empty:
        st.info("所选范围在该期间没有客户。")
        st.stop()
    keys = list(zip(groups["market_class"], groups["tier_code"], strict=True))
    names = {k: f"{m} / {t}（{n}户）" for k, m, t, n in zip(
        keys, groups["market_label"], groups["tier_label"], groups["customers"], strict=True)}
    largest = int(groups["customers"].idxmax())  # the largest group first
    group = st.selectbox("客户组（市场 / 分层：中位数按组计算）", keys, index=largest,
                         format_func=names.get, key="quadrant_group")
    points = queries.quadrant_points(con, scope, filters, *group)
    y_line = queries.scalar_parameter(con, "bank_value_high_min_score", filters.branch)

median = float(points["group_median"].iloc[0]) if not points.empty else 0.0
st.caption(describe_filters(scope, filters))
c1, c2, c3 = st.columns(3)
c1.metric("组内客户数", f"{fmt.count(len(points))}户")
c2.metric("组中位数贡献度", fmt.amount(median))
c3.metric("银行价值高线", f"{y_line:g}分" if y_line is not None else "")
st.altair_chart(charts.quadrant_scatter(points, median, y_line or 0.0), width="stretch")
st.caption("横线：银行价值得分高线；竖线：所在（市场，分层）组贡献度中位数（全行同组客户）。"
           "贡献度 > 0 且 ≥ 中位数为贡献高；得分 ≥ 高线为价值高。颜色为客户当月的价值象限。")
summary = queries.quadrant_summary(points)
table = Table().text("价值象限", summary["quadrant_label"])
table.count("客户数", summary["customers"])
table.money("利润贡献度", summary["contribution"])
table.money("金融资产", summary["aum"])
table.show()
