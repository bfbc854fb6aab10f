"""The dashboard's queries: the serving file's marts in, pandas frames out, always within
the signed-in user's scope (METHODOLOGY.md §15).

Plain DuckDB + pandas (no Streamlit), so the pages stay thin and the numbers are tested
directly. Every function that reads customer data takes the user's
:class:`~bank_tiering.access.scope.Scope` and runs its SQL on the scoped relations of
:mod:`bank_tiering.analysis.scoped` (``segment``, ``worklist``, ``contribution``,
``managers``, ``cross_sell``, ``outcomes``, ``backtest``), never on a mart. Money is cast
to DOUBLE on the way out. Only marts (``marts.*``, through those relations) and parameter
seeds (``parameters.*``) are read.
The flows, Pareto, profile and trend figures are the ones the monthly report shows too
(:mod:`bank_tiering.analysis`).

:data:`QUERY_MODULES` are the modules of query functions (a page's new queries go into one
of them, or a new module listed here); :data:`UNSCOPED` names the functions that read only
parameter tables (no customer data) and so take no scope.
"""

from bank_tiering.analysis import flows, pareto, profiles, trends
from bank_tiering.analysis.flows import tier_flows
from bank_tiering.analysis.pareto import ALL_MARKETS, pareto_curve, pareto_summary
from bank_tiering.analysis.profiles import segment_profiles
from bank_tiering.analysis.scoped import Filters, scalar_parameters
from bank_tiering.analysis.trends import tier_trends
from bank_tiering.dashboard.queries import books, customers, early_warning, segments
from bank_tiering.dashboard.queries.base import CONTRACT, ServingFileMissing, serving_connection
from bank_tiering.dashboard.queries.books import (
    rm_book,
    rm_book_mix,
    rm_books,
    worklist_counts,
    worklist_rows,
)
from bank_tiering.dashboard.queries.customers import (
    cross_sell_recommendations,
    customer_history,
    find_customers,
    normalise_customer_id,
)
from bank_tiering.dashboard.queries.early_warning import (
    BAND_ORDER,
    backtest,
    backtest_trend,
    band_labels,
    churn_bands,
    list_outcomes,
)
from bank_tiering.dashboard.queries.segments import (
    branches,
    contact_cadence,
    markets,
    pareto_shares,
    periods,
    quadrant_groups,
    quadrant_points,
    quadrant_summary,
    scalar_parameter,
    tier_pyramid,
    totals,
)

QUERY_MODULES = (segments, books, customers, early_warning, flows, pareto, profiles, trends)
#: Query functions that read only parameter tables (labels, lines, ratios): no scope.
UNSCOPED = frozenset({"markets", "scalar_parameter", "pareto_shares", "contact_cadence",
                      "band_labels"})

__all__ = [
    "ALL_MARKETS", "BAND_ORDER", "CONTRACT", "Filters", "QUERY_MODULES", "ServingFileMissing",
    "UNSCOPED", "backtest", "backtest_trend", "band_labels", "branches", "churn_bands",
    "contact_cadence", "cross_sell_recommendations", "customer_history", "find_customers",
    "list_outcomes",
    "markets", "normalise_customer_id", "pareto_curve", "pareto_shares", "pareto_summary",
    "periods", "quadrant_groups", "quadrant_points", "quadrant_summary", "rm_book",
    "rm_book_mix", "rm_books", "scalar_parameter", "scalar_parameters", "segment_profiles",
    "serving_connection", "tier_flows", "tier_pyramid", "tier_trends", "totals",
    "worklist_counts", "worklist_rows",
]
