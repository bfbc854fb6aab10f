"""The generated sample is one a dashboard can be judged by (issue 7, README "Sample data"):
on the built marts every value quadrant is populated in every market, about a third of the
customers are above the bank-value line, and exit customers are not half the book. The
rules are the marts'; only the generated data is judged here."""

from __future__ import annotations

from conftest import Served


def test_every_market_has_every_quadrant_in_plausible_shares(served: Served) -> None:
    """Customer-months of the whole (small: 300 customers, 7 institutions) sample."""
    rows = served.query(
        "select market_class, value_quadrant, count(*) from marts.fct_customer_segment "
        "group by all")
    by_market: dict[str, dict[str, int]] = {}
    for market, quadrant, n in rows:
        by_market.setdefault(market, {})[quadrant] = n
    assert set(by_market) == {"retail", "corporate", "institution"}
    for market, quadrants in by_market.items():
        assert set(quadrants) == {"important", "quality", "ordinary", "exit"}, market
    total = sum(n for _, _, n in rows)
    share = {q: sum(n for _, qq, n in rows if qq == q) / total
             for q in ("important", "quality", "ordinary", "exit")}
    assert 0.2 <= share["important"] + share["ordinary"] <= 0.5  # y high: score >= 60
    assert share["exit"] < 0.45
    assert share["important"] >= 0.08


def test_value_and_contribution_go_together(served: Served) -> None:
    """Deeper relationships both score higher and earn more: the important quadrant's
    average contribution beats the ordinary quadrant's, and its AUM the exit quadrant's."""
    stats = dict((q, (c, a)) for q, c, a in served.query(
        "select value_quadrant, avg(contribution), avg(avg_aum) from marts.fct_customer_segment "
        "group by 1"))
    assert stats["important"][0] > stats["ordinary"][0]
    assert stats["important"][1] > stats["exit"][1]
