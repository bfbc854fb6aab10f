"""The injector of bad rows: templates, fresh keys and the quarantine ground truth.

Reason codes, record keys and the semantics of each reason (METHODOLOGY.md §9, §13) are
defined here; the recipes (:mod:`bank_tiering.generator.bad_row_recipes`) use the
injector to add rows, :mod:`bank_tiering.generator.bad_rows` writes them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bank_tiering.generator.helpers import balance_partition_name
from bank_tiering.generator.schema import CONTRACT, TABLES

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


Row = dict[str, Any]
#: A change applied to a template: a literal, or a function of (template row, injector).
Change = dict[str, Any]


class Injector:
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
                f"CREATE VIEW v_{t} AS SELECT {self.casts(t)} FROM {self._source(t)}"
                + (f" WHERE balance_date < DATE '{next_month}'" if t == "balances" else "")
            )
        self.n_customers = customers
        self.n_accounts = self.scalar("SELECT count(*) FROM v_accounts")
        self.n_prospects = self.scalar("SELECT count(*) FROM v_prospects")

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def casts(table: str) -> str:
        return ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c, _ in CONTRACT[table])

    def _source(self, table: str) -> str:
        if table == "balances" and self.layout == "monthly":
            return f"read_parquet('{self.month0_file}')"
        return f"read_parquet('{self.out_dir / (table + '.parquet')}')"

    def scalar(self, sql: str) -> Any:
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
            free = self.scalar(f"SELECT count(*) FROM v_{table} WHERE {where}")
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
            first = self.scalar(f"SELECT min(CAST({column} AS DATE)) FROM v_{table}")
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
