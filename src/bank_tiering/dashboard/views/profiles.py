"""客群画像: how the customers of one assessed tier are made up (the analyses seed 001 builds
on: 从资产数额分布结构来看, 从客户的年龄结构来看) — by age, income and occupation (retail), risk
grade (corporate and institution), lifecycle stage, activity level and the asset-size band
within the tier — over the user's scope and the filters. The figures are
:func:`bank_tiering.analysis.profiles.segment_profiles` (the rule of mart_segment_profile,
which they equal for the bank scope; the report's sheet 客群画像 too): for every dimension
the customers add up to the tier's."""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.tables import Table

with page("客群画像") as (con, scope, filters):
    profiles = queries.segment_profiles(con, scope, filters)

st.caption(describe_filters(scope, filters) + "（按评定分层；金融资产为月日均）")
if profiles.empty:
    st.info("所选范围在该期间没有客户。")
    st.stop()
tiers = profiles[profiles["profile_dimension"] == "lifecycle_stage"].groupby(
    ["market_class", "tier_code"], sort=False).agg(
    market_label=("market_label", "first"), tier_label=("tier_label", "first"),
    customers=("customers", "sum")).reset_index()
keys = list(zip(tiers["market_class"], tiers["tier_code"], strict=True))
names = {k: f"{m} / {t}（{fmt.count(n)}户）" for k, m, t, n in zip(
    keys, tiers["market_label"], tiers["tier_label"], tiers["customers"], strict=True)}
group = st.selectbox("客户组（市场 / 分层）", keys, format_func=names.get, key="profile_group")
chosen = profiles[(profiles["market_class"] == group[0]) & (profiles["tier_code"] == group[1])]
customers = int(tiers.loc[keys.index(group), "customers"])
st.metric("该分层客户数", f"{fmt.count(customers)}户")
st.caption("每一维度的客户数合计等于该分层客户数；不适用：该维度不适用于此市场（年龄、收入、职业"
           "仅个人客户，风险等级仅公司及机构客户）；金融资产规模分档按客户所属机构的分档参数。")
for _dimension, df in chosen.groupby("profile_dimension", sort=False):
    title = fmt.text(df["dimension_label"].iloc[0])
    st.subheader(f"{title}（合计 {fmt.count(df['customers'].sum())}户）")
    left, right = st.columns([1, 2])
    left.altair_chart(charts.profile_bars(df, title), width="stretch")
    table = Table().text("分组", [fmt.text(v, "未命名") for v in df["value_label"]])
    table.count("客户数", df["customers"]).share("层内占比", df["customer_share"])
    table.money("月日均金融资产", df["aum"])
    table.money("户均金融资产", df["mean_aum"])
    table.money("利润贡献度", df["contribution"])
    with right:
        table.show()
