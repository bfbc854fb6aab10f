"""What every scoped query stands on: the scoped relations, the filters and :func:`run`.

**The scope is in the SQL of every query** (METHODOLOGY.md §15). A query never names a
mart: it writes its SQL against the *scoped relations* of :func:`scoped_sql`, which
:func:`run` puts in front of it as common table expressions —

* ``segment`` — ``marts.fct_customer_segment`` restricted to the scope, row by row at the
  row's own month (bank: every row; branch: ``branch_id`` = the user's; rm: ``rm_id`` =
  the user's, i.e. the RM's book of that month, §14);
* ``worklist`` — ``marts.mart_rm_worklist`` restricted the same way (its rows carry the
  customer's branch and the owner at the row's period end);
* ``contribution`` — ``marts.fct_customer_contribution`` of the customer-months in
  ``segment`` only;
* ``managers`` — ``marts.dim_relationship_manager``: for a branch or RM scope only the RMs
  who own a customer-month or worklist row of the scope;
* ``cross_sell`` — ``marts.mart_cross_sell`` restricted like ``segment`` (its rows carry the
  customer's branch and the owner at the period end, §17);
* ``outcomes`` — ``marts.mart_worklist_outcomes``, a mart per branch and not per RM (§18):
  bank every row, branch the own branch's rows, an RM **no row** (an RM's share of a
  branch's figures is not in the mart, and a branch's figures are not the RM's to see);
* ``backtest`` — ``marts.mart_early_warning_backtest``, bank-wide per market and band (§16):
  the bank scope only; a branch or RM scope gets **no row** (the figures are of every
  branch's customers);
* ``loaded_periods`` — the months the serving file holds (no customer data: the flows
  need to know whether a base month exists at all).

The CTEs are ``not materialized``, so DuckDB pushes each query's own filters (period,
branch, market) into the scan. The parameter tables (``parameters.*``: labels, lines,
ratios, tier families) hold no customer data and are read directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope

SEGMENT = "marts.fct_customer_segment"
CONTRIBUTION = "marts.fct_customer_contribution"
WORKLIST = "marts.mart_rm_worklist"
MANAGERS = "marts.dim_relationship_manager"
CROSS_SELL = "marts.mart_cross_sell"
OUTCOMES = "marts.mart_worklist_outcomes"
BACKTEST = "marts.mart_early_warning_backtest"


@dataclass(frozen=True)
class Filters:
    """One period, and optionally one branch and one market (the dashboard's sidebar; the
    report has the period only). They only narrow within the scope (the scope is applied
    whatever they say)."""

    period: date
    branch: str | None = None
    market: str | None = None

    def where(self, alias: str = "", period: bool = True, branch: bool = True,
              market: bool = True) -> str:
        """SQL predicate of these filters on a customer-month relation (``$period``,
        ``$branch``, ``$market``: :attr:`params`); ``period=False`` leaves the month out,
        ``branch=False`` the branch and ``market=False`` the market (for a mart without
        that column: the back-test has no branch, the outcomes no market)."""
        p = f"{alias}." if alias else ""
        clauses = [f"{p}period_month = $period"] if period else ["true"]
        if branch and self.branch is not None:
            clauses.append(f"{p}branch_id = $branch")
        if market and self.market is not None:
            clauses.append(f"{p}market_class = $market")
        return " and ".join(clauses)

    @property
    def params(self) -> dict[str, Any]:
        return {"period": self.period, "branch": self.branch, "market": self.market}


def _scope_predicate(scope: Scope, rm: str = "rm_id = $scope_rm") -> str:
    """Who of a relation is the scope's: bank all, branch its own branch's rows, RM ``rm``
    (the own book's rows; ``"false"`` for a mart per branch and not per RM: outcomes)."""
    if scope.kind == "bank":
        return "true"
    if scope.kind == "branch":
        return "branch_id = $scope_branch"
    return rm


def _bank_mart_predicate(scope: Scope) -> str:
    """A bank-wide mart (the back-test): the bank scope only."""
    return "true" if scope.kind == "bank" else "false"


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
cross_sell as not materialized (
    select * from {CROSS_SELL} where {where}
),
outcomes as not materialized (
    select * from {OUTCOMES} where {_scope_predicate(scope, rm="false")}
),
backtest as not materialized (
    select * from {BACKTEST} where {_bank_mart_predicate(scope)}
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


def scalar_parameters(con: duckdb.DuckDBPyConnection, branch: str | None = None
                      ) -> dict[str, float]:
    """The scalar parameters (seed scalar_parameters) as they apply to ``branch``: the
    branch's row where it has one, else the bank-wide ``*`` row (METHODOLOGY.md §6)."""
    df = parameters_frame(
        con,
        """
        select parameter_name, cast(parameter_value as double) as value
        from parameters.scalar_parameters
        where branch_id in ('*', $branch)
        order by parameter_name, case when branch_id = '*' then 1 else 0 end
        """,
        {"branch": branch or "*"},
    )
    values: dict[str, float] = {}
    for name, value in zip(df["parameter_name"], df["value"], strict=True):
        values.setdefault(name, float(value))
    return values
