"""Chinese number formatting: amounts in 元, 万元 (10^4) and 亿元 (10^8)."""

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


def _scaled(value: float, unit: float, digits: int) -> str:
    """``value / unit`` with ``digits`` decimals and thousands separators; never "-0.00"."""
    return f"{round(float(value) / unit, digits) + 0.0:,.{digits}f}"


def wan(value: float | None, digits: int = 2) -> str:
    """``12345678`` -> ``"1,234.57万元"``; empty for a missing value."""
    return "" if missing(value) else f"{_scaled(value, WAN, digits)}万元"


def in_wan(value: float | None, digits: int = 2) -> str:
    """A table cell under a "（万元）" heading: ``12345678`` -> ``"1,234.57"``; "—" when
    missing."""
    return "—" if missing(value) else _scaled(value, WAN, digits)


def yi(value: float | None, digits: int = 2) -> str:
    """``123456789`` -> ``"1.23亿元"``; empty for a missing value."""
    return "" if missing(value) else f"{_scaled(value, YI, digits)}亿元"


def amount(value: float | None) -> str:
    """The unit a reader expects for the size: 亿元 from 1亿, 万元 from 1万, else 元."""
    if missing(value):
        return ""
    size = abs(float(value))
    if size >= YI:
        return yi(value)
    if size >= WAN:
        return wan(value)
    return f"{float(value):,.2f}元"


def count(value: int | float | None) -> str:
    """Customers: ``1932`` -> ``"1,932"``."""
    return "" if missing(value) else f"{int(value):,}"


def share(value: float | None, digits: int = 1) -> str:
    """``0.4567`` -> ``"45.7%"``."""
    return "" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def owner(rm_id: object, rm_name: object) -> str:
    """A customer's RM: ``"王五（RM0001）"``, or ``"无客户经理"`` when there is none."""
    return "无客户经理" if missing(rm_id) else f"{text(rm_name)}（{rm_id}）"
