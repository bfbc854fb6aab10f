"""Recipes of bad rows: one function per (table, reason) of :data:`PLAN`.

Each recipe injects ``k`` rows (or ``k`` conflicting pairs) through the injector, every
row designed to fail exactly one check (:mod:`bank_tiering.generator.bad_rows`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bank_tiering.generator.bad_row_injector import (
    NON_FINITE_AMOUNTS,
    OUT_OF_RANGE_AMOUNTS,
    RECORD_KEYS,
    Change,
    Injector,
    Row,
)
from bank_tiering.generator.helpers import shift_iso


def _neg(value: str) -> str:
    return "-" + value.lstrip("-")


#: (table, reason) combinations that are injected.
PLAN: tuple[tuple[str, str], ...] = (
    ("customers", "missing_key"), ("customers", "bad_type"), ("customers", "unknown_code"),
    ("customers", "date_order"), ("customers", "exact_duplicate"),
    ("customers", "duplicate_key"),
    ("accounts", "missing_key"), ("accounts", "bad_type"), ("accounts", "unknown_code"),
    ("accounts", "date_order"), ("accounts", "exact_duplicate"), ("accounts", "duplicate_key"),
    ("accounts", "orphan_reference"),
    ("balances", "missing_key"), ("balances", "bad_type"), ("balances", "out_of_range"),
    ("balances", "negative_amount"),
    ("balances", "exact_duplicate"), ("balances", "duplicate_key"),
    ("balances", "orphan_reference"), ("balances", "no_fx_rate"),
    ("transactions", "missing_key"), ("transactions", "bad_type"),
    ("transactions", "out_of_range"),
    ("transactions", "unknown_code"), ("transactions", "negative_amount"),
    ("transactions", "exact_duplicate"), ("transactions", "duplicate_key"),
    ("transactions", "orphan_reference"),
    ("fees", "missing_key"), ("fees", "bad_type"), ("fees", "out_of_range"),
    ("fees", "unknown_code"),
    ("fees", "negative_amount"), ("fees", "exact_duplicate"), ("fees", "duplicate_key"),
    ("fees", "orphan_reference"), ("fees", "no_fx_rate"),
    ("ftp_rates", "missing_key"), ("ftp_rates", "bad_type"), ("ftp_rates", "unknown_code"),
    ("ftp_rates", "exact_duplicate"), ("ftp_rates", "duplicate_key"),
    ("credit_ratings", "missing_key"), ("credit_ratings", "bad_type"),
    ("credit_ratings", "unknown_code"), ("credit_ratings", "exact_duplicate"),
    ("credit_ratings", "duplicate_key"), ("credit_ratings", "orphan_reference"),
    ("relationship_surveys", "missing_key"), ("relationship_surveys", "bad_type"),
    ("relationship_surveys", "exact_duplicate"), ("relationship_surveys", "duplicate_key"),
    ("relationship_surveys", "orphan_reference"),
    ("fx_rates", "missing_key"), ("fx_rates", "bad_type"), ("fx_rates", "exact_duplicate"),
    ("fx_rates", "duplicate_key"),
    ("prospects", "missing_key"), ("prospects", "bad_type"), ("prospects", "unknown_code"),
    ("prospects", "exact_duplicate"), ("prospects", "duplicate_key"),
)


_CNY_DD = "product_family = 'demand_deposit' AND currency = 'CNY' AND close_date IS NULL"
_CNY_ACC = "account_id IN (SELECT account_id FROM v_accounts WHERE currency = 'CNY')"


def _missing_key(table: str, column: str) -> Callable[[Injector, int], None]:
    def recipe(inj: Injector, k: int) -> None:
        for i, row in enumerate(inj.templates(table, k)):
            row[column] = None if i % 2 == 0 or column.endswith("_date") else ""
            inj.add(table, row, "missing_key")
    return recipe


def _exact_duplicate(table: str, where: str = "true") -> Callable[[Injector, int], None]:
    def recipe(inj: Injector, k: int) -> None:
        for row in inj.templates(table, k, where, exclusive=True):
            inj.add(table, row, "exact_duplicate")
    return recipe


def _mutate(table: str, reason: str, fresh: str | None, changes: list[Change],
            where: str = "true", every_change: bool = False) -> Callable[[Injector, int], None]:
    """Copy templates, give them a fresh id (``fresh`` = id kind) and apply a change.

    Changes rotate over the rows; ``every_change`` injects at least one row per change.
    """
    def recipe(inj: Injector, k: int) -> None:
        n = max(k, len(changes)) if every_change else k
        for i, row in enumerate(inj.templates(table, n, where)):
            if fresh is not None:
                row[RECORD_KEYS[table][0]] = inj.fresh(fresh)
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add(table, row, reason)
    return recipe


def _fresh_date_mutate(table: str, date_col: str, reason: str,
                       changes: list[Change]) -> Callable[[Injector, int], None]:
    """Like :func:`_mutate` but the fresh key is a date before every real date."""
    def recipe(inj: Injector, k: int) -> None:
        for i, row in enumerate(inj.templates(table, k)):
            row[date_col] = inj.fresh_date(table, date_col)
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add(table, row, reason)
    return recipe


def _dup_fresh(table: str, change: Change, where: str = "true",
               id_kind: str | None = None, date_col: str | None = None
               ) -> Callable[[Injector, int], None]:
    """A new key used by two rows with different values: both are duplicate_key."""
    def recipe(inj: Injector, k: int) -> None:
        for row in inj.templates(table, k, where):
            if id_kind is not None:
                row[RECORD_KEYS[table][0]] = inj.fresh(id_kind)
            if date_col is not None:
                row[date_col] = inj.fresh_date(table, date_col)
            other = dict(row)
            for col, val in change.items():
                other[col] = val(row, inj) if callable(val) else val
            inj.add(table, row, "duplicate_key")
            inj.add(table, other, "duplicate_key")
    return recipe


def _dup_original(table: str, change: Change, where: str = "true"
                  ) -> Callable[[Injector, int], None]:
    """A conflicting copy of a real row: the original and the copy are duplicate_key."""
    def recipe(inj: Injector, k: int) -> None:
        for row in inj.templates(table, k, where, exclusive=True):
            inj.mark(table, row, "duplicate_key")
            other = dict(row)
            for col, val in change.items():
                other[col] = val(row, inj) if callable(val) else val
            inj.add(table, other, "duplicate_key")
    return recipe


def _balances_host(reason: str, changes: list[Change], every_change: bool = False
                   ) -> Callable[[Injector, int], None]:
    """Balance rows on fresh (helper account, day) keys, so no real key is touched;
    ``every_change`` injects at least one row per change."""
    def recipe(inj: Injector, k: int) -> None:
        n = max(k, len(changes)) if every_change else k
        for i, (acc, day) in enumerate(inj.account_days("CNY", n)):
            row: Row = {"account_id": acc, "balance_date": day, "balance": "1000.0"}
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add("balances", row, reason)
    return recipe


def _balances_no_fx(inj: Injector, k: int) -> None:
    for i, (acc, day) in enumerate(inj.account_days("JPY", k)):
        inj.add("balances", {"account_id": acc, "balance_date": day,
                             "balance": f"{150000 + 37 * i:.1f}"}, "no_fx_rate")


def _orphan(table: str, column: str, kind: str, where: str = "true",
            extra: dict[str, Any] | None = None) -> Callable[[Injector, int], None]:
    def recipe(inj: Injector, k: int) -> None:
        for row in inj.templates(table, k, where):
            if table in ("transactions", "fees"):
                row[RECORD_KEYS[table][0]] = inj.fresh("txn" if table == "transactions" else "fee")
            row[column] = inj.fresh(kind)
            row.update(extra or {})
            inj.add(table, row, "orphan_reference")
    return recipe


def _bump(col: str, delta: float, digits: int = 2) -> Callable[[Row, Injector], str]:
    """A change that adds ``delta`` to a numeric column (a different, still valid value)."""
    return lambda row, inj: str(round(float(row[col]) + delta, digits))


def _rotate_score(value: str) -> str:
    return str(round((float(value) + 7) % 100, 1))


RECIPES: dict[tuple[str, str], Callable[[Injector, int], None]] = {
    # customers: injected rows carry fresh ids that nothing references
    ("customers", "missing_key"): _missing_key("customers", "customer_id"),
    ("customers", "bad_type"): _mutate("customers", "bad_type", "customer", [
        {"onboard_date": lambda r, inj: inj.bad_date()}, {"birth_date": "1985-02-30"},
        {"annual_income": "abc"}, {"employee_count": "many"}, {"annual_sales": "1.2.3"},
    ], "close_date IS NULL"),
    ("customers", "unknown_code"): _mutate("customers", "unknown_code", "customer",
                                           [{"customer_type": "alien"}], "close_date IS NULL"),
    ("customers", "date_order"): _mutate("customers", "date_order", "customer", [
        {"close_date": lambda r, inj: shift_iso(r["onboard_date"], -30)},
    ], "close_date IS NULL"),
    ("customers", "exact_duplicate"): _exact_duplicate("customers"),
    ("customers", "duplicate_key"): _dup_fresh(
        "customers", {"onboard_date": lambda r, inj: shift_iso(r["onboard_date"], 1)},
        "close_date IS NULL", id_kind="customer"),
    # accounts
    ("accounts", "missing_key"): _missing_key("accounts", "account_id"),
    ("accounts", "bad_type"): _mutate("accounts", "bad_type", "account", [
        {"open_date": lambda r, inj: inj.bad_date()}, {"interest_rate": "abc"},
        {"close_date": "2025-02-30"},
    ], _CNY_DD),
    ("accounts", "unknown_code"): _mutate("accounts", "unknown_code", "account",
                                          [{"product_family": "crypto"}], _CNY_DD),
    ("accounts", "date_order"): _mutate("accounts", "date_order", "account", [
        {"close_date": lambda r, inj: shift_iso(r["open_date"], -10)},
        {"maturity_date": lambda r, inj: shift_iso(r["open_date"], -30)},
    ], _CNY_DD),
    ("accounts", "exact_duplicate"): _exact_duplicate("accounts"),
    ("accounts", "duplicate_key"): _dup_fresh(
        "accounts", {"interest_rate": "0.0035"}, _CNY_DD, id_kind="account"),
    ("accounts", "orphan_reference"): _mutate(
        "accounts", "orphan_reference", "account",
        [{"customer_id": lambda r, inj: inj.fresh("orphan_customer")}], _CNY_DD),
    # balances
    ("balances", "missing_key"): _missing_key("balances", "account_id"),
    ("balances", "bad_type"): _balances_host("bad_type", [
        {"balance": "abc"}, {"balance_date": lambda r, inj: inj.bad_date()},
        *({"balance": v} for v in NON_FINITE_AMOUNTS),
    ], every_change=True),
    ("balances", "out_of_range"): _balances_host(
        "out_of_range", [{"balance": v} for v in OUT_OF_RANGE_AMOUNTS], every_change=True),
    ("balances", "negative_amount"): _balances_host(
        "negative_amount", [{"balance": lambda r, inj: f"-{1234.5 + len(inj.truth):.2f}"}]),
    ("balances", "exact_duplicate"): _exact_duplicate("balances", _CNY_ACC),
    ("balances", "duplicate_key"): _dup_original(
        "balances", {"balance": _bump("balance", 100.0)}, _CNY_ACC),
    ("balances", "orphan_reference"): _orphan("balances", "account_id", "orphan_account",
                                              _CNY_ACC),
    ("balances", "no_fx_rate"): _balances_no_fx,
    # transactions
    ("transactions", "missing_key"): _missing_key("transactions", "txn_id"),
    ("transactions", "bad_type"): _mutate("transactions", "bad_type", "txn", [
        {"amount": "abc"}, {"txn_ts": lambda r, inj: inj.bad_date() + " 10:00:00"},
        *({"amount": v} for v in NON_FINITE_AMOUNTS),
    ], _CNY_ACC, every_change=True),
    ("transactions", "out_of_range"): _mutate(
        "transactions", "out_of_range", "txn", [{"amount": v} for v in OUT_OF_RANGE_AMOUNTS],
        _CNY_ACC, every_change=True),
    ("transactions", "unknown_code"): _mutate("transactions", "unknown_code", "txn",
                                              [{"channel": "telepathy"}], _CNY_ACC),
    ("transactions", "negative_amount"): _mutate("transactions", "negative_amount", "txn",
                                                 [{"amount": lambda r, inj: _neg(r["amount"])}],
                                                 _CNY_ACC),
    ("transactions", "exact_duplicate"): _exact_duplicate("transactions", _CNY_ACC),
    ("transactions", "duplicate_key"): _dup_original(
        "transactions", {"amount": _bump("amount", 1.0)}, _CNY_ACC),
    ("transactions", "orphan_reference"): _orphan("transactions", "account_id",
                                                  "orphan_account", _CNY_ACC),
    # fees
    ("fees", "missing_key"): _missing_key("fees", "fee_id"),
    ("fees", "bad_type"): _mutate("fees", "bad_type", "fee", [
        {"amount": "abc"}, {"fee_date": lambda r, inj: inj.bad_date()},
        *({"amount": v} for v in NON_FINITE_AMOUNTS),
    ], "currency = 'CNY'", every_change=True),
    ("fees", "out_of_range"): _mutate(
        "fees", "out_of_range", "fee", [{"amount": v} for v in OUT_OF_RANGE_AMOUNTS],
        "currency = 'CNY'", every_change=True),
    ("fees", "unknown_code"): _mutate("fees", "unknown_code", "fee", [{"fee_type": "magic"}],
                                      "currency = 'CNY'"),
    ("fees", "negative_amount"): _mutate("fees", "negative_amount", "fee",
                                         [{"amount": lambda r, inj: _neg(r["amount"])}],
                                         "currency = 'CNY'"),
    ("fees", "exact_duplicate"): _exact_duplicate("fees"),
    ("fees", "duplicate_key"): _dup_original("fees", {"amount": _bump("amount", 5.0)},
                                             "currency = 'CNY'"),
    ("fees", "orphan_reference"): _orphan("fees", "customer_id", "orphan_customer",
                                          "currency = 'CNY'", {"account_id": None}),
    ("fees", "no_fx_rate"): _mutate("fees", "no_fx_rate", "fee",
                                    [{"currency": "JPY", "account_id": None}],
                                    "currency = 'CNY'"),
    # ftp_rates: fresh keys are effective dates before every real curve
    ("ftp_rates", "missing_key"): _missing_key("ftp_rates", "product_family"),
    ("ftp_rates", "bad_type"): _fresh_date_mutate("ftp_rates", "effective_date", "bad_type", [
        {"ftp_rate": "abc"}, {"term_months": "twelve"},
    ]),
    ("ftp_rates", "unknown_code"): _fresh_date_mutate(
        "ftp_rates", "effective_date", "unknown_code", [{"product_family": "crypto"}]),
    ("ftp_rates", "exact_duplicate"): _exact_duplicate("ftp_rates"),
    ("ftp_rates", "duplicate_key"): _dup_fresh(
        "ftp_rates", {"ftp_rate": _bump("ftp_rate", 0.001, 5)}, date_col="effective_date"),
    # credit_ratings
    ("credit_ratings", "missing_key"): _missing_key("credit_ratings", "customer_id"),
    ("credit_ratings", "bad_type"): _mutate("credit_ratings", "bad_type", None, [
        {"rating_date": lambda r, inj: inj.bad_date()},
    ]),
    ("credit_ratings", "unknown_code"): _fresh_date_mutate(
        "credit_ratings", "rating_date", "unknown_code", [{"rating": "ZZZ"}]),
    ("credit_ratings", "exact_duplicate"): _exact_duplicate("credit_ratings"),
    ("credit_ratings", "duplicate_key"): _dup_fresh(
        "credit_ratings", {"rating": lambda r, inj: "BBB" if r["rating"] != "BBB" else "A"},
        date_col="rating_date"),
    ("credit_ratings", "orphan_reference"): _orphan("credit_ratings", "customer_id",
                                                    "orphan_customer"),
    # relationship_surveys
    ("relationship_surveys", "missing_key"): _missing_key("relationship_surveys",
                                                          "customer_id"),
    ("relationship_surveys", "bad_type"): _fresh_date_mutate(
        "relationship_surveys", "survey_date", "bad_type", [
            {"satisfaction_score": "abc"}, {"has_cooperation_agreement": "maybe"},
            {"wallet_share": "half"},
        ]),
    ("relationship_surveys", "exact_duplicate"): _exact_duplicate("relationship_surveys"),
    ("relationship_surveys", "duplicate_key"): _dup_fresh(
        "relationship_surveys",
        {"satisfaction_score": lambda r, inj: _rotate_score(r["satisfaction_score"])},
        date_col="survey_date"),
    ("relationship_surveys", "orphan_reference"): _orphan(
        "relationship_surveys", "customer_id", "orphan_customer"),
    # fx_rates: fresh keys are dates before the first fixing
    ("fx_rates", "missing_key"): _missing_key("fx_rates", "currency"),
    ("fx_rates", "bad_type"): _fresh_date_mutate("fx_rates", "rate_date", "bad_type", [
        {"cny_per_unit": "abc"}, {"rate_date": lambda r, inj: inj.bad_date()},
    ]),
    ("fx_rates", "exact_duplicate"): _exact_duplicate("fx_rates"),
    ("fx_rates", "duplicate_key"): _dup_fresh(
        "fx_rates", {"cny_per_unit": _bump("cny_per_unit", 0.01, 4)}, date_col="rate_date"),
    # prospects
    ("prospects", "missing_key"): _missing_key("prospects", "prospect_id"),
    ("prospects", "bad_type"): _mutate("prospects", "bad_type", "prospect", [
        {"annual_sales": "abc"}, {"sales_growth_rate": "n/a"}, {"product_fit_score": "high"},
    ]),
    ("prospects", "unknown_code"): _mutate("prospects", "unknown_code", "prospect",
                                           [{"customer_type": "alien"}]),
    ("prospects", "exact_duplicate"): _exact_duplicate("prospects"),
    ("prospects", "duplicate_key"): _dup_fresh(
        "prospects", {"product_fit_score": _bump("product_fit_score", -5.0, 1)},
        id_kind="prospect"),
}
