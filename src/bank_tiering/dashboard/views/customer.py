"""客户视图: one customer's months — tier, quadrant, contribution and their reasons."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import page, show_table
from bank_tiering.dashboard.formatting import WAN

PENDING = ("分层治理（issue 8）合入后，此处还显示服务等级、保级状态（连续低于月数、剩余保级月数）、"
           "人工调整及其原因，以及评定理由：分层依据的数值与分层线（如“月日均AUM 523.40万元 ≥ "
           "高净值客户线 500.00万元”）和象限理由（如“贡献度 1.23万元 ≥ 组中位数 0.85万元；"
           "银行价值 72.5 ≥ 60”）。")

with page("客户视图") as (con, filters):
    choices = queries.top_customers(con, filters)
    default = choices[0] if choices else ""
    typed = st.text_input("客户号（默认：所选范围贡献度最高的客户）", value=default,
                          key="customer_id").strip()
    history = queries.customer_history(con, typed) if typed else None
    governance = queries.has_governance(con)

if history is None or history.empty:
    st.info(f"没有客户号为 {typed} 的客户。" if typed else "所选范围在该期间没有客户。")
    st.stop()
current = history[history["period_month"] == filters.period]
row = (current if not current.empty else history).iloc[-1]
st.subheader(f"{typed} · {row['customer_type_label']} · {row['market_label']} · "
             f"机构 {row['branch_id']} · {row['period_month']:%Y年%m月}")
c1, c2, c3, c4 = st.columns(4)
c1.metric("评定分层", row["tier_label"])
c2.metric("价值象限", row["quadrant_label"])
c3.metric("月日均金融资产", fmt.amount(row["avg_aum"]))
c4.metric("利润贡献度", fmt.amount(row["contribution"]))
if governance:
    g1, g2, g3 = st.columns(3)
    g1.metric("服务等级", row["service_tier_label_zh"] or row["service_tier_code"])
    g2.metric("保级关注", "是" if row["is_on_watch"] else "否")
    g3.metric("剩余保级月数", fmt.count(row["grace_months_left"]) or "—")
    st.markdown(f"**分层理由**：{row['tier_reason_zh']}")
    st.markdown(f"**象限理由**：{row['quadrant_reason_zh']}")
    if row["override_id"]:
        st.markdown(f"**人工调整** {row['override_id']}：{row['override_reason']}")
else:
    st.markdown(
        f"**象限依据**：贡献度 {fmt.wan(row['contribution'])}，组中位数 "
        f"{fmt.wan(row['group_median'])}；银行价值得分 {row['bank_value_score']:.1f}。"
    )
    st.info(PENDING)
st.markdown(f"**服务策略**：{row['service_strategy_zh']}")

st.subheader("贡献度构成（元）")
parts = {
    "贷款FTP净收入": row["loan_ftp_income"], "存款FTP净收入": row["deposit_ftp_income"],
    "中间业务收入": row["fee_income"], "资本成本": -row["capital_cost"],
    "运营成本（含税费）": -row["operating_cost"], "信贷成本": -row["credit_cost"],
    "利润贡献度": row["contribution"],
}
show_table({"项目": list(parts), "金额（元）": [f"{v:,.2f}" for v in parts.values()]})

st.subheader("各月情况")
columns = {
    "期间": [f"{d:%Y-%m}" for d in history["period_month"]],
    "评定分层": list(history["tier_label"]),
}
if governance:
    columns["服务等级"] = list(history["service_tier_label_zh"])
columns |= {
    "价值象限": list(history["quadrant_label"]),
    "月日均金融资产（万元）": [f"{v / WAN:,.2f}" for v in history["avg_aum"]],
    "利润贡献度（元）": [f"{v:,.2f}" for v in history["contribution"]],
    "银行价值得分": [f"{v:.1f}" for v in history["bank_value_score"]],
    "生命周期": list(history["lifecycle_label"]),
}
if governance:
    columns["分层理由"] = list(history["tier_reason_zh"])
    columns["象限理由"] = list(history["quadrant_reason_zh"])
show_table(columns)
