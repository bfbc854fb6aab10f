"""Altair charts of the dashboard (rendered offline by Streamlit)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from bank_tiering.dashboard.common import BAND_COLOURS, QUADRANT_COLOURS
from bank_tiering.dashboard.formatting import amount, scaled
from bank_tiering.money import money_unit


def tier_pyramid(df: pd.DataFrame, measure: str, title: str, unit: float | None = None,
                 unit_label: str = "") -> alt.Chart:
    """A pyramid of one market: one centred bar per tier, top tier on top, width = measure
    (``unit``: the money unit's factor, values shown with two decimals; None: a count).

    Negative values (contribution can be negative) are drawn as a bar to the left of the
    centre line in red, so the pyramid never hides a loss.
    """
    factor, digits = (1.0, 0) if unit is None else (unit, 2)
    data = df.assign(
        value=df[measure] / factor,
        left=lambda d: -d["value"].abs() / 2,
        right=lambda d: d["value"].abs() / 2,
        sign=lambda d: d["value"].map(lambda v: "亏损" if v < 0 else "正"),
        shown=lambda d: d[measure].map(lambda v: scaled(v, factor, digits)),
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


#: Tick labels of a money axis in 元: 0, then 100, 1,000, 1万, 10万 … 1亿 (Vega expression).
_MONEY_TICK_LABEL = (
    "datum.value == 0 ? '0' : abs(datum.value) >= 1e8 ? format(datum.value / 1e8, ',') + '亿'"
    " : abs(datum.value) >= 1e4 ? format(datum.value / 1e4, ',') + '万'"
    " : format(datum.value, ',')")


def symlog_ticks(values: pd.Series, constant: float = 100.0) -> list[float]:
    """Tick values of a symmetric-log axis over ``values``: 0, and on each side with
    values ± every power of ten from ``constant`` up to the first one beyond the data (so
    the axis always shows 0 and its labels never crowd)."""
    def powers(limit: float) -> list[float]:
        out: list[float] = []
        step = constant
        while limit > 0:
            out.append(step)
            if step >= limit:
                break
            step *= 10
        return out

    low = min(float(values.min()), 0.0) if len(values) else 0.0
    high = max(float(values.max()), 0.0) if len(values) else 0.0
    return [*(-p for p in reversed(powers(-low))), 0.0, *powers(high)]


def quadrant_scatter(points: pd.DataFrame, median: float, y_line: float) -> alt.LayerChart:
    """Each customer's contribution (x, 元, symmetric log scale: linear within ±100元, a
    tick at 0 and at every power of ten, labelled 万 / 亿) against bank_value_score (y),
    coloured by quadrant, with the group-median line (x) and the bank-value line (y)."""
    data = points.assign(contribution_text=points["contribution"].map(amount))
    domain = [q for q in QUADRANT_COLOURS if q in set(points["value_quadrant"])]
    labels = dict(zip(points["value_quadrant"], points["quadrant_label"], strict=False))
    ticks = symlog_ticks(pd.concat([points["contribution"], pd.Series([median])]))
    scatter = alt.Chart(data).mark_circle(size=45, opacity=0.75).encode(
        x=alt.X("contribution:Q", title="利润贡献度（元，对称对数刻度）",
                scale=alt.Scale(type="symlog", constant=100, domain=[ticks[0], ticks[-1]]),
                axis=alt.Axis(values=ticks, labelExpr=_MONEY_TICK_LABEL, labelOverlap=False,
                              grid=True)),
        y=alt.Y("bank_value_score:Q", title="银行对客户价值（得分）",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "quadrant_label:N", title="价值象限",
            scale=alt.Scale(domain=[labels[q] for q in domain],
                            range=[QUADRANT_COLOURS[q] for q in domain]),
        ),
        tooltip=[alt.Tooltip("customer_id:N", title="客户号"),
                 alt.Tooltip("contribution_text:N", title="利润贡献度"),
                 alt.Tooltip("bank_value_score:Q", title="银行价值（分）", format=".1f"),
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


def _band_colour(df: pd.DataFrame, title: str = "流失风险") -> alt.Color:
    """高, 中, 低 in that order, red to grey (BAND_COLOURS)."""
    labels = dict(zip(df["churn_risk_band"], df["band_label"], strict=False))
    bands = [b for b in BAND_COLOURS if b in labels]
    return alt.Color("band_label:N", title=title, sort=[labels[b] for b in bands],
                     scale=alt.Scale(domain=[labels[b] for b in bands],
                                     range=[BAND_COLOURS[b] for b in bands]),
                     legend=alt.Legend(orient="bottom"))


def churn_bands(df: pd.DataFrame) -> alt.Chart:
    """Customers per churn-risk band of each market and assessed tier: one horizontal bar
    per market·tier (the methodology's order), stacked 高, 中, 低."""
    data = df.assign(group=df["market_label"].str[:2] + "·" + df["tier_label"],
                     band_order=df["churn_risk_band"].map(
                         {b: i for i, b in enumerate(BAND_COLOURS)}))
    order = list(dict.fromkeys(data["group"]))
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("group:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(customers):Q", title="客户数（户）",
                axis=alt.Axis(format=",d", tickMinStep=1)),
        color=_band_colour(data),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("group:N", title="市场·评定分层"),
                 alt.Tooltip("band_label:N", title="流失风险"),
                 alt.Tooltip("customers:Q", title="客户数（户）")],
    ).properties(title="各分层流失风险客户数（户）", height=alt.Step(24))


def lost_share_trend(df: pd.DataFrame, horizon: str) -> alt.Chart:
    """The back-test over time: one line per band, the share of the flagged customers lost
    within the horizon (%), months whose horizon is complete only."""
    data = df.assign(month=df["period_month"].map(lambda d: f"{d:%Y-%m}"))
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("month:O", title="预警期间", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("lost_share:Q", title="流失占比（%）", axis=alt.Axis(format="%")),
        color=_band_colour(data, "预警时流失风险"),
        tooltip=[alt.Tooltip("month:O", title="预警期间"),
                 alt.Tooltip("band_label:N", title="流失风险"),
                 alt.Tooltip("flagged_customers:Q", title="预警客户（户）"),
                 alt.Tooltip("lost_customers:Q", title="流失客户（户）"),
                 alt.Tooltip("lost_share:Q", title="流失占比", format=".1%")],
    ).properties(title=f"各风险等级客户{horizon}内流失占比（%，观察期已满的月份）", height=380)


def rm_books(mix: pd.DataFrame) -> alt.Chart:
    """The RMs' books side by side: one horizontal bar per RM (largest book on top), its
    AUM stacked by market and service tier (in the unit the RMs' totals call for),
    customers in the tooltip."""
    factor, unit = money_unit(mix.groupby("rm_id")["aum"].sum())
    data = mix.assign(
        rm=mix["rm_name"].fillna("") + "（" + mix["rm_id"] + "）",
        tier=mix["market_label"].str[:2] + "·" + mix["service_tier_label"],
        aum_unit=mix["aum"] / factor,
    )
    order = list(data.groupby("rm")["aum_unit"].sum().sort_values(ascending=False).index)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("rm:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(aum_unit):Q", title=f"月日均金融资产（{unit}）"),
        color=alt.Color("tier:N", title="市场·服务等级", scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=200)),
        tooltip=[alt.Tooltip("rm:N", title="客户经理"),
                 alt.Tooltip("tier:N", title="市场·服务等级"),
                 alt.Tooltip("customers:Q", title="客户数（户）"),
                 alt.Tooltip("aum_unit:Q", title=f"金融资产（{unit}）", format=",.2f")],
    ).properties(title="名下客户金融资产（按市场和服务等级）",
                 # the height is the whole chart's (Streamlit fits it): ~28 px a row per RM,
                 # the title and the axis, and the legend below in rows of four
                 height=28 * len(order) + 140 + 20 * math.ceil(data["tier"].nunique() / 4))


def _tier_colour(df: pd.DataFrame) -> alt.Color:
    order = list(dict.fromkeys(df["tier_label"]))
    return alt.Color("tier_label:N", title="分层", sort=order,
                     scale=alt.Scale(domain=order, scheme="tableau10"),
                     legend=alt.Legend(orient="bottom", columns=4, labelLimit=200))


def tier_trend(df: pd.DataFrame, measure: str, title: str, factor: float | None,
               unit: str) -> alt.Chart:
    """One line per tier of a market, month by month: ``measure`` divided by ``factor``
    (None: a share, drawn in %), the axis titled with the unit."""
    share = factor is None
    data = df.assign(month=df["period_month"].map(lambda d: f"{d:%Y-%m}"),
                     value=df[measure] if share else df[measure] / factor)
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("month:O", title="期间", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None,
                axis=alt.Axis(format="%" if share else ",.4~f",
                              **({"tickMinStep": 1} if unit == "户" else {}))),
        color=_tier_colour(df),
        tooltip=[alt.Tooltip("month:O", title="期间"), alt.Tooltip("tier_label:N", title="分层"),
                 alt.Tooltip("value:Q", title=f"{title}（{unit}）",
                             format=".1%" if share else ",.2f")],
    ).properties(title=f"{title}（{unit}）", height=300)


def tier_mix(df: pd.DataFrame) -> alt.Chart:
    """The tier mix of a market over time: each month's customers stacked by tier as
    shares of the market (100 %)."""
    data = df.assign(month=df["period_month"].map(lambda d: f"{d:%Y-%m}"))
    order = {label: i for i, label in enumerate(dict.fromkeys(df["tier_label"]))}
    data = data.assign(tier_order=data["tier_label"].map(order))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("month:O", title="期间", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("customer_share:Q", title=None, stack="normalize", axis=alt.Axis(format="%")),
        color=_tier_colour(df),
        order=alt.Order("tier_order:Q"),
        tooltip=[alt.Tooltip("month:O", title="期间"), alt.Tooltip("tier_label:N", title="分层"),
                 alt.Tooltip("customers:Q", title="客户数（户）"),
                 alt.Tooltip("customer_share:Q", title="占市场客户", format=".1%")],
    ).properties(title="分层结构（占市场客户，%）", height=300)


def profile_bars(df: pd.DataFrame, title: str) -> alt.Chart:
    """One profile dimension of a tier: a horizontal bar per value (in the seed's order),
    its customers, the share in the tooltip."""
    order = list(df["value_label"].fillna("未命名"))
    data = df.assign(value_label=order)
    return alt.Chart(data).mark_bar(color="#1f77b4").encode(
        y=alt.Y("value_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)),
        x=alt.X("customers:Q", title="客户数（户）", axis=alt.Axis(format=",d", tickMinStep=1)),
        tooltip=[alt.Tooltip("value_label:N", title=title),
                 alt.Tooltip("customers:Q", title="客户数（户）"),
                 alt.Tooltip("customer_share:Q", title="层内占比", format=".1%")],
    ).properties(height=alt.Step(28))
