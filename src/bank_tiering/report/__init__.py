"""The monthly report (月度客户分层分析报告, INTERFACES.md §4): one xlsx workbook a bank can
circulate — tier pyramid per market, value quadrants, tier flows with their split by
cause, contribution concentration, segment profiles, governance counts and every
relationship-manager worklist — for one period and the whole bank or one branch, read
from the serving file (read-only, like the dashboard).

``bank-tiering report --period YYYY-MM [--branch BRANCH_ID] --out FILE.xlsx`` calls
:func:`write_report`. Figures are computed in SQL over the scope's customers
(:mod:`bank_tiering.report.queries`); the sheets and their Chinese headers are
:mod:`bank_tiering.report.sheets`; the xlsx layout (units per column, frozen headers,
widths) :mod:`bank_tiering.report.workbook`.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import scalar_parameters
from bank_tiering.report import queries, sheets
from bank_tiering.report.workbook import Sheet, write_workbook

log = logging.getLogger(__name__)


class ReportError(Exception):
    """Input the report cannot be made from (no serving file, unknown period or branch):
    the message says what to do."""


@dataclass(frozen=True)
class ReportResult:
    """What one report wrote."""

    path: Path
    scope: Scope
    period: date
    sheets: tuple[str, ...]


def parse_period(text: str) -> date:
    """``2025-12`` -> date(2025, 12, 1); a clear error otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ReportError(f"--period must be a month as YYYY-MM (e.g. 2025-12), got '{text}'.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _check_scope(con: duckdb.DuckDBPyConnection, scope: Scope, period: date) -> None:
    gaps = queries.missing_columns(con)
    if gaps:
        raise ReportError(
            "The serving file was published by another version of the project and lacks "
            f"{', '.join(gaps[:8])}{' …' if len(gaps) > 8 else ''}: run `bank-tiering run` "
            "(make run) to rebuild and publish it.")
    loaded = queries.periods(con)
    if not loaded:
        raise ReportError("The serving file holds no period: run `bank-tiering run` first.")
    if period not in loaded:
        raise ReportError(
            f"Period {period:%Y-%m} is not in the serving file (periods "
            f"{loaded[0]:%Y-%m} … {loaded[-1]:%Y-%m}).")
    if scope.branch_id is not None:
        known = queries.branches(con, period)
        if scope.branch_id not in known:
            shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise ReportError(
                f"Branch {scope.branch_id} has no customers in {period:%Y-%m} "
                f"(branches of that period: {shown}).")


def build_sheets(con: duckdb.DuckDBPyConnection, scope: Scope, period: date,
                 published: str) -> list[Sheet]:
    """Every sheet of the report for ``scope`` and ``period``, the cover first."""
    parameters = scalar_parameters(con, scope.branch_id)
    body = [
        sheets.pyramid_sheet(queries.pyramid(con, scope, period)),
        sheets.quadrant_sheet(queries.quadrants(con, scope, period), scope.branch_id,
                              parameters),
        sheets.flows_sheet(queries.flows(con, scope, period)),
        sheets.pareto_sheet(queries.pareto(con, scope, period),
                            *queries.pareto_shares(con, scope)),
        sheets.profile_sheet(queries.profiles(con, scope, period)),
        sheets.governance_sheet(queries.governance(con, scope, period)),
    ]
    sizes = queries.worklist_sizes(con, scope, period)
    body.append(sheets.worklist_summary_sheet(sizes))
    for size in sizes.itertuples():
        if size.customers:
            body.append(sheets.worklist_sheet(
                size.list_label or "未命名清单", size.list_code,
                queries.worklist_rows(con, scope, period, size.list_code), parameters))
    reference = [
        "客户分层、价值象限、画像维度均按评定等级（当月数据）",
        "分层线、分档与工作清单参数按客户所属机构（区域差别化）",
    ]
    if scope.branch_id is not None:
        reference += [
            f"全部数字仅统计机构 {scope.branch_id} 的客户",
            "全行参考值：价值象限的组中位数按全行同层级客户计算；"
            "流动的基期以全行已加载期间为准；贡献集中度参数按该机构",
        ]
    cover = sheets.cover_sheet(f"{period.year}年{period.month}月", _scope_text(scope),
                               published, body, reference)
    return [cover, *body]


def _title(scope: Scope, period: date) -> str:
    return f"{period.year}年{period.month}月 客户分层分析月报 · {_scope_text(scope)}"


def _scope_text(scope: Scope) -> str:
    return "全行" if scope.branch_id is None else f"机构 {scope.branch_id}"


def write_report(serving_path: Path, period: str, branch: str | None, out: Path) -> ReportResult:
    """Write the report of ``period`` (YYYY-MM) for the bank or ``branch`` to ``out`` (.xlsx),
    reading ``serving_path`` read-only. The workbook is written beside ``out`` and renamed
    over it, so a reader never opens half a file. Raises :class:`ReportError` for input the
    report cannot be made from."""
    if branch is not None and not branch.strip():
        raise ReportError("--branch must name a branch (e.g. BR001); leave it out for the whole "
                          "bank.")
    month = parse_period(period)
    scope = Scope.branch(branch.strip()) if branch else Scope.bank()
    if out.suffix.lower() != ".xlsx":
        raise ReportError(f"--out must name an .xlsx file, got '{out}'.")
    if not serving_path.exists():
        raise ReportError(
            f"No serving file at {serving_path}: run `bank-tiering run` (make run) to build "
            "and publish the marts, or set BANK_TIERING_SERVING_DUCKDB.")
    published = datetime.fromtimestamp(serving_path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    with duckdb.connect(str(serving_path), read_only=True) as con:
        _check_scope(con, scope, month)
        all_sheets = build_sheets(con, scope, month, published)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        write_workbook(partial, all_sheets, _title(scope, month))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    log.info("report %s written: %d sheets", out, len(all_sheets))
    return ReportResult(out, scope, month, tuple(s.name for s in all_sheets))


__all__ = ["ReportError", "ReportResult", "Scope", "parse_period", "write_report"]
