"""The methodology's order of codes (markets, tiers, quadrants) for sorting frames."""

from __future__ import annotations

import pandas as pd

from bank_tiering.summary import MARKET_CLASS_ORDER, QUADRANT_ORDER, TIER_ORDER

__all__ = ["MARKET_CLASS_ORDER", "QUADRANT_ORDER", "TIER_ORDER", "rank", "sort_by_order"]


def rank(order: tuple[str, ...], code: object) -> int:
    """Position of ``code`` in ``order``; codes not in it sort last."""
    return order.index(code) if code in order else len(order)


def sort_by_order(df: pd.DataFrame, **orders: tuple[str, ...]) -> pd.DataFrame:
    """Rows sorted by the position of their codes in ``orders`` (column -> order)."""
    if df.empty:
        return df.reset_index(drop=True)
    keys = [df[col].map(lambda v, o=order: rank(o, v)) for col, order in orders.items()]
    frame_ = df.assign(**{f"_k{i}": k for i, k in enumerate(keys)})
    return frame_.sort_values([f"_k{i}" for i in range(len(keys))], kind="stable").drop(
        columns=[f"_k{i}" for i in range(len(keys))]).reset_index(drop=True)
