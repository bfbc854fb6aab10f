"""The unit a column of CNY amounts is shown in (元, 万元, 亿元), shared by the monthly report
and the printed summary: the largest unit in which every non-zero amount of the column is at
least 1, so no amount reads 0.00 (a small branch's tier in 亿元 would)."""

from __future__ import annotations

from collections.abc import Iterable

#: Money units, largest first: (factor, name).
MONEY_UNITS: tuple[tuple[float, str], ...] = ((1e8, "亿元"), (1e4, "万元"), (1.0, "元"))


def money_unit(values: Iterable[float | None]) -> tuple[float, str]:
    """``(factor, unit)`` for a column of amounts (None and NaN ignored): 元 when it holds
    no non-zero amount."""
    sizes = [abs(float(v)) for v in values if v is not None and v == v and float(v) != 0]
    if not sizes:
        return 1.0, "元"
    smallest = min(sizes)
    return next(((f, u) for f, u in MONEY_UNITS if smallest >= f), (1.0, "元"))
