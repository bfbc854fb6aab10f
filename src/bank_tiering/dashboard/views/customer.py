"""客户视图: one customer's months — assessed tier, service tier (watch, grace, override),
quadrant, owner, contribution and the reasons the marts give for them (METHODOLOGY.md §10,
§14).

The customer is the one typed, else ``?customer=<id>`` in the URL (a link from elsewhere),
else the filters' highest contributor; only customers of the user's scope, and for an RM
only the months the customer was in the RM's book. Any other id — another branch's,
another RM's or an unknown one — reads 无权查看该客户 and nothing of it (§15). Every view
(and every refusal) is a line of the access log, once per customer and period.
"""

import re

import streamlit as st

from bank_tiering.dashboard import auth, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import page, show_table
from bank_tiering.dashboard.formatting import WAN

REFUSED_ZH = "无权查看该客户（客户号不存在或不在您的权限范围内）。"
_LOGGED = "customer_logged"
#: What the access log keeps of a typed id: an id-like text only — a name typed into the
#: box (PII) is logged as ``(not an id)``.
ID_LIKE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

with page("客户视图") as (con, scope, filters):
    choices = queries.top_customers(con, scope, filters)
    default = (st.query_params.get("customer") or (choices[0] if choices else ""))[:64]
    typed = st.text_input("客户号（默认：所选范围贡献度最高的客户）", value=default,
                          key="customer_id", max_chars=64).strip()
    history = queries.customer_history(con, scope, typed) if typed else None


def log_view(customer_id: str, rows: int) -> None:
    """One access-log line per customer and period shown in this session."""
    seen = (customer_id, filters.period)
    if st.session_state.get(_LOGGED) != seen:
        logged = customer_id if ID_LIKE.match(customer_id) else "(not an id)"
        auth.log_event("customer_view" if rows else "customer_refused",
                       customer_id=logged, rows=rows, period=f"{filters.period:%Y-%m}")
        st.session_state[_LOGGED] = seen


if not typed:
    st.info("所选范围在该期间没有客户。")
    st.stop()
if history is None or history.empty:
    log_view(typed, 0)
    st.error(REFUSED_ZH)
    st.stop()
log_view(typed, len(history))


def watch_text(on_watch: bool, months_below: int, grace_left: float | None) -> str:
    """"连续 2 个月低于，剩余保级 1 个月" while on watch, else empty."""
    return (f"连续 {fmt.count(months_below)} 个月低于，剩余保级 {fmt.count(grace_left)} 个月"
            if on_watch else "")


def override_text(override_id: str | None, reason: str | None) -> str:
    """"OVR000001：<reason>" while an override is in force, else empty."""
    return "" if fmt.missing(override_id) else f"{override_id}：{reason}"


current = history[history["period_month"] == filters.period]
row = (current if not current.empty else history).iloc[-1]
if current.empty:
    st.caption(f"该客户在 {filters.period:%Y年%m月} 没有数据（或不在您的权限范围内）：显示其"
               "最近一期。")
st.subheader(f"{typed} · {row['customer_type_label']} · {row['market_label']} · "
             f"机构 {row['branch_id']} · {row['period_month']:%Y年%m月}")
st.markdown(f"**客户经理**：{fmt.owner(row['rm_id'], row['rm_name'])}"
            + ("" if fmt.missing(row["rm_id"]) else f" · {fmt.text(row['rm_status_label'])}"))
c1, c2, c3 = st.columns(3)
c1.metric("评定分层", row["tier_label"], help="当月数据评定的分层（METHODOLOGY §4）")
c2.metric("服务等级", row["service_tier_label"], help="实际服务的等级：快升缓降、人工调整（§10）")
c3.metric("价值象限", row["quadrant_label"])
m1, m2, m3 = st.columns(3)
m1.metric("月日均金融资产", fmt.amount(row["avg_aum"]))
m2.metric("利润贡献度", fmt.amount(row["contribution"]))
m3.metric("银行价值得分", f"{row['bank_value_score']:.1f}")
if row["is_on_watch"]:
    st.warning(f"**保级关注**：评定分层已连续 {fmt.count(row['months_below'])} 个月低于服务等级"
               f"{row['service_tier_label']}，保级期内仍按该等级服务，剩余保级 "
               f"{fmt.count(row['grace_months_left'])} 个月。")
if not fmt.missing(row["override_id"]):
    st.info(f"**人工调整** {override_text(row['override_id'], row['override_reason'])}"
            f"（审批人 {row['override_approved_by']}）：按{row['service_tier_label']}服务。")
st.markdown(f"**服务等级依据**：{row['service_tier_rule_label']}")
st.markdown(f"**分层理由**：{row['tier_reason_zh']}")
st.markdown(f"**象限理由**：{row['quadrant_reason_zh']}")
st.markdown(f"**服务策略**：{row['service_strategy_zh']}")

st.subheader("贡献度构成（元）")
parts = {
    "贷款FTP净收入": row["loan_ftp_income"], "存款FTP净收入": row["deposit_ftp_income"],
    "中间业务收入": row["fee_income"], "资本成本": -row["capital_cost"],
    "运营成本（含税费）": -row["operating_cost"], "信贷成本": -row["credit_cost"],
    "利润贡献度": row["contribution"],
}
show_table({"项目": list(parts),
            "金额（元）": [f"{round(v, 2) + 0.0:,.2f}" for v in parts.values()]})  # never "-0.00"

months = [f"{d:%Y-%m}" for d in history["period_month"]]
st.subheader("各月分层与服务等级")
show_table({
    "期间": months,
    "评定分层": list(history["tier_label"]),
    "服务等级": list(history["service_tier_label"]),
    "服务等级依据": list(history["service_tier_rule_label"]),
    "保级关注": [watch_text(*v) or "—" for v in zip(
        history["is_on_watch"], history["months_below"], history["grace_months_left"],
        strict=True)],
    "人工调整": [override_text(*v) or "—" for v in zip(
        history["override_id"], history["override_reason"], strict=True)],
    "客户经理": [fmt.owner(i, n) for i, n in zip(history["rm_id"], history["rm_name"],
                                               strict=True)],
    "客户经理状态": [fmt.text(v) for v in history["rm_status_label"]],
    "分层理由": list(history["tier_reason_zh"]),
})
st.subheader("各月价值与贡献")
show_table({
    "期间": months,
    "价值象限": list(history["quadrant_label"]),
    "月日均金融资产（万元）": [f"{v / WAN:,.2f}" for v in history["avg_aum"]],
    "利润贡献度（元）": [f"{v:,.2f}" for v in history["contribution"]],
    "银行价值得分": [f"{v:.1f}" for v in history["bank_value_score"]],
    "生命周期": list(history["lifecycle_label"]),
    "象限理由": list(history["quadrant_reason_zh"]),
})
