"""客户视图: one customer's months — assessed tier, service tier (watch, grace, override),
quadrant, owner, contribution and the reasons the marts give for them (METHODOLOGY.md §10,
§14), the churn-risk points of each indicator with what they rest on, net outflow and last
month's AUM (§16), the last contact (§18) and the recommended products (§17, the scope's
``cross_sell``).

The customer is picked with a search-as-you-type box over the scope's customers of the
period (:func:`bank_tiering.dashboard.queries.find_customers`, in the scope's SQL: ids,
market, tier and branch only — no PII): any part of the id, case and full-width characters
do not matter; the exact id opens at once, else the matches are offered. An empty box
offers the filters' highest contributors (the first shown). ``?customer=<id>`` in the URL
(a link from elsewhere) fills the box. What was typed and picked is kept across pages.
Only customers of the user's scope, and for an RM only the months the customer was in the
RM's book: a search that matches none of them — another branch's customer, another RM's,
an unknown id — reads 无权查看该客户 and nothing of it (§15). Every view (and every refusal)
is a line of the access log, once per customer and period.
"""

import re

import pandas as pd
import streamlit as st

from bank_tiering.dashboard import auth, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page
from bank_tiering.dashboard.governance import override_text, watch_notice, watch_text
from bank_tiering.dashboard.tables import Table

REFUSED_ZH = "无权查看该客户（客户号不存在或不在您的权限范围内）。"
_LOGGED = "customer_logged"
#: Session State keys: the text typed (kept across pages), its widget, the customer picked,
#: and the ``?customer=`` link last applied (a link fills the box once, not on every run).
SEARCH_KEY, SEARCH_WIDGET = "customer_search", "widget_customer_search"
PICKED_KEY, LINK_KEY = "customer_picked", "customer_link"
#: How many matches the picker offers (the total is named).
MATCHES = 50
#: What the access log keeps of a typed id: an id-like text only — a name typed into the
#: box (PII) is logged as ``(not an id)``.
ID_LIKE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _keep_search() -> None:
    st.session_state[SEARCH_KEY] = st.session_state[SEARCH_WIDGET]


with page("客户视图") as (con, scope, filters):
    st.caption(describe_filters(scope, filters) + "（留空时列出所选期间贡献度最高的客户；输入客户号"
               "或其一部分时，也查找权限范围内其他期间的客户）")
    link = st.query_params.get("customer")
    if link and st.session_state.get(LINK_KEY) != link:  # a link just opened: search it
        st.session_state[LINK_KEY] = link
        st.session_state[SEARCH_KEY] = link[:64]
        st.session_state.pop(PICKED_KEY, None)
    st.session_state[SEARCH_WIDGET] = st.session_state.get(SEARCH_KEY, "")
    typed = st.text_input(
        "查找客户（输入客户号的任意部分，不区分大小写与全角/半角）", key=SEARCH_WIDGET,
        max_chars=64, live=True, on_change=_keep_search,
        placeholder="例如 C0000123 或 0123；留空则列出贡献度最高的客户")
    needle = queries.normalise_customer_id(typed)
    matches = queries.find_customers(con, scope, filters, typed, limit=MATCHES)
    picked = st.session_state.get(PICKED_KEY)
    if not needle and picked and picked not in set(matches["customer_id"]):
        # the customer picked before (another period, another page) stays on offer
        again = queries.find_customers(con, scope, filters, picked, limit=1)
        if len(again) and again["customer_id"].iloc[0] == picked:
            total = matches.attrs["total"]
            matches = pd.concat([again, matches], ignore_index=True).iloc[:MATCHES]
            matches.attrs["total"] = total
    ids = list(matches["customer_id"])
    exact = next((i for i in ids if i.upper() == needle), None) if needle else None
    if exact is not None:
        index = ids.index(exact)
    elif picked in ids:
        index = ids.index(picked)
    else:
        index = 0 if (not needle or len(ids) == 1) and ids else None
    names = {r.customer_id: f"{r.customer_id} · {r.market_label} · {r.tier_label} · 机构 "
             f"{r.branch_id}" + ("" if r.in_period else
                                 f"（本期无记录，最近 {r.latest_month:%Y年%m月}）")
             for r in matches.itertuples()}
    total = matches.attrs["total"]
    label = ("客户（贡献度从高到低）" if not needle else
             f"匹配的客户（{fmt.count(total)}户" + (f"，显示前 {MATCHES} 户" if total > MATCHES
                                                   else "") + "）")
    chosen = st.selectbox(label, ids, index=index, format_func=names.get,
                          placeholder="请选择客户") if ids else None
    if chosen is not None:
        st.session_state[PICKED_KEY] = chosen
    history = queries.customer_history(con, scope, chosen) if chosen else None
    recommendations, parameters = None, {}
    if history is not None and not history.empty:  # the month shown: the period's, else the latest
        in_period = history["period_month"] == filters.period
        shown = history[in_period] if in_period.any() else history.iloc[[-1]]
        recommendations = queries.cross_sell_recommendations(
            con, scope, chosen, shown["period_month"].iloc[0])
        parameters = queries.scalar_parameters(con, shown["branch_id"].iloc[0])


def sum_or_none(values) -> float | None:
    listed = [v for v in values if not fmt.missing(v)]
    return sum(listed) if listed else None


def churn_indicators(row, parameters: dict) -> list[tuple[str, object, object, str]]:
    """The five churn-risk indicators of METHODOLOGY.md §16 for the month shown: (label,
    points, full points, what they rest on)."""
    previous, aum, outflow = row["previous_avg_aum"], row["avg_aum"], row["net_outflow"]
    has_previous = not fmt.missing(previous) and previous > 0
    if not has_previous:
        drop = outflow_text = "无上月数据（或上月资产为0），不计分"
    else:
        change = (aum - previous) / previous
        drop = f"较上月{'下降' if change < 0 else '增长'} {fmt.share(abs(change))}"
        outflow_text = (f"净流出 {fmt.amount(outflow)}，占上月资产 {fmt.share(outflow / previous)}"
                        if outflow > 0 else f"净流入 {fmt.amount(-outflow)}" if outflow < 0
                        else "无资金净流出")
    base = row["activity_base_transactions"]
    activity = (f"本月 {fmt.count(row['period_transactions'])} 笔，前 "
                f"{fmt.number(parameters.get('churn_activity_base_months'))} 个月月均 "
                f"{fmt.scaled(base, digits=1)} 笔")
    below = fmt.number(parameters.get("churn_low_satisfaction_below"))
    satisfaction = (f"期末适用的满意度调查低于 {below}分" if row["low_satisfaction_points"]
                    else f"期末适用的满意度调查不低于 {below}分（或无调查）")
    owner = fmt.text(row["rm_status_label"])
    return [
        ("资产下降", row["aum_drop_points"], parameters.get("churn_aum_drop_points"), drop),
        ("资金净流出", row["outflow_points"], parameters.get("churn_outflow_points"),
         outflow_text),
        ("交易活跃度下降", row["activity_drop_points"],
         parameters.get("churn_activity_drop_points"), activity),
        ("满意度偏低", row["low_satisfaction_points"],
         parameters.get("churn_low_satisfaction_points"), satisfaction),
        ("无在职客户经理", row["no_owner_points"], parameters.get("churn_no_owner_points"),
         f"客户经理状态：{owner}"),
    ]


def contact_text(last, days) -> str:
    """最近联系: the date and the days before the period end, or 从未联系."""
    if fmt.missing(last):
        return "从未联系（截至期末没有联系记录）"
    return f"{fmt.day(last)}（距期末 {fmt.count(days)} 天）"


def log_view(customer_id: str, rows: int) -> None:
    """One access-log line per customer and period shown in this session."""
    seen = (customer_id, filters.period)
    if st.session_state.get(_LOGGED) != seen:
        logged = customer_id if ID_LIKE.match(customer_id) else "(not an id)"
        auth.log_event("customer_view" if rows else "customer_refused",
                       customer_id=logged, rows=rows, period=f"{filters.period:%Y-%m}")
        st.session_state[_LOGGED] = seen


if not ids:
    if needle:  # nothing of the scope matches: as for any customer outside it
        log_view(typed.strip(), 0)
        st.error(REFUSED_ZH)
    else:
        st.info("所选范围在该期间没有客户（可调整左侧的期间、机构或市场）。")
    st.stop()
if chosen is None:
    st.info(f"有 {fmt.count(total)} 户客户的客户号包含“{needle}”：请在上方选择，或输入完整客户号。")
    st.stop()
if history is None or history.empty:  # cannot happen for an id of the scope: refuse anyway
    log_view(chosen, 0)
    st.error(REFUSED_ZH)
    st.stop()
log_view(chosen, len(history))


current = history[history["period_month"] == filters.period]
row = (current if not current.empty else history).iloc[-1]
if current.empty:
    st.caption(f"该客户在 {filters.period:%Y年%m月} 没有数据（或不在您的权限范围内）：显示其"
               "最近一期。")
st.subheader(f"{chosen} · {row['customer_type_label']} · {row['market_label']} · "
             f"机构 {row['branch_id']} · {row['period_month']:%Y年%m月}")
st.markdown(f"**客户经理**：{fmt.owner(row['rm_id'], row['rm_name'])}"
            + ("" if fmt.missing(row["rm_id"]) else f" · {fmt.text(row['rm_status_label'])}"))
c1, c2, c3 = st.columns(3)
c1.metric("评定分层", row["tier_label"], help="当月数据评定的分层")
c2.metric("服务等级", row["service_tier_label"], help="实际服务的等级：快升缓降、人工调整")
c3.metric("价值象限", row["quadrant_label"])
m1, m2, m3 = st.columns(3)
m1.metric("月日均金融资产", fmt.amount(row["avg_aum"]))
m2.metric("利润贡献度", fmt.amount(row["contribution"]))
m3.metric("银行价值得分", f"{row['bank_value_score']:.1f}分")
if row["is_on_watch"]:
    st.warning(watch_notice(row["months_below"], row["service_tier_label"],
                            row["grace_months_left"]))
if not fmt.missing(row["override_id"]):
    st.info(f"**人工调整** {override_text(row['override_id'], row['override_reason'])}"
            f"（审批人 {row['override_approved_by']}）：按{row['service_tier_label']}服务。")
st.markdown(f"**服务等级依据**：{row['service_tier_rule_label']}")
st.markdown(f"**分层理由**：{row['tier_reason_zh']}")
st.markdown(f"**象限理由**：{row['quadrant_reason_zh']}")
st.markdown(f"**服务策略**：{row['service_strategy_zh']}")

st.subheader("流失预警")
w1, w2, w3, w4 = st.columns(4)
w1.metric("流失风险评分", f"{fmt.scaled(row['churn_risk_score'])}分",
          help="五项指标得分之和（0–100分）")
w2.metric("流失风险等级", fmt.text(row["churn_risk_band_label"]))
w3.metric("上月月日均金融资产", fmt.amount(row["previous_avg_aum"]) or "无上月数据")
w4.metric("本月资金净流出", fmt.amount(row["net_outflow"]),
          help="客户主动发起的活期、定期存款转出 − 转入（负数为净流入）")
indicators = churn_indicators(row, parameters)
points = Table().text("指标", [i[0] for i in indicators] + ["合计（流失风险评分）"])
points.number("得分", [i[1] for i in indicators] + [row["churn_risk_score"]], "分", digits=2)
points.number("满分", [i[2] for i in indicators] + [sum_or_none(i[2] for i in indicators)],
              "分", digits=0)
points.text("依据", [i[3] for i in indicators] + [
    f"流失风险{fmt.text(row['churn_risk_band_label'])}（≥ "
    f"{fmt.number(parameters.get('churn_band_high_min_score'))}分为高，≥ "
    f"{fmt.number(parameters.get('churn_band_medium_min_score'))}分为中）"])
points.show()
st.markdown(f"**最近联系**：{contact_text(row['last_contact_date'], row['days_since_contact'])}")

st.subheader("推荐产品（交叉销售）")
if recommendations is None or recommendations.empty:
    st.info("本期没有推荐产品（同类客户中持有较多的产品该客户均已持有，或客户已流失）。")
else:
    offers = Table().count("推荐顺序", recommendations["recommendation_rank"], unit="位")
    offers.text("产品类别", recommendations["family_label"])
    offers.share("同类客户持有率", recommendations["peer_holding_rate"])
    offers.show()
st.caption("同类客户 = 同一期间、同一市场、同一评定分层的全行客户。推荐该客户期末尚未持有、"
           "且同类客户持有率 "
           f"≥ {fmt.share(parameters.get('cross_sell_min_holding_rate'), digits=0) or '—'}"
           "的产品类别，按持有的同类客户数从多到少，最多 "
           f"{fmt.number(parameters.get('cross_sell_max_products'))} 项；流失客户不推荐。")

st.subheader("贡献度构成")
parts = {
    "贷款内部转移净收入": row["loan_ftp_income"], "存款内部转移净收入": row["deposit_ftp_income"],
    "中间业务净收入": row["fee_income"], "资本成本分摊": -row["capital_cost"],
    "运营成本分摊（含税费）": -row["operating_cost"], "信贷成本分摊": -row["credit_cost"],
    "利润贡献度": row["contribution"],
}
breakdown = Table().text("项目", list(parts))
breakdown.money("金额", list(parts.values()))
breakdown.show()
st.caption("内部转移净收入按内部资金转移定价（贷款：利息收入 − 转移价格；存款：转移价格 − "
           "利息支出）；成本为负数。")

months = [f"{d:%Y-%m}" for d in history["period_month"]]
st.subheader("各月分层与服务等级")
tiers = Table().text("期间", months).text("评定分层", history["tier_label"])
tiers.text("服务等级", history["service_tier_label"])
tiers.text("服务等级依据", history["service_tier_rule_label"])
tiers.text("保级关注", [watch_text(*v) or "—" for v in zip(
    history["is_on_watch"], history["months_below"], history["grace_months_left"],
    strict=True)])
tiers.text("人工调整", [override_text(*v) or "—" for v in zip(
    history["override_id"], history["override_reason"], strict=True)])
tiers.text("客户经理", [fmt.owner(i, n) for i, n in zip(history["rm_id"], history["rm_name"],
                                                       strict=True)])
tiers.text("客户经理状态", history["rm_status_label"])
tiers.text("分层理由", history["tier_reason_zh"])
tiers.show()
st.subheader("各月价值与贡献")
values = Table().text("期间", months).text("价值象限", history["quadrant_label"])
values.money("月日均金融资产", history["avg_aum"])
values.money("利润贡献度", history["contribution"])
values.number("银行价值得分", history["bank_value_score"], "分")
values.text("生命周期", history["lifecycle_label"]).text("象限理由", history["quadrant_reason_zh"])
values.show()
st.subheader("各月流失风险与联系")
risks = Table().text("期间", months)
risks.number("流失风险评分", history["churn_risk_score"], "分", digits=2)
risks.text("流失风险等级", history["churn_risk_band_label"])
risks.money_group({"上月月日均金融资产": history["previous_avg_aum"],
                   "资金净流出": history["net_outflow"]})
risks.text("最近联系日期", [fmt.day(d) or "从未联系" for d in history["last_contact_date"]])
risks.number("距上次联系", history["days_since_contact"], "天", digits=0, empty="—")
risks.show()
