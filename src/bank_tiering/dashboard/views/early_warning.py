"""流失预警: who is about to leave (METHODOLOGY.md §16) in the user's scope.

* the churn-risk bands (高, 中, 低) of the customers by market and assessed tier;
* the three warning lists — 大额资金流出客户, 流失高风险客户, 唤醒挽回客户 — a page of 100 rows
  at a time, with their reference and gap, as CSV and Excel (the worklists' own table and
  download, :mod:`bank_tiering.dashboard.worklists`);
* the back-test (预警回测: of the watched-tier customers flagged in each band, how many were
  lost within the horizon) for the period, and the lost share by band over the months whose
  horizon is complete. The back-test is bank-wide (全行口径), so only a bank user sees it.
"""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page, page_caption, pager
from bank_tiering.dashboard.downloads import Column, offer
from bank_tiering.dashboard.tables import Table
from bank_tiering.dashboard.worklists import (
    list_spec,
    rule_values,
    worklist_columns,
    worklist_table,
)

#: The warning lists of §16, in the page's order.
WARNING_LISTS = ("large_outflow", "churn_risk", "win_back")
BACKTEST_REFUSED_ZH = ("预警回测为全行口径（全行各机构的重点分层客户），仅总行用户可见；"
                       "机构和客户经理用户可查看上方的风险分布和预警清单。")


def band_table(bands, labels: dict[str, str]) -> None:
    """One line per market and assessed tier: customers per band (高, 中, 低; 0 where none),
    the total and the share in the high band."""
    pivot = bands.pivot_table(index=["market_label", "tier_label"], columns="churn_risk_band",
                              values="customers", aggfunc="sum", fill_value=0, sort=False)
    pivot = pivot.reindex(columns=list(labels), fill_value=0)
    table = Table().text("市场", [m for m, _ in pivot.index])
    table.text("评定分层", [t for _, t in pivot.index])
    for band, label in labels.items():
        table.count(f"{label}风险客户", pivot[band])
    total = pivot.sum(axis=1)
    table.count("合计", total)
    table.share(f"{labels['high']}风险占比", pivot["high"] / total)
    table.show()


def warning_list(code: str, label: str, total: int, con, scope, filters, values) -> None:
    spec = list_spec(code)
    st.subheader(f"{label}（{fmt.count(total)}户）")
    st.markdown(f"**入选条件**：{spec.rule(values)}。{spec.gap_note}")
    if not total:
        st.info("所选范围在该期间没有这类客户。")
        return
    offset, size = pager(total, f"early_warning_page_{code}")
    rows = queries.worklist_rows(con, scope, filters, code, limit=size, offset=offset)
    offer(label, code, filters.period,
          lambda c: queries.worklist_rows(c, scope, filters, code, limit=None),
          [Column("period_month", "期间", "date"), Column("list_label", "清单"),
           *worklist_columns(spec)])
    worklist_table(rows, spec).show()
    page_caption(offset, len(rows), total)


def backtest_section(backtest, trend, horizon: str) -> None:
    st.caption(f"每月服务等级为重点分层的客户，按当月流失风险等级分组，统计其后{horizon}内流失（无记录、"
               "转入其他层级族或服务等级降低）的客户。全行口径：不随机构筛选变化（市场筛选适用）。")
    if backtest.empty:
        st.info("所选期间没有重点分层客户的回测数据。")
    else:
        table = Table().text("市场", backtest["market_label"])
        table.text("流失风险", backtest["band_label"])
        table.count("预警客户", backtest["flagged_customers"])
        table.count("流失客户", backtest["lost_customers"])
        table.share("流失占比", backtest["lost_share"])
        table.text("观察期", ["已满" if c else "未满" for c in backtest["is_horizon_complete"]])
        table.show()
        if not backtest["is_horizon_complete"].all():
            st.caption(f"观察期未满：所选期间之后还没有满{horizon}的数据，流失客户数和流失占比显示"
                       "为“—”，待后续月份发布后补齐。")
    if trend.empty:
        st.info(f"至所选期间尚无观察期已满的月份（需预警月之后满{horizon}的数据），暂无流失占比趋势。")
    else:
        st.altair_chart(charts.lost_share_trend(trend, horizon), width="stretch")


with page("流失预警") as (con, scope, filters):
    parameters = queries.scalar_parameters(con, filters.branch)
    values = rule_values(parameters, queries.contact_cadence(con, filters.branch))
    high, medium = (parameters.get("churn_band_high_min_score"),
                    parameters.get("churn_band_medium_min_score"))
    st.caption(describe_filters(scope, filters) + "（流失风险评分 = 资产下降、资金净流出、"
               "交易活跃度下降、满意度偏低、无在职客户经理五项得分之和：≥ "
               f"{fmt.number(high)}分为高，"
               f"≥ {fmt.number(medium)}分为中，其余为低）")
    bands = queries.churn_bands(con, scope, filters)
    by_band = bands.groupby("churn_risk_band")["customers"].sum()
    labels = queries.band_labels(con)
    counts = queries.worklist_counts(con, scope, filters).set_index("list_code")
    for column, (band, label) in zip(st.columns(3), labels.items(), strict=True):
        column.metric(f"{label}风险客户", f"{fmt.count(int(by_band.get(band, 0)))}户")
    for column, code in zip(st.columns(3), WARNING_LISTS, strict=True):
        column.metric(counts.loc[code, "list_label"],
                      f"{fmt.count(int(counts.loc[code, 'customers']))}户")

    st.subheader("流失风险分布（按市场和评定分层）")
    if bands.empty:
        st.info("所选范围在该期间没有客户。")
    else:
        band_table(bands, labels)
        st.altair_chart(charts.churn_bands(bands), width="stretch")

    for code in WARNING_LISTS:
        warning_list(code, counts.loc[code, "list_label"], int(counts.loc[code, "customers"]),
                     con, scope, filters, values)

    st.subheader("预警回测（全行口径）")
    if scope.kind != "bank":
        st.info(BACKTEST_REFUSED_ZH)
    else:
        months = parameters.get("warning_horizon_months")
        backtest_section(queries.backtest(con, scope, filters),
                         queries.backtest_trend(con, scope, filters),
                         f"{fmt.number(months)}个月")
