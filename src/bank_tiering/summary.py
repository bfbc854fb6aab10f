"""Short summary of the segmentation marts for the latest period (printed after a build).

Reads ``marts.fct_customer_segment`` through a read-only DuckDB connection: customers,
AUM (sum of the customers' daily-average AUM, 月日均) and contribution of the latest period,
by tier and by value quadrant, with the Chinese labels the mart carries; and the tier
governance of that period (METHODOLOGY.md §10–11): customers on watch, overrides in force
and the size of every relationship-manager worklist (``marts.mart_rm_worklist``).
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import duckdb

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
#: The worklists of METHODOLOGY.md §11, in display order.
WORKLIST_ORDER = ("near_upgrade", "on_watch", "downgraded", "lost_since_year_start", "declining",
                  "handover")
#: METHODOLOGY.md §14: the owner's status at the period end.
RM_STATUS_ORDER = ("active", "departed", "unassigned")


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


def _pad(text: str, width: int) -> str:
    """Left-align text in a terminal column; Chinese characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cells, 0)


def _format_line(name: str, line: dict[str, Any]) -> str:
    return (
        f"  {_pad(name, 30)}{line['customers']:>10,}{line['aum'] / 1e6:>16,.1f}"
        f"{line['contribution'] / 1e3:>24,.1f}"
    )


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
        print("\nSegments: no period in marts.fct_customer_segment.", file=out)
        return rows
    header = f"  {'':<30}{'customers':>10}{'AUM (CNY m)':>16}{'contribution (CNY k)':>24}"
    print(f"\nSegments of {rows['period_month']:%Y-%m} (latest period):", file=out)
    print(header, file=out)
    for line in rows["by_tier"]:
        name = f"{line['market_class_label_zh'] or line['market_class']} / "
        name += line["label_zh"] or line["code"]
        print(_format_line(name, line), file=out)
    print("  by value quadrant:", file=out)
    for line in rows["by_quadrant"]:
        print(_format_line(line["label_zh"] or line["code"], line), file=out)
    print(_format_line("total", rows), file=out)
    return rows


def governance_rows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Tier governance of the latest period (METHODOLOGY.md §10–11).

    Returns ``{"period_month", "on_watch", "overridden", "service_differs",
    "rm_status", "worklists"}``: customers on watch (保级关注), customers with a manual
    override in force, customers whose service tier differs from their assessed tier, one
    ``{"code", "label_zh", "customers"}`` per owner status of §14 (active, departed,
    unassigned; 0 when none), and one ``{"code", "label_zh", "customers", "branches"}`` per
    worklist in §11's order, handover (§14) last (0 for an empty list).
    """
    period = latest_period(con)
    result: dict[str, Any] = {
        "period_month": period, "on_watch": 0, "overridden": 0, "service_differs": 0,
        "rm_status": [], "worklists": [],
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
    labels = _labels(con, "worklist")
    result.update(
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


def print_governance_summary(
    con: duckdb.DuckDBPyConnection, *, file: TextIO | None = None
) -> dict[str, Any]:
    """Print the on-watch count and the worklist sizes of the latest period."""
    out = file or sys.stdout
    rows = governance_rows(con)
    if rows["period_month"] is None:
        return rows
    print(f"\nTier governance of {rows['period_month']:%Y-%m} (METHODOLOGY.md §10–11):", file=out)
    for name, n in (("保级关注 on watch", rows["on_watch"]),
                    ("人工调整 override in force", rows["overridden"]),
                    ("服务等级≠评定等级 service ≠ assessed", rows["service_differs"])):
        print(f"  {_pad(name, 44)}{n:>10,} customers", file=out)
    print("  Owners at the period end (客户经理, §14):", file=out)
    for line in rows["rm_status"]:
        name = f"{line['label_zh'] or ''} {line['code']}".strip()
        print(f"    {_pad(name, 42)}{line['customers']:>10,} customers", file=out)
    print("  RM worklists (客户经理工作清单):", file=out)
    for line in rows["worklists"]:
        name = f"{line['label_zh'] or ''} {line['code']}".strip()
        print(f"    {_pad(name, 42)}{line['customers']:>10,} customers"
              f"{line['branches']:>6,} branches", file=out)
    return rows
