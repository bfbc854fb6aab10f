"""客户经理工作清单: the RM worklists (METHODOLOGY.md §11, §14, §16, §18) in the user's scope,
with each row's owner (RM and status), a page of 100 rows at a time (every row reachable,
the count shown), every list as CSV and Excel, and what the chosen list achieved (清单成效,
§18: contacted within 30 days, retained 3 months later) summed over the scope's branches —
the outcomes are per branch, so an RM user does not see them."""

import streamlit as st

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard import queries
from bank_tiering.dashboard.common import describe_filters, page, page_caption, pager
from bank_tiering.dashboard.downloads import Column, offer
from bank_tiering.dashboard.worklists import (
    list_spec,
    rule_values,
    worklist_columns,
    worklist_table,
)

OUTCOMES_REFUSED_ZH = "清单成效按机构统计（不按客户经理）：客户经理用户不显示。"


def ratio(part: object, whole: object) -> str:
    """``part ÷ whole`` as 45.0%（9户）; "—" when either is missing or the whole is 0."""
    if fmt.missing(part) or fmt.missing(whole) or not whole:
        return "—"
    return f"{fmt.share(float(part) / float(whole))}（{fmt.count(part)}户）"


def show_outcomes(outcome, scope, filters, parameters) -> None:
    """The outcome figures of the chosen list in the period (mart_worklist_outcomes)."""
    days = fmt.number(parameters.get("outcome_contact_days"))
    months = fmt.number(parameters.get("outcome_horizon_months"))
    st.markdown(f"**清单成效**（本期入选客户在期末后{days}天内是否已联系；{months}个月后是否仍保持"
                "服务等级，即同一层级族、不低于入选时的服务等级）")
    if scope.kind == "rm":
        st.caption(OUTCOMES_REFUSED_ZH)
        return
    if outcome.empty:
        return
    r = outcome.iloc[0]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("入选客户", f"{fmt.count(r['entries'])}户")
    c2.metric(f"{days}天内已联系", ratio(r["contacted_entries"], r["entries"]))
    c3.metric(f"{months}个月后仍保持服务等级", ratio(r["retained_entries"], r["entries"]))
    c4.metric("已联系客户中保持服务等级", ratio(r["retained_contacted_entries"],
                                             r["contacted_entries"]))
    notes = [f"按{'所选机构' if filters.branch else scope.label_zh}的 "
             f"{fmt.count(r['branches'])} 个机构汇总"]
    if filters.market:
        notes.append("成效按机构统计、不分市场：入选客户含各市场")
    if not r["is_horizon_complete"]:
        notes.append(f"观察期未满：所选期间之后还没有满{months}个月的数据，联系和保级结果显示为“—”")
    st.caption("；".join(notes) + "。")


with page("客户经理工作清单") as (con, scope, filters):
    counts = queries.worklist_counts(con, scope, filters)
    labels = dict(zip(counts["list_code"], counts["list_label"], strict=True))
    sizes = dict(zip(counts["list_code"], counts["customers"], strict=True))
    chosen = st.selectbox("清单", list(labels), format_func=labels.get, key="worklist_list")
    total = int(sizes[chosen])
    st.subheader(f"{labels[chosen]}（{fmt.count(total)}户）")
    offset, size = pager(total, f"worklist_page_{chosen}")
    rows = queries.worklist_rows(con, scope, filters, chosen, limit=size, offset=offset)
    parameters = queries.scalar_parameters(con, filters.branch)
    values = rule_values(parameters, queries.contact_cadence(con, filters.branch))
    outcome = queries.list_outcomes(con, scope, filters, chosen)

st.caption(describe_filters(scope, filters)
           + "（优先级为同一清单、同一机构内按月日均金融资产从高到低排序）")
for column, label, n in zip(st.columns(len(counts)), counts["list_label"], counts["customers"],
                            strict=True):
    column.metric(label, f"{fmt.count(n)}户")

spec = list_spec(chosen)
st.markdown(f"**入选条件**：{spec.rule(values)}。{spec.gap_note}")
show_outcomes(outcome, scope, filters, parameters)
if rows.empty:
    st.info("所选范围在该期间没有这类客户。")
    st.stop()
offer(labels[chosen], chosen, filters.period,
      lambda c: queries.worklist_rows(c, scope, filters, chosen, limit=None),
      [Column("period_month", "期间", "date"), Column("list_label", "清单"),
       *worklist_columns(spec)])
worklist_table(rows, spec).show()
page_caption(offset, len(rows), total)
