"""Short summary of the segmentation marts for the latest period (printed after a build).

Reads ``marts.fct_customer_segment`` through a read-only DuckDB connection: customers,
AUM (sum of the customers' daily-average AUM, 月日均) and contribution of the latest period,
by tier and by value quadrant, with the Chinese labels the mart carries; and the tier
governance of that period (METHODOLOGY.md §10–11): customers on watch, overrides in force
and the size of every relationship-manager worklist (``marts.mart_rm_worklist``). Printed in
Chinese as :class:`TextTable` sections whose columns line up in a terminal (display width:
a Chinese character takes two columns), units in the headers.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import duckdb

from bank_tiering.money import money_unit
from bank_tiering.textwidth import display_width, pad

logger = logging.getLogger(__name__)

SEGMENT_TABLE = "marts.fct_customer_segment"
WORKLIST_TABLE = "marts.mart_rm_worklist"
LABELS_TABLE = "parameters.code_labels"

#: Display order of the codes (METHODOLOGY.md §3–5); unknown codes sort last.
MARKET_CLASS_ORDER = ("retail", "corporate", "institution")
TIER_ORDER = (
    "high_net_worth", "mass_affluent", "mass", "strategic", "large", "medium", "small",
    "institution", "above_scale", "below_scale",
)
QUADRANT_ORDER = ("important", "quality", "ordinary", "exit")
#: The worklists of METHODOLOGY.md §11, §14, §16 and §18, in display order.
WORKLIST_ORDER = ("near_upgrade", "on_watch", "downgraded", "lost_since_year_start", "declining",
                  "handover", "large_outflow", "churn_risk", "win_back", "contact_overdue")
#: METHODOLOGY.md §14: the owner's status at the period end.
RM_STATUS_ORDER = ("active", "departed", "unassigned")
#: METHODOLOGY.md §16: the churn-risk bands, highest first.
CHURN_BAND_ORDER = ("high", "medium", "low")


@dataclass(frozen=True)
class SegmentLine:
    """One line of the summary: a tier (of a market class) or a quadrant."""

    code: str
    label_zh: str | None
    market_class: str | None
    market_class_label_zh: str | None
    customers: int
    aum: float
    contribution: float


def _rank(order: tuple[str, ...], code: str | None) -> int:
    return order.index(code) if code in order else len(order)


def latest_period(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest period_month of the segment fact, or None when it is empty."""
    row = con.execute(f"select max(period_month) from {SEGMENT_TABLE}").fetchone()
    return row[0] if row else None


def summary_rows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Customers, AUM and contribution of the latest period by tier and by quadrant.

    Returns ``{"period_month", "customers", "aum", "contribution", "by_tier", "by_quadrant"}``;
    ``by_tier`` and ``by_quadrant`` are lists of :class:`SegmentLine` as dicts, in the
    methodology's display order. ``period_month`` is None (and the lists empty) when the
    mart has no rows.
    """
    period = latest_period(con)
    result: dict[str, Any] = {
        "period_month": period, "customers": 0, "aum": 0.0, "contribution": 0.0,
        "by_tier": [], "by_quadrant": [],
    }
    if period is None:
        return result
    tiers = con.execute(
        f"""
        select tier_code, max(tier_label_zh), market_class, max(market_class_label_zh),
            count(*), cast(coalesce(sum(avg_aum), 0) as double),
            cast(coalesce(sum(contribution), 0) as double)
        from {SEGMENT_TABLE}
        where period_month = ?
        group by market_class, tier_code
        """,
        [period],
    ).fetchall()
    quadrants = con.execute(
        f"""
        select value_quadrant, max(value_quadrant_label_zh), null, null,
            count(*), cast(coalesce(sum(avg_aum), 0) as double),
            cast(coalesce(sum(contribution), 0) as double)
        from {SEGMENT_TABLE}
        where period_month = ?
        group by value_quadrant
        """,
        [period],
    ).fetchall()
    tier_lines = sorted(
        (SegmentLine(*row) for row in tiers),
        key=lambda s: (_rank(MARKET_CLASS_ORDER, s.market_class), _rank(TIER_ORDER, s.code)),
    )
    quadrant_lines = sorted(
        (SegmentLine(*row) for row in quadrants), key=lambda s: _rank(QUADRANT_ORDER, s.code)
    )
    result.update(
        customers=sum(s.customers for s in tier_lines),
        aum=float(sum(s.aum for s in tier_lines)),
        contribution=float(sum(s.contribution for s in tier_lines)),
        by_tier=[asdict(s) for s in tier_lines],
        by_quadrant=[asdict(s) for s in quadrant_lines],
    )
    logger.info("segment summary for %s: %d customers", period, result["customers"])
    return result


@dataclass
class TextTable:
    """A table printed in a terminal: a title line, a header row and rows of cells, padded
    by display width (a Chinese character takes two columns, bank_tiering.textwidth), the
    first column left-aligned and the figures right-aligned. A new section of the summary is
    one more table (see :func:`segment_tables`, :func:`governance_tables`)."""

    title: str
    headers: list[str]
    rows: list[list[str]]

    def lines(self) -> list[str]:
        """The title, the header and the rows, every line of the same display width."""
        widths = [max(display_width(cell) for cell in column)
                  for column in zip(self.headers, *self.rows, strict=True)]

        def line(cells: list[str]) -> str:
            return "  " + "  ".join(
                pad(cell, width, "left" if i == 0 else "right")
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True)))

        return [self.title, line(self.headers), *(line(row) for row in self.rows)]


def print_tables(tables: list[TextTable], file: TextIO) -> None:
    """Print each table after a blank line."""
    for table in tables:
        print("", *table.lines(), sep="\n", file=file)


def _amounts(lines: list[dict[str, Any]], key: str) -> tuple[float, str]:
    return money_unit(line[key] for line in lines)


def segment_tables(rows: dict[str, Any]) -> list[TextTable]:
    """The latest period's tiers (by market) and value quadrants, with the total."""
    lines = [*rows["by_tier"], *rows["by_quadrant"], rows]
    aum_factor, aum_unit = _amounts(lines, "aum")
    contribution_factor, contribution_unit = _amounts(lines, "contribution")
    headers = ["", "客户数（户）", f"月日均金融资产（{aum_unit}）",
               f"利润贡献度（{contribution_unit}）"]

    def cells(name: str, line: dict[str, Any]) -> list[str]:
        return [name, f"{line['customers']:,}", f"{line['aum'] / aum_factor:,.2f}",
                f"{line['contribution'] / contribution_factor:,.2f}"]

    tiers = [cells(f"{t['market_class_label_zh'] or t['market_class']} / "
                   f"{t['label_zh'] or t['code']}", t) for t in rows["by_tier"]]
    quadrants = [cells(q["label_zh"] or q["code"], q) for q in rows["by_quadrant"]]
    period = rows["period_month"]
    return [
        TextTable(f"{period.year}年{period.month}月各层级客户（最新期间，按评定等级）：",
                  ["市场 / 客户分层", *headers[1:]], [*tiers, cells("合计", rows)]),
        TextTable("按价值象限：", ["价值象限", *headers[1:]], [*quadrants, cells("合计", rows)]),
    ]


def print_summary(
    con_or_path: duckdb.DuckDBPyConnection | str | Path, *, file: TextIO | None = None
) -> dict[str, Any]:
    """Print the latest period's customers, AUM and contribution by tier and by quadrant.

    ``con_or_path`` is an open connection or the path of a warehouse file, which is then
    opened read-only. Returns the :func:`summary_rows` dictionary that was printed.
    """
    out = file or sys.stdout
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        rows = summary_rows(con_or_path)
    else:
        logger.info("reading %s (read-only)", con_or_path)
        with duckdb.connect(str(con_or_path), read_only=True) as con:
            rows = summary_rows(con)
    if rows["period_month"] is None:
        print("\n分层结果：尚无任何期间（先运行 bank-tiering run）。", file=out)
        return rows
    print_tables(segment_tables(rows), out)
    return rows


def governance_rows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Tier governance of the latest period (METHODOLOGY.md §10–11).

    Returns ``{"period_month", "on_watch", "overridden", "service_differs",
    "rm_status", "churn_risk_band", "worklists"}``: customers on watch (保级关注), customers
    with a manual override in force, customers whose service tier differs from their assessed
    tier, one
    ``{"code", "label_zh", "customers"}`` per owner status of §14 (active, departed,
    unassigned; 0 when none), the same per churn-risk band of §16 (high, medium, low), and one
    ``{"code", "label_zh", "customers", "branches"}`` per
    worklist in §11's order, handover (§14) last (0 for an empty list).
    """
    period = latest_period(con)
    result: dict[str, Any] = {
        "period_month": period, "on_watch": 0, "overridden": 0, "service_differs": 0,
        "rm_status": [], "churn_risk_band": [], "worklists": [],
    }
    if period is None:
        return result
    row = con.execute(
        f"""
        select
            count(*) filter (where is_on_watch),
            count(*) filter (where override_id is not null),
            count(*) filter (where service_tier_code != tier_code)
        from {SEGMENT_TABLE}
        where period_month = ?
        """,
        [period],
    ).fetchone()
    assert row is not None
    counts = {
        code: (label, n, branches)
        for code, label, n, branches in con.execute(
            f"""
            select list_code, max(list_label_zh), count(*), count(distinct branch_id)
            from {WORKLIST_TABLE}
            where period_month = ?
            group by list_code
            """,
            [period],
        ).fetchall()
    }
    statuses = dict(con.execute(
        f"select rm_status, count(*) from {SEGMENT_TABLE} where period_month = ? group by 1",
        [period],
    ).fetchall())
    status_labels = _labels(con, "rm_status")
    bands = dict(con.execute(
        f"select churn_risk_band, count(*) from {SEGMENT_TABLE} where period_month = ? group by 1",
        [period],
    ).fetchall())
    band_labels = _labels(con, "churn_risk_band")
    labels = _labels(con, "worklist")
    result.update(
        churn_risk_band=[
            {"code": code, "label_zh": band_labels.get(code), "customers": int(bands.get(code, 0))}
            for code in CHURN_BAND_ORDER
        ],
        rm_status=[
            {"code": code, "label_zh": status_labels.get(code),
             "customers": int(statuses.get(code, 0))}
            for code in RM_STATUS_ORDER
        ],
        on_watch=int(row[0]), overridden=int(row[1]), service_differs=int(row[2]),
        worklists=[
            {
                "code": code,
                "label_zh": counts.get(code, (None,))[0] or labels.get(code),
                "customers": int(counts.get(code, (None, 0))[1]),
                "branches": int(counts.get(code, (None, 0, 0))[2]),
            }
            for code in (*WORKLIST_ORDER, *sorted(set(counts) - set(WORKLIST_ORDER)))
        ],
    )
    logger.info("governance summary for %s: %d on watch", period, result["on_watch"])
    return result


def _labels(con: duckdb.DuckDBPyConnection, code_set: str) -> dict[str, str]:
    """Chinese labels of a code set from the code_labels seed, empty when it is not there."""
    try:
        return dict(con.execute(
            f"select code, label_zh from {LABELS_TABLE} where code_set = ?", [code_set]
        ).fetchall())
    except duckdb.CatalogException:
        return {}


def governance_tables(rows: dict[str, Any]) -> list[TextTable]:
    """The latest period's tier governance and the size of every worklist."""
    period = rows["period_month"]
    return [
        TextTable(f"{period.year}年{period.month}月分层治理：",
                  ["项目", "客户数（户）"],
                  [["保级关注", f"{rows['on_watch']:,}"],
                   ["人工调整生效", f"{rows['overridden']:,}"],
                   ["服务等级与评定等级不一致", f"{rows['service_differs']:,}"]]),
        TextTable("期末客户经理：", ["客户经理状态", "客户数（户）"],
                  [[line["label_zh"] or line["code"], f"{line['customers']:,}"]
                   for line in rows["rm_status"]]),
        TextTable("期末流失风险：", ["流失风险等级", "客户数（户）"],
                  [[line["label_zh"] or line["code"], f"{line['customers']:,}"]
                   for line in rows["churn_risk_band"]]),
        TextTable("客户经理工作清单：", ["工作清单", "客户数（户）", "涉及机构（个）"],
                  [[line["label_zh"] or line["code"], f"{line['customers']:,}",
                    f"{line['branches']:,}"] for line in rows["worklists"]]),
    ]


def print_governance_summary(
    con: duckdb.DuckDBPyConnection, *, file: TextIO | None = None
) -> dict[str, Any]:
    """Print the on-watch count and the worklist sizes of the latest period."""
    rows = governance_rows(con)
    if rows["period_month"] is not None:
        print_tables(governance_tables(rows), file or sys.stdout)
    return rows
