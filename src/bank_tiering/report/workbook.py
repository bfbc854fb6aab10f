"""Writing the report's sheets as one xlsx workbook (XlsxWriter).

A sheet is a title row (the period and the scope), a note row, one header row (frozen)
and the data. Every figure is written as a number (counts, amounts, shares), a date as a
date; the header of every numeric column names its unit: 户 for customers, % for shares
(stored as fractions with a percent format), 元 / 万元 / 亿元 for money — chosen per column,
the largest unit in which no non-zero figure of the column falls below 1, so a small
branch never reads 0.00亿元. Column widths fit the longest text of the column, a CJK
character counting two columns. Printed, a sheet is A4 landscape, one page wide, with the
header row repeated on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from bank_tiering.money import money_unit
from bank_tiering.textwidth import display_width

#: Per column kind: Excel number format and the unit named in the header (money: chosen
#: from the values; text and date columns have no unit).
KINDS: dict[str, tuple[str | None, str | None]] = {
    "text": (None, None),
    "date": ("yyyy-mm", None),
    "count": ("#,##0", "户"),
    "money": ("#,##0.00", None),
    "share": ("0.0%", "%"),
    "score": ("0.00", "分"),
    "days": ("#,##0", "天"),
    "months": ("#,##0", "个月"),
    "number": ("#,##0", None),  # an integer with the unit given on the column
}
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header (without the unit), the row key it shows and its
    kind (:data:`KINDS`); ``unit`` names the unit of a ``number`` column."""

    header: str
    key: str
    kind: str = "text"
    unit: str | None = None


@dataclass
class Sheet:
    """One worksheet: tab name, subject (in the title row), notes and the table."""

    name: str
    subject: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (a NULL of the marts as pandas hands it over)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def header_text(column: Column, unit: str | None) -> str:
    """``客户数（户）``: the header with its unit in full-width brackets."""
    return f"{column.header}（{unit}）" if unit else column.header


def _as_date(value: Any) -> date | None:
    if _missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return getattr(value, "date", lambda: None)()


class WorkbookWriter:
    """Formats shared by the sheets of one workbook."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.note = self.book.add_format({"italic": True, "font_color": "#555555"})
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"})
        self.text = self.book.add_format({})
        self.formats = {kind: self.book.add_format({"num_format": fmt})
                        for kind, (fmt, _) in KINDS.items() if fmt}

    def write_sheet(self, sheet: Sheet, title: str) -> None:
        """Title row, notes, the frozen header row and the data of ``sheet``."""
        ws = self.book.add_worksheet(sheet.name)
        ws.write_string(0, 0, f"{title} · {sheet.subject}", self.title)
        ws.write_string(1, 0, "；".join(sheet.notes), self.note)
        header_row = 2
        for col, column in enumerate(sheet.columns):
            values = [row.get(column.key) for row in sheet.rows]
            factor, unit = 1.0, KINDS[column.kind][1] or column.unit
            if column.kind == "money":
                factor, unit = money_unit(None if _missing(v) else float(v) for v in values)
            header = header_text(column, unit)
            ws.write_string(header_row, col, header, self.header)
            width = display_width(header)
            for offset, value in enumerate(values, start=header_row + 1):
                width = max(width, self._write_cell(ws, offset, col, column, value, factor))
            ws.set_column(col, col, min(width + 2, MAX_WIDTH))
        ws.freeze_panes(header_row + 1, 0)
        # printed for the management meeting: A4 landscape, one page wide, header repeated
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)

    def _write_cell(self, ws: Any, row: int, col: int, column: Column, value: Any,
                    factor: float) -> int:
        """Write one cell (numbers as numbers, blank when missing); its display width."""
        if _missing(value):
            ws.write_blank(row, col, None)
            return 0
        if column.kind == "text":
            text = str(value)
            ws.write_string(row, col, text, self.text)
            return display_width(text)
        if column.kind == "date":
            day = _as_date(value)
            ws.write_datetime(row, col, datetime(day.year, day.month, day.day),
                              self.formats["date"])
            return 8
        number = float(value) / factor
        ws.write_number(row, col, number, self.formats[column.kind])
        if column.kind == "share":
            return len(f"{number * 100:.1f}%")
        if column.kind in ("money", "score"):
            return len(f"{number:,.2f}")
        return len(f"{number:,.0f}")

    def close(self) -> None:
        self.book.close()


def write_workbook(path: Path, sheets: Sequence[Sheet], title: str) -> None:
    """Write ``sheets`` in order to ``path`` (an .xlsx file), each titled ``title``."""
    writer = WorkbookWriter(path)
    try:
        for sheet in sheets:
            writer.write_sheet(sheet, title)
    finally:
        writer.close()
