"""Text tables of the pages: every numeric column's heading names its unit.

    table = Table()
    table.text("分层", df["tier_label"])
    table.count("客户数", df["customers"])            # 客户数（户）
    table.share("占比", df["customer_share"])         # 占比（%）
    table.money("金融资产", df["aum"])                 # 金融资产（亿元）, the unit from the values
    table.money_group({"期初金融资产": df["start_aum"], "期末金融资产": df["end_aum"]})
    table.show()

Money columns take the unit of :func:`bank_tiering.money.money_unit` (the report's and the
summary's rule): the largest of 元 / 万元 / 亿元 in which no non-zero amount of the column
falls below 1, so a branch's small tier never reads 0.00亿元; columns a reader compares
directly (a flow's start, lost, gained and end AUM) share one unit (:meth:`Table.money_group`).
The table is drawn with ``st.table`` (real text: a browser test can read it), its cells
never broken inside a word (the page's style, :func:`bank_tiering.dashboard.common.page`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.money import money_unit


def unit_heading(heading: str, unit: str) -> str:
    """``客户数（户）``: the heading with its unit in full-width brackets."""
    return f"{heading}（{unit}）"


class Table:
    """The columns of one text table: heading (with its unit) -> formatted cells."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}

    def text(self, heading: str, values: Iterable[object], empty: str = "—") -> Table:
        self.columns[heading] = [fmt.text(v, empty) for v in values]
        return self

    def count(self, heading: str, values: Iterable[object], unit: str = "户",
              sign: bool = False) -> Table:
        """Whole numbers (customers: 户; months: 月; a rank: 位), "—" when missing."""
        self.columns[unit_heading(heading, unit)] = [
            "—" if fmt.missing(v) else (f"{int(v):+,d}" if sign else f"{int(v):,d}")
            for v in values]
        return self

    def share(self, heading: str, values: Iterable[float | None], digits: int = 1) -> Table:
        """Fractions shown as percentages under a （%） heading."""
        self.columns[unit_heading(heading, "%")] = [
            fmt.scaled(None if fmt.missing(v) else float(v) * 100, digits=digits)
            for v in values]
        return self

    def number(self, heading: str, values: Iterable[float | None], unit: str,
               digits: int = 1, empty: str = "—") -> Table:
        """Any other measure with its unit (a score: 分; days: 天); ``empty`` when missing."""
        self.columns[unit_heading(heading, unit)] = [fmt.scaled(v, digits=digits, empty=empty)
                                                     for v in values]
        return self

    def money(self, heading: str, values: Iterable[float | None], sign: bool = False) -> str:
        """An amount column in the unit its values call for; returns the unit."""
        return self.money_group({heading: values}, sign=sign)

    def money_group(self, columns: Mapping[str, Iterable[float | None]],
                    sign: bool = False) -> str:
        """Amount columns a reader compares, in one unit chosen over all their values;
        returns the unit."""
        listed = {heading: [None if fmt.missing(v) else float(v) for v in values]
                  for heading, values in columns.items()}
        factor, unit = money_unit(v for values in listed.values() for v in values)
        for heading, values in listed.items():
            self.columns[unit_heading(heading, unit)] = [
                fmt.scaled(v, factor, sign=sign) for v in values]
        return unit

    def show(self) -> None:
        """Draw the table (st.table, no index)."""
        import pandas as pd
        import streamlit as st

        st.table(pd.DataFrame(self.columns), hide_index=True)
