"""Inject bad rows of every quarantine reason (METHODOLOGY.md §9, §13) into generated raw data.

Runs after :func:`bank_tiering.generator.generate` has written clean, typed files.  Every
table is rewritten with all columns as ``VARCHAR`` (so unparseable values can exist) and
extra rows are appended.  Each injected row is designed to fail exactly one check, and
none of them changes what happens to any other row:

* rows that need a key of their own get a *fresh* key nothing else uses or references
  (fresh ids, or dates before every real date of that table);
* rows that reference a parent reference a clean, valid parent — except the
  ``orphan_reference`` rows, whose parent id exists nowhere;
* no clean parent row is ever made bad, so nothing cascades into orphans.

The ground truth goes to ``<out_dir>/_bad_rows_manifest.json``: per table, the number of
raw rows that must end in quarantine per reason code (``duplicate_key`` counts every row
of a conflicting key group, ``exact_duplicate`` counts the extra copies only), plus the
record key of every such row.  The semantics assumed for each reason are spelled out in
the manifest under ``semantics``.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bank_tiering.generator import CONTRACT, TABLES, balance_partition_name

logger = logging.getLogger(__name__)

MANIFEST_NAME = "_bad_rows_manifest.json"

#: Reason codes in precedence order (first failing reason wins).
REASONS: tuple[str, ...] = (
    "missing_key", "bad_type", "out_of_range", "unknown_code", "negative_amount", "date_order",
    "exact_duplicate", "duplicate_key", "orphan_reference", "no_fx_rate",
)

#: METHODOLOGY.md §13 default of the seed parameter ``max_abs_amount`` (1e13): a larger
#: absolute amount is ``out_of_range``.
MAX_ABS_AMOUNT = 1e13

#: Amounts that are ``bad_type`` although they parse as doubles (§13), and amounts beyond
#: ``MAX_ABS_AMOUNT`` — a negative one too: out_of_range comes before negative_amount.
NON_FINITE_AMOUNTS: tuple[str, ...] = ("NaN", "inf", "-Infinity")
OUT_OF_RANGE_AMOUNTS: tuple[str, ...] = ("1e300", "-2.5e13", "10000000000000.5")

#: Record key of every raw table (what ``missing_key`` / ``duplicate_key`` look at).
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "accounts": ("account_id",),
    "balances": ("account_id", "balance_date"),
    "transactions": ("txn_id",),
    "fees": ("fee_id",),
    "ftp_rates": ("product_family", "term_months", "effective_date"),
    "credit_ratings": ("customer_id", "rating_date"),
    "relationship_surveys": ("customer_id", "survey_date"),
    "fx_rates": ("currency", "rate_date"),
    "prospects": ("prospect_id",),
}

SEMANTICS: dict[str, str] = {
    "missing_key": "a record-key column is null or the empty string",
    "bad_type": "a non-null value does not parse as its logical type "
                "(e.g. balance 'abc', date '2025-13-45', boolean 'maybe'), or an amount "
                "parses to NaN or +/-infinity ('NaN', 'inf', '-Infinity')",
    "out_of_range": f"a finite amount whose absolute value exceeds max_abs_amount "
                    f"({MAX_ABS_AMOUNT:g}), e.g. '1e300' or '-2.5e13' (before negative_amount)",
    "unknown_code": "a code column holds a value outside its documented list "
                    "(customer_type, product_family, channel, fee_type, rating)",
    "negative_amount": "balance, transaction amount or fee amount < 0",
    "date_order": "customers.close_date < onboard_date; accounts.close_date or "
                  "maturity_date < open_date",
    "exact_duplicate": "an identical copy of another raw row; one copy is kept, each "
                       "extra copy is quarantined",
    "duplicate_key": "several raw rows (after removing exact copies) share a record key "
                     "with different values; every row of the group is quarantined",
    "orphan_reference": "accounts.customer_id, balances/transactions.account_id, "
                        "fees/credit_ratings/relationship_surveys.customer_id names no "
                        "customer/account (fees.account_id is null in the injected rows)",
    "no_fx_rate": "a balance of an account whose currency has no fx_rates row on or "
                  "before balance_date, or a fee whose currency has none on or before "
                  "fee_date; CNY needs none.  The JPY account row itself is CLEAN (it "
                  "carries no amount) and has no transactions or fees.",
}

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

Row = dict[str, Any]
#: A change applied to a template: a literal, or a function of (template row, injector).
Change = dict[str, Any]


def _shift(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _neg(value: str) -> str:
    return "-" + value.lstrip("-")


class _Injector:
    """Collects injected rows per table and the quarantine ground truth."""

    def __init__(self, out_dir: Path, seed: int, start: date, months: int, customers: int,
                 balances_layout: str) -> None:
        self.out_dir = out_dir
        self.seed = seed
        self.start = start
        self.layout = balances_layout
        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = true")
        self.con.execute("SET enable_progress_bar = false")
        self.extra: dict[str, list[Row]] = defaultdict(list)
        self.truth: list[dict[str, Any]] = []
        self.used: dict[str, set[tuple[Any, ...]]] = defaultdict(set)  # exclusive templates
        self.counter: dict[str, int] = defaultdict(int)
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        self.month0_days = [start + timedelta(d) for d in range((next_month - start).days)]
        self.month0_file = out_dir / "balances" / balance_partition_name(start, 0)
        for t in TABLES:
            self.con.execute(
                f"CREATE VIEW v_{t} AS SELECT {self._casts(t)} FROM {self._source(t)}"
                + (f" WHERE balance_date < DATE '{next_month}'" if t == "balances" else "")
            )
        self.n_customers = customers
        self.n_accounts = self._scalar("SELECT count(*) FROM v_accounts")
        self.n_prospects = self._scalar("SELECT count(*) FROM v_prospects")

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _casts(table: str) -> str:
        return ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c, _ in CONTRACT[table])

    def _source(self, table: str) -> str:
        if table == "balances" and self.layout == "monthly":
            return f"read_parquet('{self.month0_file}')"
        return f"read_parquet('{self.out_dir / (table + '.parquet')}')"

    def _scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        assert row is not None
        return row[0]

    def _key(self, table: str, row: Row) -> tuple[Any, ...]:
        return tuple(row[k] for k in RECORD_KEYS[table])

    def templates(self, table: str, n: int, where: str = "true",
                  exclusive: bool = False) -> list[Row]:
        """``n`` valid rows of ``table`` (copies; the originals stay untouched).

        ``exclusive`` rows are distinct and never handed out as exclusive again: they
        become exact-duplicate sources or duplicate-key originals, so a row must not
        play both parts.  One request takes at most half of the rows still free, so a
        small table always has some left for the next exclusive recipe.
        Non-exclusive rows (for copies that get a fresh, null or orphan key) cycle
        through the table when it is small.
        """
        keys = ", ".join(f'"{k}"' for k in RECORD_KEYS[table])
        if exclusive:
            free = self._scalar(f"SELECT count(*) FROM v_{table} WHERE {where}")
            n = min(n, max(1, (free - len(self.used[table])) // 2))
        limit = n + len(self.used[table]) if exclusive else n
        res = self.con.execute(
            f"SELECT * FROM v_{table} WHERE {where} "
            f"ORDER BY md5(concat_ws('|', {keys}, '{self.seed}')) LIMIT {limit}"
        )
        cols = [d[0] for d in res.description]
        found = [dict(zip(cols, values, strict=True)) for values in res.fetchall()]
        if not found:
            raise RuntimeError(f"no template rows in {table} where {where}")
        if not exclusive:
            return [dict(found[i % len(found)]) for i in range(n)]
        out: list[Row] = []
        for row in found:
            key = self._key(table, row)
            if key not in self.used[table] and len(out) < n:
                self.used[table].add(key)
                out.append(row)
        return out

    def fresh(self, kind: str) -> str:
        """An id that no generated or other injected row uses."""
        i = self.counter[kind]
        self.counter[kind] += 1
        if kind == "customer":
            return f"C{self.n_customers + 500_000 + i:07d}"
        if kind == "orphan_customer":
            return f"C{self.n_customers + 900_000 + i:07d}"
        if kind == "account":
            return f"A{self.n_accounts + 500_000 + i:08d}"
        if kind == "clean_account":
            return f"A{self.n_accounts + 400_000 + i:08d}"
        if kind == "orphan_account":
            return f"A{self.n_accounts + 900_000 + i:08d}"
        if kind == "txn":
            return f"T999999{i:08d}"
        if kind == "fee":
            return f"F999999{i:07d}"
        if kind == "prospect":
            return f"P{self.n_prospects + 500_000 + i:06d}"
        raise ValueError(kind)

    def fresh_date(self, table: str, column: str) -> str:
        """A date before every real value of ``table.column`` (so any key using it is new)."""
        kind = f"{table}.{column}"
        if kind not in self.counter:
            first = self._scalar(f"SELECT min(CAST({column} AS DATE)) FROM v_{table}")
            self.counter[kind] = 0
            self.counter[kind + ".base"] = (first - timedelta(days=1)).toordinal()
        i = self.counter[kind]
        self.counter[kind] += 1
        return date.fromordinal(self.counter[kind + ".base"] - i).isoformat()

    def bad_date(self) -> str:
        """A unique date string that no parser accepts (month 13)."""
        i = self.counter["bad_date"]
        self.counter["bad_date"] += 1
        return f"{2000 + i // 28:04d}-13-{i % 28 + 1:02d}"

    def add(self, table: str, row: Row, reason: str | None) -> None:
        """Append ``row`` to ``table``; ``reason`` None means a clean helper row."""
        self.extra[table].append(dict(row))
        if reason is not None:
            self.mark(table, row, reason)

    def mark(self, table: str, row: Row, reason: str) -> None:
        """Record that ``row`` (injected or original) must be quarantined for ``reason``."""
        self.truth.append({
            "table": table, "reason": reason,
            "record_key": {k: row[k] for k in RECORD_KEYS[table]},
        })

    def clean_owner(self) -> str:
        """A customer that is open, onboarded well before the window and not churned."""
        limit = (self.start - timedelta(days=60)).isoformat()
        row = self.templates(
            "customers", 1, f"close_date IS NULL AND onboard_date < '{limit}'"
        )[0]
        return str(row["customer_id"])

    def helper_account(self, currency: str) -> str:
        """Add a CLEAN demand account (no balances of its own) and return its id."""
        acc = self.fresh("clean_account")
        self.add("accounts", {
            "account_id": acc, "customer_id": self.clean_owner(),
            "product_family": "demand_deposit", "product_code": f"DD_{currency}",
            "currency": currency, "open_date": (self.start - timedelta(days=30)).isoformat(),
            "maturity_date": None, "close_date": None, "interest_rate": "0.0025",
            "risk_class": None, "collateral_type": None,
        }, None)
        return acc

    def account_days(self, currency: str, n: int) -> list[tuple[str, str]]:
        """``n`` fresh (account_id, balance_date) pairs inside month 0 on helper accounts."""
        out: list[tuple[str, str]] = []
        while len(out) < n:
            acc = self.helper_account(currency)
            for d in self.month0_days[: n - len(out)]:
                out.append((acc, d.isoformat()))
        return out


# --------------------------------------------------------------------------------------
# Recipes: one function per (table, reason); each injects k rows (or k conflicting pairs)
# --------------------------------------------------------------------------------------

_CNY_DD = "product_family = 'demand_deposit' AND currency = 'CNY' AND close_date IS NULL"
_CNY_ACC = "account_id IN (SELECT account_id FROM v_accounts WHERE currency = 'CNY')"


def _missing_key(table: str, column: str) -> Callable[[_Injector, int], None]:
    def recipe(inj: _Injector, k: int) -> None:
        for i, row in enumerate(inj.templates(table, k)):
            row[column] = None if i % 2 == 0 or column.endswith("_date") else ""
            inj.add(table, row, "missing_key")
    return recipe


def _exact_duplicate(table: str, where: str = "true") -> Callable[[_Injector, int], None]:
    def recipe(inj: _Injector, k: int) -> None:
        for row in inj.templates(table, k, where, exclusive=True):
            inj.add(table, row, "exact_duplicate")
    return recipe


def _mutate(table: str, reason: str, fresh: str | None, changes: list[Change],
            where: str = "true", every_change: bool = False) -> Callable[[_Injector, int], None]:
    """Copy templates, give them a fresh id (``fresh`` = id kind) and apply a change.

    Changes rotate over the rows; ``every_change`` injects at least one row per change.
    """
    def recipe(inj: _Injector, k: int) -> None:
        n = max(k, len(changes)) if every_change else k
        for i, row in enumerate(inj.templates(table, n, where)):
            if fresh is not None:
                row[RECORD_KEYS[table][0]] = inj.fresh(fresh)
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add(table, row, reason)
    return recipe


def _fresh_date_mutate(table: str, date_col: str, reason: str,
                       changes: list[Change]) -> Callable[[_Injector, int], None]:
    """Like :func:`_mutate` but the fresh key is a date before every real date."""
    def recipe(inj: _Injector, k: int) -> None:
        for i, row in enumerate(inj.templates(table, k)):
            row[date_col] = inj.fresh_date(table, date_col)
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add(table, row, reason)
    return recipe


def _dup_fresh(table: str, change: Change, where: str = "true",
               id_kind: str | None = None, date_col: str | None = None
               ) -> Callable[[_Injector, int], None]:
    """A new key used by two rows with different values: both are duplicate_key."""
    def recipe(inj: _Injector, k: int) -> None:
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
                  ) -> Callable[[_Injector, int], None]:
    """A conflicting copy of a real row: the original and the copy are duplicate_key."""
    def recipe(inj: _Injector, k: int) -> None:
        for row in inj.templates(table, k, where, exclusive=True):
            inj.mark(table, row, "duplicate_key")
            other = dict(row)
            for col, val in change.items():
                other[col] = val(row, inj) if callable(val) else val
            inj.add(table, other, "duplicate_key")
    return recipe


def _balances_host(reason: str, changes: list[Change], every_change: bool = False
                   ) -> Callable[[_Injector, int], None]:
    """Balance rows on fresh (helper account, day) keys, so no real key is touched;
    ``every_change`` injects at least one row per change."""
    def recipe(inj: _Injector, k: int) -> None:
        n = max(k, len(changes)) if every_change else k
        for i, (acc, day) in enumerate(inj.account_days("CNY", n)):
            row: Row = {"account_id": acc, "balance_date": day, "balance": "1000.0"}
            for col, val in changes[i % len(changes)].items():
                row[col] = val(row, inj) if callable(val) else val
            inj.add("balances", row, reason)
    return recipe


def _balances_no_fx(inj: _Injector, k: int) -> None:
    for i, (acc, day) in enumerate(inj.account_days("JPY", k)):
        inj.add("balances", {"account_id": acc, "balance_date": day,
                             "balance": f"{150000 + 37 * i:.1f}"}, "no_fx_rate")


def _orphan(table: str, column: str, kind: str, where: str = "true",
            extra: dict[str, Any] | None = None) -> Callable[[_Injector, int], None]:
    def recipe(inj: _Injector, k: int) -> None:
        for row in inj.templates(table, k, where):
            if table in ("transactions", "fees"):
                row[RECORD_KEYS[table][0]] = inj.fresh("txn" if table == "transactions" else "fee")
            row[column] = inj.fresh(kind)
            row.update(extra or {})
            inj.add(table, row, "orphan_reference")
    return recipe


def _bump(col: str, delta: float, digits: int = 2) -> Callable[[Row, _Injector], str]:
    """A change that adds ``delta`` to a numeric column (a different, still valid value)."""
    return lambda row, inj: str(round(float(row[col]) + delta, digits))


def _rotate_score(value: str) -> str:
    return str(round((float(value) + 7) % 100, 1))


RECIPES: dict[tuple[str, str], Callable[[_Injector, int], None]] = {
    # customers: injected rows carry fresh ids that nothing references
    ("customers", "missing_key"): _missing_key("customers", "customer_id"),
    ("customers", "bad_type"): _mutate("customers", "bad_type", "customer", [
        {"onboard_date": lambda r, inj: inj.bad_date()}, {"birth_date": "1985-02-30"},
        {"annual_income": "abc"}, {"employee_count": "many"}, {"annual_sales": "1.2.3"},
    ], "close_date IS NULL"),
    ("customers", "unknown_code"): _mutate("customers", "unknown_code", "customer",
                                           [{"customer_type": "alien"}], "close_date IS NULL"),
    ("customers", "date_order"): _mutate("customers", "date_order", "customer", [
        {"close_date": lambda r, inj: _shift(r["onboard_date"], -30)},
    ], "close_date IS NULL"),
    ("customers", "exact_duplicate"): _exact_duplicate("customers"),
    ("customers", "duplicate_key"): _dup_fresh(
        "customers", {"onboard_date": lambda r, inj: _shift(r["onboard_date"], 1)},
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
        {"close_date": lambda r, inj: _shift(r["open_date"], -10)},
        {"maturity_date": lambda r, inj: _shift(r["open_date"], -30)},
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


def _allocate(bad_rows: int) -> list[int]:
    """Rows per plan entry: about ``bad_rows`` in total, at least one per entry."""
    base, rest = divmod(bad_rows, len(PLAN))
    return [max(1, base + (1 if i < rest else 0)) for i in range(len(PLAN))]


def _write_strings(inj: _Injector, table: str, src: str, dst: Path, extra: list[Row]) -> None:
    """Rewrite ``src`` with all columns VARCHAR and the injected rows appended."""
    cols = [c for c, _ in CONTRACT[table]]
    sql = f"SELECT {inj._casts(table)} FROM {src}"
    if extra:
        arrow = pa.table({c: pa.array([r.get(c) for r in extra], type=pa.string())
                          for c in cols})
        inj.con.register("injected", arrow)
        sql += " UNION ALL SELECT * FROM injected"
    tmp = dst.with_suffix(".tmp.parquet")
    inj.con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet)")
    if extra:
        inj.con.unregister("injected")
    os.replace(tmp, dst)


def inject_bad_rows(
    out_dir: Path, bad_rows: int, seed: int, start_month: date, months: int,
    customers: int, balances_layout: str = "monthly",
) -> dict[str, Any]:
    """Rewrite the clean files in ``out_dir`` as VARCHAR tables with bad rows appended.

    Returns the manifest that is also written to ``out_dir/_bad_rows_manifest.json``.
    """
    out_dir = Path(out_dir)
    inj = _Injector(out_dir, seed, start_month, months, customers, balances_layout)
    for (table, reason), k in zip(PLAN, _allocate(bad_rows), strict=True):
        RECIPES[(table, reason)](inj, k)

    # rewrite every file as strings; injected balance rows go to month 0
    for table in TABLES:
        if table == "balances" and balances_layout == "monthly":
            for m in range(months):
                part = out_dir / "balances" / balance_partition_name(start_month, m)
                _write_strings(inj, table, f"read_parquet('{part}')", part,
                               inj.extra[table] if m == 0 else [])
            continue
        path = out_dir / f"{table}.parquet"
        _write_strings(inj, table, f"read_parquet('{path}')", path, inj.extra[table])

    raw_rows: dict[str, int] = {}
    for table in TABLES:
        if table == "balances" and balances_layout == "monthly":
            src = f"read_parquet('{out_dir / 'balances' / '*.parquet'}')"
        else:
            src = f"read_parquet('{out_dir / (table + '.parquet')}')"
        raw_rows[table] = int(inj._scalar(f"SELECT count(*) FROM {src}"))

    per_table: dict[str, dict[str, int]] = {t: dict.fromkeys(REASONS, 0) for t in TABLES}
    for rec in inj.truth:
        per_table[rec["table"]][rec["reason"]] += 1
    manifest: dict[str, Any] = {
        "format_version": 1,
        "generator": {
            "customers": customers, "months": months, "seed": seed,
            "start_month": start_month.isoformat(), "bad_rows": bad_rows,
            "balances_layout": balances_layout,
        },
        "reason_precedence": list(REASONS),
        "record_keys": {t: list(k) for t, k in RECORD_KEYS.items()},
        "semantics": SEMANTICS,
        "tables": {
            t: {
                "raw_rows": raw_rows[t],
                "injected_rows": len(inj.extra[t]),
                "quarantined_rows": sum(per_table[t].values()),
                "clean_rows": raw_rows[t] - sum(per_table[t].values()),
                "quarantined": per_table[t],
            }
            for t in TABLES
        },
        "totals": {r: sum(per_table[t][r] for t in TABLES) for r in REASONS},
        "rows": inj.truth,
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    logger.info("injected %d rows; quarantine ground truth %s",
                sum(len(v) for v in inj.extra.values()), manifest["totals"])
    return manifest


def load_manifest(out_dir: Path) -> dict[str, Any]:
    """Read ``_bad_rows_manifest.json`` from a generated directory."""
    return json.loads((Path(out_dir) / MANIFEST_NAME).read_text())


def expected_quarantine(out_dir: Path) -> dict[tuple[str, str], int]:
    """``{(table, reason): rows}`` for every non-zero entry of the manifest."""
    manifest = load_manifest(out_dir)
    return {
        (t, r): n
        for t, v in manifest["tables"].items()
        for r, n in v["quarantined"].items()
        if n
    }


__all__ = ["REASONS", "RECORD_KEYS", "expected_quarantine", "inject_bad_rows",
           "load_manifest"]
