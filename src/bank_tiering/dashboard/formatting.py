"""Chinese number formatting: amounts in 元, 万元 (10^4) and 亿元 (10^8), counts, shares.

A single figure (a metric) is shown in the unit its size calls for (:func:`amount`); a
column of a table in one unit for the whole column, the largest in which no non-zero
amount of it falls below 1 (:func:`bank_tiering.money.money_unit`, the report's and the
printed summary's rule), named in the column's heading (:mod:`bank_tiering.dashboard.tables`).
No figure ever reads "-0.00": a value that rounds to zero is shown as 0.
"""

from __future__ import annotations

import pandas as pd

WAN = 1e4
YI = 1e8


def missing(value: object) -> bool:
    """None, NaN or pandas' NA (a NULL of the marts, as pandas hands it over)."""
    return value is None or bool(pd.isna(value))


def text(value: object, empty: str = "—") -> str:
    """A label or code as text; ``empty`` for a missing value."""
    return empty if missing(value) else str(value)


def scaled(value: float | None, unit: float = 1.0, digits: int = 2, sign: bool = False,
           empty: str = "—") -> str:
    """``value / unit`` with ``digits`` decimals and thousands separators (``sign``: a
    leading + on positive values); never "-0.00"; ``empty`` when missing."""
    if missing(value):
        return empty
    rounded = round(float(value) / unit, digits) + 0.0
    return f"{rounded:{'+' if sign else ''},.{digits}f}"


def wan(value: float | None, digits: int = 2) -> str:
    """``12345678`` -> ``"1,234.57万元"``; empty for a missing value."""
    return "" if missing(value) else f"{scaled(value, WAN, digits)}万元"


def yi(value: float | None, digits: int = 2) -> str:
    """``123456789`` -> ``"1.23亿元"``; empty for a missing value."""
    return "" if missing(value) else f"{scaled(value, YI, digits)}亿元"


def amount(value: float | None) -> str:
    """The unit a reader expects for the size: 亿元 from 1亿, 万元 from 1万, else 元."""
    if missing(value):
        return ""
    size = abs(float(value))
    if size >= YI:
        return yi(value)
    if size >= WAN:
        return wan(value)
    return f"{scaled(value)}元"


def number(value: float | None) -> str:
    """A parameter as written in a sentence: ``50.0`` -> ``"50"``, ``0.5`` -> ``"0.5"``;
    "—" when missing."""
    return "—" if missing(value) else f"{float(value):g}"


def count(value: int | float | None) -> str:
    """Customers: ``1932`` -> ``"1,932"``."""
    return "" if missing(value) else f"{int(value):,}"


def share(value: float | None, digits: int = 1) -> str:
    """``0.4567`` -> ``"45.7%"``."""
    return "" if missing(value) else f"{scaled(float(value) * 100, digits=digits)}%"


def day(value: object) -> str:
    """A date as ``2025年01月29日``; empty when missing."""
    return "" if missing(value) else f"{pd.Timestamp(value):%Y年%m月%d日}"


def owner(rm_id: object, rm_name: object) -> str:
    """A customer's RM: ``"王五（RM0001）"``, or ``"无客户经理"`` when there is none."""
    return "无客户经理" if missing(rm_id) else f"{text(rm_name)}（{rm_id}）"
