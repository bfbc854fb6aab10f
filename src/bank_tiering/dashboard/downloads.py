"""Downloads of the tables a user acts on: CSV and Excel, in the user's scope (INTERFACES §4).

* CSV: UTF-8 with a byte-order mark (Excel then opens Chinese correctly), one header row
  of Chinese headings with units, plain numbers (money in 元 with two decimals). A text
  cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a spreadsheet
  never runs it as a formula.
* Excel (``.xlsx``, XlsxWriter): the same headings (bold, frozen), numbers stored as
  numbers with a number format (``#,##0.00`` for money, ``#,##0`` for counts), dates as
  dates, text always as text (never a formula).

The file is built when the button is clicked (Streamlit runs the data callable then, on a
thread of its own): the callable opens the serving file, runs the table's scoped query
with the scope captured from the session, and writes one ``download`` line to the access
log with the rows it holds — so what is logged is what was downloaded.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd
import streamlit as st
import xlsxwriter

from bank_tiering.dashboard import auth
from bank_tiering.dashboard.queries import serving_connection

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Kinds of a column: how its values are written.
KINDS = ("text", "int", "money", "number", "date", "flag")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of a download: the frame's column, its heading (with the unit) and kind."""

    source: str
    heading: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        not isinstance(value, str | bytes) and bool(pd.isna(value)))


def _cell(value: object, kind: str) -> object:
    """The value as written: None when missing, a number, a date or text."""
    if _missing(value):
        return None
    if kind == "int":
        return int(value)
    if kind in ("money", "number"):
        return round(float(value), 2) if kind == "money" else float(value)
    if kind == "date":
        return value if isinstance(value, date) else pd.Timestamp(value).date()
    if kind == "flag":
        return "是" if bool(value) else "否"
    return str(value)


def _safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(df: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """The table as CSV bytes (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.heading for c in columns])
    for record in df.to_dict("records"):
        row = []
        for c in columns:
            value = _cell(record.get(c.source), c.kind)
            if value is None:
                row.append("")
            elif c.kind == "money":
                row.append(f"{value:.2f}")
            elif isinstance(value, date | datetime):
                row.append(value.isoformat())
            elif isinstance(value, str):
                row.append(_safe_text(value))
            else:
                row.append(value)
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(df: pd.DataFrame, columns: Sequence[Column], sheet: str) -> bytes:
    """The table as an Excel workbook of one sheet (bytes)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    page = book.add_worksheet(sheet[:31])
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    formats = {"money": book.add_format({"num_format": "#,##0.00"}),
               "int": book.add_format({"num_format": "#,##0"}),
               "number": book.add_format({"num_format": "0.00##"}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    for j, c in enumerate(columns):
        page.write_string(0, j, c.heading, header)
        page.set_column(j, j, max(10, min(40, 2 * len(c.heading) + 2)))
    for i, record in enumerate(df.to_dict("records"), start=1):
        for j, c in enumerate(columns):
            value = _cell(record.get(c.source), c.kind)
            if value is None:
                page.write_blank(i, j, None)
            elif c.kind in ("money", "int", "number"):
                page.write_number(i, j, value, formats[c.kind])
            elif c.kind == "date":
                page.write_datetime(i, j, datetime.combine(value, datetime.min.time()),
                                    formats["date"])
            else:
                page.write_string(i, j, value)
    page.freeze_panes(1, 0)
    if len(df):
        page.autofilter(0, 0, len(df), len(columns) - 1)
    book.close()
    return output.getvalue()


def _builder(query: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame],
             columns: Sequence[Column], file_format: str, sheet: str, list_code: str,
             period: str, viewer: auth.Viewer, serving_path, log) -> Callable[[], bytes]:
    def build() -> bytes:
        with serving_connection(serving_path) as con:
            df = query(con)
        data = to_csv(df, columns) if file_format == "csv" else to_xlsx(df, columns, sheet)
        log.append("download", username=viewer.username, scope=viewer.scope,
                   method=viewer.method, list_code=list_code, rows=len(df), period=period,
                   format=file_format)
        return data
    return build


def offer(title: str, list_code: str, period: date,
          query: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame],
          columns: Sequence[Column]) -> None:
    """Two buttons, 下载 CSV and 下载 Excel, for one table: ``query`` is run on click with
    the scope the caller closed over (it must be the viewer's), ``list_code`` names the
    table in the access log and the file name."""
    from bank_tiering.dashboard.common import serving_path

    viewer = auth.current()
    stem = f"{list_code}_{period:%Y-%m}"
    args = (columns, title, list_code, f"{period:%Y-%m}", viewer, serving_path(),
            auth.access_log())
    left, right, _ = st.columns([1, 1, 6])
    left.download_button("下载 CSV", data=_builder(query, args[0], "csv", *args[1:]),
                         file_name=f"{stem}.csv", mime="text/csv", on_click="ignore",
                         key=f"download_csv_{list_code}", help=f"{title}（CSV，UTF-8）")
    right.download_button("下载 Excel", data=_builder(query, args[0], "xlsx", *args[1:]),
                          file_name=f"{stem}.xlsx", mime=XLSX_MIME, on_click="ignore",
                          key=f"download_xlsx_{list_code}", help=f"{title}（Excel）")
