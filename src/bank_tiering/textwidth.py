"""Display width of text in a terminal or a spreadsheet column: East Asian wide and
full-width characters (Chinese, full-width punctuation) take two columns, every other
printable character one (``unicodedata.east_asian_width``; ambiguous characters count as
one, as in a terminal without a CJK locale — keep them out of aligned text)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns ``text`` takes: ``"高净值客户"`` -> 10, ``"BR001"`` -> 5."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def pad(text: str, width: int, align: str = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (left- or right-aligned);
    text wider than ``width`` is returned as it is."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if align == "right" else text + fill
