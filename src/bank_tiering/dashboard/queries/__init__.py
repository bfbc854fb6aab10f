"""The dashboard's queries: the serving file's marts in, pandas frames out, always within
the signed-in user's scope (METHODOLOGY.md §15).

Plain DuckDB + pandas (no Streamlit), so the pages stay thin and the numbers are tested
directly. Every function that reads customer data takes the user's
:class:`~bank_tiering.access.scope.Scope` and runs its SQL on the scoped relations of
:mod:`~bank_tiering.dashboard.queries.base` (``segment``, ``worklist``, ``contribution``,
``managers``), never on a mart. Money is cast to DOUBLE on the way out. Only marts
(``marts.*``, through those relations) and parameter seeds (``parameters.*``) are read.

:data:`QUERY_MODULES` are the modules of query functions; :data:`UNSCOPED` names the
functions that read only parameter tables (no customer data) and so take no scope.
"""

from bank_tiering.dashboard.queries import books, customers, segments
from bank_tiering.dashboard.queries.base import (
    CONTRACT,
    Filters,
    ServingFileMissing,
    contract_gaps,
    serving_connection,
)
from bank_tiering.dashboard.queries.books import (
    rm_book,
    rm_book_mix,
    rm_books,
    worklist_counts,
    worklist_rows,
)
from bank_tiering.dashboard.queries.customers import customer_history, top_customers
from bank_tiering.dashboard.queries.segments import (
    branches,
    markets,
    pareto_curve,
    pareto_shares,
    pareto_summary,
    periods,
    quadrant_groups,
    quadrant_points,
    quadrant_summary,
    scalar_parameter,
    tier_flows,
    tier_pyramid,
    totals,
)

QUERY_MODULES = (segments, books, customers)
#: Query functions that read only parameter tables (labels, lines, ratios): no scope.
UNSCOPED = frozenset({"markets", "scalar_parameter", "pareto_shares"})

__all__ = [
    "CONTRACT", "Filters", "QUERY_MODULES", "ServingFileMissing", "UNSCOPED", "branches",
    "contract_gaps", "customer_history", "markets", "pareto_curve", "pareto_shares",
    "pareto_summary", "periods", "quadrant_groups", "quadrant_points", "quadrant_summary",
    "rm_book", "rm_book_mix", "rm_books", "scalar_parameter", "serving_connection",
    "tier_flows", "tier_pyramid", "top_customers", "totals", "worklist_counts",
    "worklist_rows",
]
