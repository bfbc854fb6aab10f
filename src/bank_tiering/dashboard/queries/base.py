"""What every dashboard query stands on: the serving file, the filters and the scope.

**The scope is in the SQL of every query** (METHODOLOGY.md §15). A query function never
names a mart: it writes its SQL against the *scoped relations* of :func:`scoped_sql`, which
:func:`run` puts in front of it as common table expressions —

* ``segment`` — ``marts.fct_customer_segment`` restricted to the scope, row by row at the
  row's own month (bank: every row; branch: ``branch_id`` = the user's; rm: ``rm_id`` =
  the user's, i.e. the RM's book of that month, §14);
* ``worklist`` — ``marts.mart_rm_worklist`` restricted the same way (its rows carry the
  customer's branch and the owner at the row's period end);
* ``contribution`` — ``marts.fct_customer_contribution`` of the customer-months in
  ``segment`` only;
* ``managers`` — ``marts.dim_relationship_manager``: for a branch or RM user only the RMs
  who own a customer-month or worklist row of the scope;
* ``loaded_periods`` — the months the serving file holds (no customer data: the flows
  need to know whether a base month exists at all).

The CTEs are ``not materialized``, so DuckDB pushes each query's own filters (period,
branch, market) into the scan. The parameter tables (``parameters.*``: labels, lines,
ratios) hold no customer data and are read directly. A test (``test_dashboard_scopes``)
checks that no query module names a mart, that every query function takes the scope,
and that a scope without customers gets nothing from any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope

SEGMENT = "marts.fct_customer_segment"
CONTRIBUTION = "marts.fct_customer_contribution"
WORKLIST = "marts.mart_rm_worklist"
MANAGERS = "marts.dim_relationship_manager"
SCALAR_PARAMETERS = "parameters.scalar_parameters"
CODE_LABELS = "parameters.code_labels"

#: What the pages read, with the columns INTERFACES.md §3 makes contract (the marts carry
#: more, e.g. labels; a table listed without columns only has to exist). A serving file
#: that lacks one was not published by this version (e.g. an old file): the page says so
#: once (:func:`contract_gaps`) instead of failing on a query.
CONTRACT: dict[str, tuple[str, ...]] = {
    SEGMENT: (
        "customer_id", "period_month", "customer_type", "branch_id", "loan_status",
        "market_class", "corporate_category", "tier_code", "tier_label_zh", "activity_level",
        "lifecycle_stage", "age_band", "income_band", "occupation_group", "risk_grade",
        "bank_value_score", "contribution", "value_quadrant", "value_quadrant_label_zh",
        "service_strategy_zh", "service_tier_code", "service_tier_label_zh", "months_below",
        "is_on_watch", "grace_months_left", "override_id", "override_reason", "tier_basis",
        "tier_basis_value", "tier_line_value", "next_tier_line_value", "gap_to_next_tier",
        "tier_reason_zh", "quadrant_reason_zh", "rm_id", "rm_status", "rm_status_label_zh",
    ),
    WORKLIST: (
        "period_month", "list_code", "list_label_zh", "customer_id", "branch_id",
        "market_class", "tier_code", "service_tier_code", "avg_aum", "reference_value", "gap",
        "months_below", "grace_months_left", "priority", "rm_id", "rm_status",
        "rm_status_label_zh",
    ),
    MANAGERS: ("rm_id", "rm_name", "branch_id", "hire_date", "leave_date"),
    CONTRIBUTION: (), SCALAR_PARAMETERS: (), CODE_LABELS: (),
}


class ServingFileMissing(FileNotFoundError):
    """No serving file yet (nothing was published)."""


@contextmanager
def serving_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the serving file read-only for one page run, and close it afterwards.

    Closing matters: inside one process DuckDB hands out the already-open database while
    any connection to the path is open, so only a closed connection lets the next run see
    a newly published file.
    """
    if not Path(path).exists():
        raise ServingFileMissing(str(path))
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def contract_gaps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the serving file lacks of :data:`CONTRACT`: ``"schema.table"`` for a missing
    table, ``"schema.table.column"`` for a missing column; empty when it has everything."""
    present: dict[str, set[str]] = {}
    for schema, table, column in con.execute(
            "select schema_name, table_name, column_name from duckdb_columns()").fetchall():
        present.setdefault(f"{schema}.{table}", set()).add(column)
    gaps = []
    for table, columns in CONTRACT.items():
        if table not in present:
            gaps.append(table)
        else:
            gaps.extend(f"{table}.{c}" for c in columns if c not in present[table])
    return gaps


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters: one period, and optionally one branch and one market. They
    only narrow within the scope (the scope is applied whatever they say)."""

    period: date
    branch: str | None = None
    market: str | None = None

    def where(self, alias: str = "", period: bool = True) -> str:
        """SQL predicate of these filters on a customer-month relation (``$period``,
        ``$branch``, ``$market``: :attr:`params`); ``period=False`` leaves the month out."""
        p = f"{alias}." if alias else ""
        clauses = [f"{p}period_month = $period"] if period else ["true"]
        if self.branch is not None:
            clauses.append(f"{p}branch_id = $branch")
        if self.market is not None:
            clauses.append(f"{p}market_class = $market")
        return " and ".join(clauses)

    @property
    def params(self) -> dict[str, Any]:
        return {"period": self.period, "branch": self.branch, "market": self.market}


def _scope_predicate(scope: Scope) -> str:
    if scope.kind == "bank":
        return "true"
    if scope.kind == "branch":
        return "branch_id = $scope_branch"
    return "rm_id = $scope_rm"


def _scope_params(scope: Scope) -> dict[str, Any]:
    return {"scope_branch": scope.branch_id, "scope_rm": scope.rm_id}


def scoped_sql(scope: Scope) -> str:
    """The scoped relations (module docstring) as the head of a ``with`` clause."""
    if not isinstance(scope, Scope):
        raise TypeError(f"a query needs the user's Scope, got {scope!r}")
    where = _scope_predicate(scope)
    managers = ("true" if scope.kind == "bank" else
                "rm_id in (select rm_id from segment union select rm_id from worklist)")
    return f"""
with
segment as not materialized (
    select * from {SEGMENT} where {where}
),
worklist as not materialized (
    select * from {WORKLIST} where {where}
),
contribution as not materialized (
    select c.* from {CONTRIBUTION} as c
    where exists (
        select 1 from segment as s
        where s.customer_id = c.customer_id and s.period_month = c.period_month
    )
),
managers as not materialized (
    select * from {MANAGERS} where {managers}
),
loaded_periods as not materialized (
    select distinct period_month from {SEGMENT}
)
"""


_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def run(con: duckdb.DuckDBPyConnection, scope: Scope, sql: str,
        params: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """Execute ``sql`` (a ``select`` or a ``with … select``) on the scoped relations of
    ``scope``; ``params`` are its ``$name`` parameters (extra ones are ignored)."""
    body = sql.strip()
    head = scoped_sql(scope)
    own_with = re.match(r"with\s", body, re.IGNORECASE)
    text = f"{head},\n{body[own_with.end():]}" if own_with else f"{head}{body}"
    values = {**(params or {}), **_scope_params(scope)}
    used = set(_PARAMETER.findall(text))
    missing = used - values.keys()
    if missing:
        raise KeyError(f"query parameters without a value: {sorted(missing)}")
    return con.execute(text, {name: values[name] for name in used})


def frame(con: duckdb.DuckDBPyConnection, scope: Scope, sql: str,
          params: dict[str, Any] | None = None) -> pd.DataFrame:
    """:func:`run` as a pandas frame."""
    return run(con, scope, sql, params).df()


def parameters_frame(con: duckdb.DuckDBPyConnection, sql: str,
                     params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A query on the parameter tables only (``parameters.*``: no customer data, no
    scope); refuses SQL that names a mart."""
    if "marts." in sql:
        raise ValueError("a parameters query must not read a mart: use run() with a scope")
    used = set(_PARAMETER.findall(sql))
    return con.execute(sql, {k: v for k, v in (params or {}).items() if k in used}).df()


def rank(order: tuple[str, ...], code: object) -> int:
    return order.index(code) if code in order else len(order)


def sort_by_order(df: pd.DataFrame, **orders: tuple[str, ...]) -> pd.DataFrame:
    """Rows sorted by the position of their codes in ``orders`` (column -> order)."""
    if df.empty:
        return df.reset_index(drop=True)
    keys = [df[col].map(lambda v, o=order: rank(o, v)) for col, order in orders.items()]
    frame_ = df.assign(**{f"_k{i}": k for i, k in enumerate(keys)})
    return frame_.sort_values([f"_k{i}" for i in range(len(keys))], kind="stable").drop(
        columns=[f"_k{i}" for i in range(len(keys))]).reset_index(drop=True)
