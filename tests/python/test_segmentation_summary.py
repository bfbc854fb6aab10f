"""bank_tiering.summary on a hand-made marts.fct_customer_segment (no dbt build needed)."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bank_tiering.summary import TextTable, print_summary, summary_rows
from bank_tiering.textwidth import display_width, pad

RETAIL, CORPORATE = ("retail", "个人客户市场"), ("corporate", "公司客户市场")
MASS, HNW, SMALL = ("mass", "低价值客户"), ("high_net_worth", "高净值客户"), ("small", "小企业客户")
EXIT, IMPORTANT, QUALITY = ("exit", "退出客户"), ("important", "重要客户"), ("quality", "优质客户")
MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)

# customer, period, (market_class, label), (tier, label), (quadrant, label), avg_aum, contribution
ROWS = [
    ("a", MAY, *RETAIL, *MASS, *EXIT, 1.0, 1.0),
    ("a", JUNE, *RETAIL, *MASS, *EXIT, 100.0, -5.0),
    ("b", JUNE, *RETAIL, *HNW, *IMPORTANT, 6_000_000.0, 2_000.0),
    ("c", JUNE, *CORPORATE, *SMALL, *EXIT, 300.0, 10.0),
    ("d", JUNE, *RETAIL, *HNW, *QUALITY, 9_000_000.0, 1_000.0),
]


def _warehouse(path: Path | None = None, rows: list[tuple] = ROWS) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path) if path else ":memory:")
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_customer_segment (
            customer_id varchar, period_month date, market_class varchar,
            market_class_label_zh varchar, tier_code varchar, tier_label_zh varchar,
            value_quadrant varchar, value_quadrant_label_zh varchar, avg_aum double,
            contribution double
        )
        """
    )
    if rows:
        con.executemany("insert into marts.fct_customer_segment values (?,?,?,?,?,?,?,?,?,?)", rows)
    return con


def test_summary_rows_latest_period_by_tier_and_quadrant() -> None:
    rows = summary_rows(_warehouse())
    assert rows["period_month"] == date(2025, 6, 1)
    assert rows["customers"] == 4  # May's row is not counted
    assert rows["aum"] == pytest.approx(15_000_400.0)
    assert rows["contribution"] == pytest.approx(3_005.0)
    # methodology order: retail tiers (high_net_worth before mass), then corporate
    assert [(t["market_class"], t["code"], t["customers"]) for t in rows["by_tier"]] == [
        ("retail", "high_net_worth", 2), ("retail", "mass", 1), ("corporate", "small", 1),
    ]
    assert rows["by_tier"][0]["aum"] == pytest.approx(15_000_000.0)
    assert rows["by_tier"][0]["label_zh"] == "高净值客户"
    assert [(q["code"], q["customers"], q["contribution"]) for q in rows["by_quadrant"]] == [
        ("important", 1, 2_000.0), ("quality", 1, 1_000.0), ("exit", 2, 5.0),
    ]


def test_print_summary_from_a_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _warehouse(path).close()
    out = io.StringIO()
    rows = print_summary(path, file=out)
    text = out.getvalue()
    assert rows["customers"] == 4
    assert "2025年6月" in text
    assert "个人客户市场 / 高净值客户" in text
    assert "重要客户" in text
    # the file was opened read-only: another read-only reader can open it at the same time
    with duckdb.connect(str(path), read_only=True) as other:
        assert other.execute("select count(*) from marts.fct_customer_segment").fetchone() == (5,)


def test_print_summary_of_an_empty_mart() -> None:
    out = io.StringIO()
    rows = print_summary(_warehouse(rows=[]), file=out)
    assert rows["period_month"] is None
    assert rows["by_tier"] == []
    assert "尚无任何期间" in out.getvalue()


def _cjk_terminal_width(text: str) -> int:
    """Columns in a terminal with a CJK locale, where ambiguous characters (≠, ·, —, ×)
    are two columns wide as well."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def test_printed_tables_line_up_in_a_terminal() -> None:
    """Every line of a printed table (header and rows) has the same display width in a
    terminal counting Chinese characters as two columns — also one counting ambiguous
    characters as two — so the right-aligned figures end in one column; headers carry
    units and no English code is printed."""
    out = io.StringIO()
    print_summary(_warehouse(), file=out)
    tables = [block.splitlines()[1:] for block in out.getvalue().strip().split("\n\n")]
    assert len(tables) == 2 and all(len(lines) >= 3 for lines in tables)
    for lines in tables:
        for width in (display_width, _cjk_terminal_width):
            assert len({width(line) for line in lines}) == 1, lines
        assert "（户）" in lines[0] and "元）" in lines[0]
    text = out.getvalue()
    assert "个人客户市场 / 高净值客户" in text and "合计" in text
    for code in ("high_net_worth", "important", "customers", "AUM", "CNY"):
        assert code not in text


def test_text_table_pads_by_display_width() -> None:
    table = TextTable("标题", ["市场", "客户数（户）"], [["个人客户市场", "1,932"], ["BR001", "7"]])
    header, first, second = table.lines()[1:]
    assert first.index("1,932") + 5 == len(first) and second.endswith("  7")
    assert display_width(header) == display_width(first) == display_width(second)
    assert pad("高净值", 8) == "高净值  " and pad("19", 4, "right") == "  19"
    assert display_width("高净值客户") == 10 and display_width("BR001") == 5
