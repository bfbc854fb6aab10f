"""趋势: each assessed tier month by month in the user's scope — customers, AUM, contribution,
contribution per customer and the cost-to-income ratio ((capital + operating + credit cost)
÷ (loan FTP + deposit FTP + fee income), the semantic layer's ``cost_income_ratio``) — and
the tier mix over time, per market; every loaded month up to the period of the filters.
The figures are :func:`bank_tiering.analysis.trends.tier_trends` (for the bank scope they
equal the marts' sums, tested)."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table
from bank_tiering.money import money_unit

#: The measures: column of tier_trends -> (label, kind); kind money | count | share.
MEASURES = {
    "customers": ("客户数", "count"),
    "aum": ("金融资产（月日均）", "money"),
    "contribution": ("利润贡献度", "money"),
    "contribution_per_customer": ("户均贡献度", "money"),
    "cost_income_ratio": ("成本收入比", "share"),
    "customer_share": ("分层结构（占市场客户）", "share"),
}

with page("趋势") as (con, scope, filters):
    measure = st.radio("指标", list(MEASURES), format_func=lambda m: MEASURES[m][0],
                       horizontal=True, key="trend_measure")
    trends = queries.tier_trends(con, scope, filters)

st.caption(describe_filters(scope, filters) + "（按评定分层，逐月至所选期间；金融资产为月日均）")
st.caption("成本收入比 = （资本成本 + 运营成本（含税费） + 信贷成本）÷（贷款内部转移净收入 + 存款"
           "内部转移净收入 + 中间业务净收入），各项先合计再相除；户均贡献度 = 利润贡献度 ÷ "
           "客户数。")
if trends.empty:
    st.info("所选范围在该期间及之前没有客户。")
    st.stop()
label, kind = MEASURES[measure]
months = list(dict.fromkeys(trends["period_month"]))
for _market, df in trends.groupby("market_class", sort=False):
    st.subheader(df["market_label"].iloc[0])
    if kind == "money":
        factor, unit = money_unit(df[measure])
    elif kind == "count":
        factor, unit = 1.0, "户"
    else:
        factor, unit = None, "%"
    left, right = st.columns(2)
    left.altair_chart(charts.tier_trend(df, measure, label, factor, unit), width="stretch")
    right.altair_chart(charts.tier_mix(df), width="stretch")
    tiers = list(dict.fromkeys(df["tier_label"]))
    pivot = df.pivot_table(index="period_month", columns="tier_label", values=measure,
                           aggfunc="sum", sort=False).reindex(index=months, columns=tiers)
    table = Table().text("期间", [f"{m:%Y-%m}" for m in months])
    if kind == "money":
        table.money_group({tier: pivot[tier] for tier in tiers})
    elif kind == "count":
        for tier in tiers:
            table.count(tier, pivot[tier])
    else:
        for tier in tiers:
            table.share(tier, pivot[tier])
    table.show()
st.caption("某月某分层没有客户时显示“—”。")
