"""Altair charts of the dashboard (rendered offline by Streamlit)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from bank_tiering.dashboard.common import QUADRANT_COLOURS
from bank_tiering.dashboard.formatting import WAN


def tier_pyramid(df: pd.DataFrame, measure: str, title: str, unit: float = 1.0,
                 unit_label: str = "") -> alt.Chart:
    """A pyramid of one market: one centred bar per tier, top tier on top, width = measure.

    Negative values (contribution can be negative) are drawn as a bar to the left of the
    centre line in red, so the pyramid never hides a loss.
    """
    data = df.assign(
        value=df[measure] / unit,
        left=lambda d: -d["value"].abs() / 2,
        right=lambda d: d["value"].abs() / 2,
        sign=lambda d: d["value"].map(lambda v: "亏损" if v < 0 else "正"),
        shown=lambda d: d["value"].map(lambda v: f"{v:,.2f}" if unit != 1 else f"{v:,.0f}"),
    )
    order = list(data.sort_values("tier_rank")["tier_label"])
    base = alt.Chart(data).encode(y=alt.Y("tier_label:N", sort=order, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("left:Q", axis=None),
        x2="right:Q",
        color=alt.Color("sign:N", scale=alt.Scale(domain=["正", "亏损"],
                                                 range=["#1f77b4", "#d62728"]), legend=None),
        tooltip=[alt.Tooltip("tier_label:N", title="分层"),
                 alt.Tooltip("shown:N", title=f"{title}{unit_label}")],
    )
    text = base.mark_text(align="left", dx=4).encode(x="right:Q", text="shown:N")
    return (bars + text).properties(title=f"{title}{unit_label}", height=36 * len(order) + 30)


def quadrant_scatter(points: pd.DataFrame, median: float, y_line: float) -> alt.LayerChart:
    """Each customer's contribution (x, 元, symmetric log scale: linear within ±100元) against
    bank_value_score (y), coloured by quadrant, with the group-median line (x) and the
    bank-value line (y) drawn."""
    data = points.assign(contribution_wan=points["contribution"] / WAN)
    domain = [q for q in QUADRANT_COLOURS if q in set(points["value_quadrant"])]
    labels = dict(zip(points["value_quadrant"], points["quadrant_label"], strict=False))
    scatter = alt.Chart(data).mark_circle(size=45, opacity=0.75).encode(
        x=alt.X("contribution:Q", title="利润贡献度（元，对称对数刻度）",
                scale=alt.Scale(type="symlog", constant=100)),
        y=alt.Y("bank_value_score:Q", title="银行对客户价值（得分）",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "quadrant_label:N", title="价值象限",
            scale=alt.Scale(domain=[labels[q] for q in domain],
                            range=[QUADRANT_COLOURS[q] for q in domain]),
        ),
        tooltip=[alt.Tooltip("customer_id:N", title="客户号"),
                 alt.Tooltip("contribution_wan:Q", title="贡献度（万元）", format=",.2f"),
                 alt.Tooltip("bank_value_score:Q", title="银行价值", format=".1f"),
                 alt.Tooltip("quadrant_label:N", title="象限")],
    )
    lines = pd.DataFrame({"x": [median], "y": [y_line]})
    vline = alt.Chart(lines).mark_rule(strokeDash=[6, 3], color="black").encode(x="x:Q")
    hline = alt.Chart(lines).mark_rule(strokeDash=[6, 3], color="black").encode(y="y:Q")
    return (scatter + vline + hline).properties(height=460)


def pareto(curve: pd.DataFrame, top_share: float, target_share: float) -> alt.LayerChart:
    """Cumulative contribution share against cumulative customer share, with the top-share
    (x) and target-share (y) lines."""
    start = pd.DataFrame({"customer_share": [0.0], "contribution_share": [0.0]})
    data = pd.concat([start, curve[["customer_share", "contribution_share"]]],
                     ignore_index=True)
    line = alt.Chart(data).mark_line(color="#1f77b4").encode(
        x=alt.X("customer_share:Q", title="客户占比（按贡献度从高到低累计）",
                axis=alt.Axis(format="%")),
        y=alt.Y("contribution_share:Q", title="累计贡献度占比", axis=alt.Axis(format="%")),
    )
    marks = pd.DataFrame({"x": [top_share], "y": [target_share]})
    vline = alt.Chart(marks).mark_rule(strokeDash=[6, 3], color="grey").encode(x="x:Q")
    hline = alt.Chart(marks).mark_rule(strokeDash=[6, 3], color="grey").encode(y="y:Q")
    return (line + vline + hline).properties(height=420)



def rm_books(mix: pd.DataFrame) -> alt.Chart:
    """The RMs' books side by side: one horizontal bar per RM (largest book on top), its
    AUM (万元) stacked by market and service tier, customers in the tooltip."""
    data = mix.assign(
        rm=mix["rm_name"].fillna("") + "（" + mix["rm_id"] + "）",
        tier=mix["market_label"].str[:2] + "·" + mix["service_tier_label"],
        aum_wan=mix["aum"] / WAN,
    )
    order = list(data.groupby("rm")["aum_wan"].sum().sort_values(ascending=False).index)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("rm:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(aum_wan):Q", title="月日均金融资产（万元）"),
        color=alt.Color("tier:N", title="市场·服务等级", scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=200)),
        tooltip=[alt.Tooltip("rm:N", title="客户经理"),
                 alt.Tooltip("tier:N", title="市场·服务等级"),
                 alt.Tooltip("customers:Q", title="客户数（户）"),
                 alt.Tooltip("aum_wan:Q", title="金融资产（万元）", format=",.2f")],
    ).properties(title="名下客户金融资产（按市场和服务等级）",
                 # the height is the whole chart's (Streamlit fits it): ~28 px a row per RM,
                 # the title and the axis, and the legend below in rows of four
                 height=28 * len(order) + 140 + 20 * math.ceil(data["tier"].nunique() / 4))
