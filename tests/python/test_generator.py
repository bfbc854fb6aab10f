"""Tests of the sample-data generator (raw landing contract, INTERFACES.md §2)."""

from __future__ import annotations

import ast
import json
from datetime import date, timedelta
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import pytest

import bank_tiering.generator
from bank_tiering.generator import append_month, generate

SMALL = {"customers": 300, "months": 3, "seed": 7, "start_month": date(2025, 1, 1)}

#: INTERFACES.md §2, written out independently of the generator's own CONTRACT.
EXPECTED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "customers": [
        ("customer_id", "VARCHAR"), ("customer_type", "VARCHAR"), ("customer_name", "VARCHAR"),
        ("id_number", "VARCHAR"), ("phone", "VARCHAR"), ("birth_date", "DATE"),
        ("gender", "VARCHAR"), ("occupation", "VARCHAR"), ("annual_income", "DOUBLE"),
        ("industry_code", "VARCHAR"), ("emerging_tag", "VARCHAR"), ("group_id", "VARCHAR"),
        ("annual_sales", "DOUBLE"), ("total_assets", "DOUBLE"), ("employee_count", "INTEGER"),
        ("branch_id", "VARCHAR"), ("onboard_date", "DATE"), ("close_date", "DATE"),
    ],
    "accounts": [
        ("account_id", "VARCHAR"), ("customer_id", "VARCHAR"), ("product_family", "VARCHAR"),
        ("product_code", "VARCHAR"), ("currency", "VARCHAR"), ("open_date", "DATE"),
        ("maturity_date", "DATE"), ("close_date", "DATE"), ("interest_rate", "DOUBLE"),
        ("risk_class", "VARCHAR"), ("collateral_type", "VARCHAR"),
    ],
    "balances": [("account_id", "VARCHAR"), ("balance_date", "DATE"), ("balance", "DOUBLE")],
    "transactions": [
        ("txn_id", "VARCHAR"), ("account_id", "VARCHAR"), ("txn_ts", "TIMESTAMP"),
        ("amount", "DOUBLE"), ("direction", "VARCHAR"), ("channel", "VARCHAR"),
        ("initiated_by", "VARCHAR"),
    ],
    "fees": [
        ("fee_id", "VARCHAR"), ("customer_id", "VARCHAR"), ("account_id", "VARCHAR"),
        ("fee_date", "DATE"), ("fee_type", "VARCHAR"), ("amount", "DOUBLE"),
        ("currency", "VARCHAR"),
    ],
    "ftp_rates": [
        ("product_family", "VARCHAR"), ("term_months", "INTEGER"), ("effective_date", "DATE"),
        ("ftp_rate", "DOUBLE"),
    ],
    "credit_ratings": [
        ("customer_id", "VARCHAR"), ("rating_date", "DATE"), ("rating", "VARCHAR"),
    ],
    "relationship_surveys": [
        ("customer_id", "VARCHAR"), ("survey_date", "DATE"), ("satisfaction_score", "DOUBLE"),
        ("has_cooperation_agreement", "BOOLEAN"), ("executive_is_vip", "BOOLEAN"),
        ("wallet_share", "DOUBLE"),
    ],
    "fx_rates": [("currency", "VARCHAR"), ("rate_date", "DATE"), ("cny_per_unit", "DOUBLE")],
    "prospects": [
        ("prospect_id", "VARCHAR"), ("prospect_name", "VARCHAR"), ("customer_type", "VARCHAR"),
        ("industry_code", "VARCHAR"), ("branch_id", "VARCHAR"), ("annual_sales", "DOUBLE"),
        ("total_assets", "DOUBLE"), ("sales_growth_rate", "DOUBLE"),
        ("market_influence_score", "DOUBLE"), ("chain_influence_score", "DOUBLE"),
        ("product_fit_score", "DOUBLE"), ("marketing_feasibility_score", "DOUBLE"),
        ("product_advantage_score", "DOUBLE"), ("service_convenience_score", "DOUBLE"),
    ],
}
TABLES = list(EXPECTED_COLUMNS)
#: The optional pair (INTERFACES.md §2, METHODOLOGY.md §14).
RM_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "relationship_managers": [
        ("rm_id", "VARCHAR"), ("rm_name", "VARCHAR"), ("branch_id", "VARCHAR"),
        ("hire_date", "DATE"), ("leave_date", "DATE"),
    ],
    "customer_assignments": [
        ("assignment_id", "VARCHAR"), ("customer_id", "VARCHAR"), ("rm_id", "VARCHAR"),
        ("valid_from", "DATE"), ("valid_to", "DATE"),
    ],
}
RM_TABLES = list(RM_COLUMNS)
#: The optional contacts (INTERFACES.md §2, METHODOLOGY.md §18, the lead's contract).
CONTACT_COLUMNS = [("contact_id", "VARCHAR"), ("customer_id", "VARCHAR"), ("rm_id", "VARCHAR"),
                   ("contact_date", "DATE"), ("channel", "VARCHAR")]
CONTACT_CHANNELS = ["visit", "phone", "wechat", "event", "other"]
OPTIONAL = [*RM_TABLES, "contacts"]
REASONS = [
    "missing_key", "bad_type", "out_of_range", "unknown_code", "negative_amount", "date_order",
    "exact_duplicate", "duplicate_key", "orphan_reference", "no_fx_rate",
]
#: METHODOLOGY.md §13 and the seed defaults: |number| beyond the bound is out_of_range; the
#: rates that multiply balances have their own bound.
MAX_ABS_AMOUNT, MAX_ABS_RATE = 1e13, 1e6
RATES = {"interest_rate", "ftp_rate", "cny_per_unit"}


def source(d: Path, table: str) -> str:
    """The read expression the contract prescribes: file, else partition directory."""
    f = d / f"{table}.parquet"
    if f.exists():
        return f"read_parquet('{f}')"
    return f"read_parquet('{d / table / '*.parquet'}')"


def connect(d: Path, tables: list[str] = TABLES) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in tables:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM {source(d, t)}")
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# --------------------------------------------------------------------------------------
# The package: dependencies one way only
# --------------------------------------------------------------------------------------

PACKAGE = "bank_tiering.generator"


def package_imports() -> dict[str, set[str]]:
    """Module -> the package modules it imports (``__init__`` is the package itself)."""
    folder = Path(bank_tiering.generator.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if isinstance(node, ast.ImportFrom) and node.level:
                names = [f"{PACKAGE}.{node.module or ''}".rstrip(".")]
            deps |= {n.removeprefix(f"{PACKAGE}.") if n != PACKAGE else "__init__"
                     for n in names if n == PACKAGE or n.startswith(f"{PACKAGE}.")}
        graph[path.stem] = deps
    return graph


def test_generator_package_has_no_import_circle() -> None:
    graph = package_imports()
    assert {"orchestration", "schema", "helpers", "customers", "bad_rows"} <= set(graph)
    list(TopologicalSorter(graph).static_order())  # raises CycleError on a circle
    for module, deps in graph.items():
        assert "__init__" not in deps, f"{module} imports the package itself"
        if module != "__init__":
            assert "orchestration" not in deps, f"{module} imports the orchestration"


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    d = tmp_path_factory.mktemp("small")
    return d, generate(d, progress=False, **SMALL)


@pytest.fixture(scope="module")
def default_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("default")
    generate(d, customers=2000, months=12, seed=42, progress=False)
    return d


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    d = tmp_path_factory.mktemp("bad")
    return d, generate(d, bad_rows=150, progress=False, **SMALL)


# --------------------------------------------------------------------------------------
# Contract
# --------------------------------------------------------------------------------------


def test_writes_every_table_with_contract_schema(small: tuple[Path, dict[str, int]]) -> None:
    d, counts = small
    assert (d / "balances").is_dir() and not (d / "balances.parquet").exists()
    assert sorted(p.name for p in (d / "balances").iterdir()) == [
        "2025-01.parquet", "2025-02.parquet", "2025-03.parquet"]
    con = connect(d)
    for table, expected in EXPECTED_COLUMNS.items():
        got = [(r[0], r[1]) for r in rows(con, f"DESCRIBE SELECT * FROM {table}")]
        assert got == expected, table
        assert counts[table] == scalar(con, f"SELECT count(*) FROM {table}") > 0, table


def test_single_balances_layout_has_same_rows(small: tuple[Path, dict[str, int]],
                                              tmp_path: Path) -> None:
    d, counts = small
    generate(tmp_path, balances_layout="single", progress=False, **SMALL)
    assert (tmp_path / "balances.parquet").exists() and not (tmp_path / "balances").exists()
    con = duckdb.connect()
    diff = scalar(con, f"""SELECT count(*) FROM (
        (SELECT * FROM {source(d, 'balances')} EXCEPT ALL
         SELECT * FROM {source(tmp_path, 'balances')})
        UNION ALL
        (SELECT * FROM {source(tmp_path, 'balances')} EXCEPT ALL
         SELECT * FROM {source(d, 'balances')}))""")
    assert diff == 0


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, customers=300, months=0, progress=False)
    with pytest.raises(ValueError):
        generate(tmp_path, customers=300, start_month=date(2025, 1, 15), progress=False)
    with pytest.raises(ValueError):
        generate(tmp_path, customers=300, balances_layout="daily", progress=False)


# --------------------------------------------------------------------------------------
# Determinism and incremental months
# --------------------------------------------------------------------------------------


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*.parquet"))}


def test_same_seed_gives_identical_files(small: tuple[Path, dict[str, int]],
                                         tmp_path: Path) -> None:
    d, _ = small
    generate(tmp_path, progress=False, **SMALL)
    assert _files(tmp_path) == _files(d)


def test_different_seed_gives_different_data(small: tuple[Path, dict[str, int]],
                                             tmp_path: Path) -> None:
    d, _ = small
    generate(tmp_path, progress=False, **{**SMALL, "seed": 8})
    a, b = _files(d), _files(tmp_path)
    assert a.keys() == b.keys()
    assert all(a[k] != b[k] for k in ("customers.parquet", "accounts.parquet",
                                      "balances/2025-01.parquet", "transactions.parquet",
                                      "relationship_managers.parquet",
                                      "customer_assignments.parquet", "contacts.parquet"))


def _same(con: duckdb.DuckDBPyConnection, a: str, b: str) -> bool:
    return scalar(con, f"SELECT count(*) FROM (({a} EXCEPT ALL {b}) UNION ALL "
                       f"({b} EXCEPT ALL {a}))") == 0


def test_one_more_month_keeps_earlier_months(small: tuple[Path, dict[str, int]],
                                             tmp_path: Path) -> None:
    d, _ = small
    generate(tmp_path, progress=False, **{**SMALL, "months": 4})
    for name in ("customers", "accounts", "credit_ratings", "relationship_surveys",
                 "prospects", "balances/2025-01", "balances/2025-02", "balances/2025-03"):
        assert (tmp_path / f"{name}.parquet").read_bytes() == (d / f"{name}.parquet")\
            .read_bytes(), name
    assert (tmp_path / "balances" / "2025-04.parquet").exists()
    con = duckdb.connect()
    cut = "DATE '2025-04-01'"
    for table, col in (("transactions", "txn_ts"), ("fees", "fee_date"),
                       ("fx_rates", "rate_date"), ("contacts", "contact_date")):
        assert _same(con, f"SELECT * FROM {source(d, table)}",
                     f"SELECT * FROM {source(tmp_path, table)} WHERE {col} < {cut}"), table


def test_append_month_equals_full_run(tmp_path: Path) -> None:
    inc, full = tmp_path / "inc", tmp_path / "full"
    generate(inc, progress=False, **SMALL)
    before = (inc / "balances" / "2025-01.parquet").stat().st_mtime_ns
    counts = append_month(inc, customers=300, months=4, seed=7, start_month=date(2025, 1, 1),
                          progress=False)
    generate(full, progress=False, **{**SMALL, "months": 4})
    assert (inc / "balances" / "2025-01.parquet").stat().st_mtime_ns == before
    assert _files(inc) == _files(full)
    assert counts["balances"] == scalar(
        duckdb.connect(), f"SELECT count(*) FROM read_parquet('{full}/balances/2025-04.parquet')")


# --------------------------------------------------------------------------------------
# Reference quarantine checker (precedence of the brief), used on clean and bad data
# --------------------------------------------------------------------------------------

KEYS = {
    "customers": ["customer_id"], "accounts": ["account_id"],
    "balances": ["account_id", "balance_date"], "transactions": ["txn_id"],
    "fees": ["fee_id"], "ftp_rates": ["product_family", "term_months", "effective_date"],
    "credit_ratings": ["customer_id", "rating_date"],
    "relationship_surveys": ["customer_id", "survey_date"],
    "fx_rates": ["currency", "rate_date"], "prospects": ["prospect_id"],
}
CODES = {
    "customers": {
        "customer_type": ["retail", "corporate", "institution"], "gender": ["M", "F"],
        "occupation": ["employee", "civil_servant", "self_employed", "freelancer",
                       "business_owner", "executive", "retired", "student", "other"],
        "emerging_tag": ["internet", "iot", "mobile_payment"],
    },
    "accounts": {
        "product_family": ["demand_deposit", "time_deposit", "loan", "wealth_management",
                           "fund", "insurance", "bond"],
        "risk_class": ["normal", "special_mention", "substandard", "doubtful", "loss"],
        "collateral_type": ["mortgage", "pledge", "guarantee", "unsecured"],
    },
    "transactions": {
        "direction": ["debit", "credit"], "initiated_by": ["customer", "bank"],
        "channel": ["counter", "atm", "mobile", "online", "pos", "batch"],
    },
    "fees": {"fee_type": ["settlement", "wealth_commission", "agency_insurance", "card",
                          "advisory", "guarantee", "fx"]},
    "ftp_rates": {"product_family": ["demand_deposit", "time_deposit", "loan"]},
    "credit_ratings": {"rating": ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D"]},
    "prospects": {"customer_type": ["corporate", "institution"]},
}
NEGATIVE = {"balances": ["balance"], "transactions": ["amount"], "fees": ["amount"]}
DATE_ORDER = {
    "customers": ["close_date < onboard_date"],
    "accounts": ["close_date < open_date", "maturity_date < open_date"],
}
PARENT = {  # child table -> (column, parent table, parent key)
    "accounts": [("customer_id", "customers", "customer_id")],
    "balances": [("account_id", "accounts", "account_id")],
    "transactions": [("account_id", "accounts", "account_id")],
    "fees": [("customer_id", "customers", "customer_id"),
             ("account_id", "accounts", "account_id")],
    "credit_ratings": [("customer_id", "customers", "customer_id")],
    "relationship_surveys": [("customer_id", "customers", "customer_id")],
}


def _typed(table: str, col: str) -> str:
    ty = dict(EXPECTED_COLUMNS[table])[col]
    return f'TRY_CAST("{col}" AS {ty})'


def reference_quarantine(d: Path, parents: str = "raw",
                         con: duckdb.DuckDBPyConnection | None = None,
                         tables: tuple[str, ...] = tuple(TABLES)
                         ) -> dict[tuple[str, str], int]:
    """First failing reason per raw row, computed independently of the generator.

    ``parents="raw"`` resolves references against every raw parent key; ``"clean"``
    against parents that pass all their own checks.  A precise injection gives the same
    answer either way. The clean rows stay in ``con``'s tables ``clean_<table>``;
    ``tables`` limits the check to those tables (with their parents among them).
    """
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for t in tables:  # everything as text, exactly as a loader would see a string extract
        casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c, _ in EXPECTED_COLUMNS[t])
        con.execute(f"CREATE TABLE raw_{t} AS SELECT row_number() OVER () AS _rid, {casts} "
                    f"FROM {source(d, t)}")
    fx = ("SELECT currency, TRY_CAST(rate_date AS DATE) AS d FROM raw_fx_rates "
          "WHERE TRY_CAST(rate_date AS DATE) IS NOT NULL "
          "AND TRY_CAST(cny_per_unit AS DOUBLE) > 0")
    result: dict[tuple[str, str], int] = {}
    order = ["customers", "accounts", "balances", "transactions", "fees", "ftp_rates",
             "credit_ratings", "relationship_surveys", "fx_rates", "prospects"]
    for t in (t for t in order if t in tables):
        cols = [c for c, _ in EXPECTED_COLUMNS[t]]
        keys = KEYS[t]
        missing = " OR ".join(f"nullif(trim(\"{k}\"), '') IS NULL" for k in keys)
        badtype = " OR ".join(
            f'("{c}" IS NOT NULL AND ({_typed(t, c)} IS NULL'
            + (f" OR NOT isfinite({_typed(t, c)})" if ty == "DOUBLE" else "") + "))"
            for c, ty in EXPECTED_COLUMNS[t] if ty != "VARCHAR") or "false"
        out_of_range = " OR ".join(
            f"abs({_typed(t, c)}) > {MAX_ABS_RATE if c in RATES else MAX_ABS_AMOUNT}"
            for c, ty in EXPECTED_COLUMNS[t] if ty == "DOUBLE") or "false"
        unknown = " OR ".join(
            f'("{c}" IS NOT NULL AND "{c}" NOT IN ({", ".join(repr(v) for v in vals)}))'
            for c, vals in CODES.get(t, {}).items()) or "false"
        negative = " OR ".join(f"{_typed(t, c)} < 0" for c in NEGATIVE.get(t, [])) or "false"
        order_sql = " OR ".join(
            "(" + " < ".join(f"TRY_CAST({x.strip()} AS DATE)" for x in cond.split("<")) + ")"
            for cond in DATE_ORDER.get(t, [])) or "false"
        allc = ", ".join(f'"{c}"' for c in cols)
        keyc = ", ".join(f'"{k}"' for k in keys)
        orphan_parts = []
        for col, parent, pkey in PARENT.get(t, []):
            # NOT IN over a list holding NULL is never true: keep parent keys non-null
            pool = (f"SELECT \"{pkey}\" FROM {'raw' if parents == 'raw' else 'clean'}_{parent} "
                    f"WHERE \"{pkey}\" IS NOT NULL")
            orphan_parts.append(f'(r."{col}" IS NOT NULL AND r."{col}" NOT IN ({pool}))')
        orphan = " OR ".join(orphan_parts) or "false"
        if t == "balances":
            nofx = (f"(a.currency <> 'CNY' AND NOT EXISTS (SELECT 1 FROM ({fx}) f WHERE "
                    f"f.currency = a.currency AND f.d <= TRY_CAST(r.balance_date AS DATE)))")
            join = ("LEFT JOIN (SELECT account_id, min(currency) AS currency FROM raw_accounts"
                    " WHERE nullif(trim(account_id), '') IS NOT NULL GROUP BY 1) a"
                    " ON a.account_id = r.account_id")
        elif t == "fees":
            nofx = (f"(r.currency <> 'CNY' AND NOT EXISTS (SELECT 1 FROM ({fx}) f WHERE "
                    f"f.currency = r.currency AND f.d <= TRY_CAST(r.fee_date AS DATE)))")
            join = ""
        else:
            nofx, join = "false", ""
        con.execute(f"""
            CREATE TABLE chk_{t} AS
            WITH base AS (
                SELECT *, CASE WHEN {missing} THEN 'missing_key'
                               WHEN {badtype} THEN 'bad_type'
                               WHEN {out_of_range} THEN 'out_of_range'
                               WHEN {unknown} THEN 'unknown_code'
                               WHEN {negative} THEN 'negative_amount'
                               WHEN {order_sql} THEN 'date_order' END AS early,
                       row_number() OVER (PARTITION BY {allc} ORDER BY _rid) AS copy_no
                FROM raw_{t}),
            dup AS (
                SELECT *, count(*) OVER (PARTITION BY {keyc}) AS key_rows
                FROM base WHERE copy_no = 1)
            SELECT b._rid, coalesce(
                b.early,
                CASE WHEN b.copy_no > 1 THEN 'exact_duplicate' END,
                CASE WHEN d.key_rows > 1 THEN 'duplicate_key' END,
                CASE WHEN {orphan} THEN 'orphan_reference' END,
                CASE WHEN {nofx} THEN 'no_fx_rate' END) AS reason
            FROM base b LEFT JOIN dup d USING (_rid)
            JOIN raw_{t} r USING (_rid) {join}
        """)
        con.execute(f"CREATE TABLE clean_{t} AS SELECT r.* FROM raw_{t} r "
                    f"JOIN chk_{t} USING (_rid) WHERE reason IS NULL")
        for reason, n in rows(con, f"SELECT reason, count(*) FROM chk_{t} "
                                   "WHERE reason IS NOT NULL GROUP BY 1"):
            result[(t, reason)] = n
    return result


def test_clean_data_fails_no_quarantine_check(small: tuple[Path, dict[str, int]]) -> None:
    d, _ = small
    assert reference_quarantine(d) == {}


@pytest.mark.parametrize(("seed", "start", "months"), [
    (3, date(2024, 11, 1), 5), (11, date(2025, 6, 1), 2), (12, date(2024, 1, 1), 1)])
def test_clean_data_fails_no_check_for_other_seeds(tmp_path: Path, seed: int, start: date,
                                                   months: int) -> None:
    generate(tmp_path, customers=500, months=months, seed=seed, start_month=start,
             progress=False)
    assert reference_quarantine(tmp_path) == {}


# --------------------------------------------------------------------------------------
# Bad rows
# --------------------------------------------------------------------------------------


def test_bad_rows_mode_writes_strings_only(bad: tuple[Path, dict[str, int]]) -> None:
    d, counts = bad
    con = connect(d, [*TABLES, *OPTIONAL])
    for table, expected in {**EXPECTED_COLUMNS, **RM_COLUMNS,
                            "contacts": CONTACT_COLUMNS}.items():
        got = rows(con, f"DESCRIBE SELECT * FROM {table}")
        assert [r[0] for r in got] == [c for c, _ in expected], table
        assert {r[1] for r in got} == {"VARCHAR"}, table
        assert counts[table] == scalar(con, f"SELECT count(*) FROM {table}"), table


def test_manifest_covers_every_reason(bad: tuple[Path, dict[str, int]]) -> None:
    d, counts = bad
    manifest = json.loads((d / "_bad_rows_manifest.json").read_text())
    assert manifest["reason_precedence"] == REASONS
    assert all(manifest["totals"][r] > 0 for r in REASONS)
    injected = sum(v["injected_rows"] for v in manifest["tables"].values())
    assert 150 <= injected <= 260
    for t, v in manifest["tables"].items():
        assert v["raw_rows"] == counts[t]
        assert v["clean_rows"] + v["quarantined_rows"] == v["raw_rows"]
        assert sum(v["quarantined"].values()) == v["quarantined_rows"]
        assert v["quarantined"]["exact_duplicate"] > 0, t
        assert v["quarantined"]["duplicate_key"] > 0, t
    assert len(manifest["rows"]) == sum(manifest["totals"].values())


@pytest.mark.parametrize("parents", ["raw", "clean"])
def test_manifest_matches_reference_checker(bad: tuple[Path, dict[str, int]],
                                            parents: str) -> None:
    d, _ = bad
    manifest = json.loads((d / "_bad_rows_manifest.json").read_text())
    # tier_overrides has its own checker (test_governance.py)
    expected = {(t, r): n for t, v in manifest["tables"].items()
                for r, n in v["quarantined"].items() if n and t in TABLES}
    assert reference_quarantine(d, parents) == expected


def test_clean_rerun_removes_manifest(tmp_path: Path) -> None:
    generate(tmp_path, bad_rows=10, progress=False, **SMALL)
    assert (tmp_path / "_bad_rows_manifest.json").exists()
    generate(tmp_path, progress=False, **SMALL)
    assert not (tmp_path / "_bad_rows_manifest.json").exists()


# --------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------


def test_fx_rates_weekdays_only_and_cover_the_window(small: tuple[Path, dict[str, int]]
                                                     ) -> None:
    d, _ = small
    con = connect(d)
    assert scalar(con, "SELECT count(*) FROM fx_rates WHERE isodow(rate_date) > 5") == 0
    assert scalar(con, "SELECT count(*) FROM fx_rates WHERE currency = 'CNY'") == 0
    assert sorted(r[0] for r in rows(con, "SELECT DISTINCT currency FROM fx_rates")) == [
        "EUR", "HKD", "USD"]
    first_fx, last_fx = rows(con, "SELECT min(rate_date), max(rate_date) FROM fx_rates")[0]
    first_bal, last_bal = rows(con, "SELECT min(balance_date), max(balance_date) "
                                    "FROM balances")[0]
    assert (first_bal - first_fx).days >= 7
    assert last_fx <= date(2025, 3, 31) and (date(2025, 3, 31) - last_fx).days < 3
    assert last_bal == date(2025, 3, 31)
    # every foreign-currency account has a rate from before its first balance
    assert scalar(con, """SELECT count(*) FROM balances b JOIN accounts a USING (account_id)
        WHERE a.currency <> 'CNY' AND NOT EXISTS (SELECT 1 FROM fx_rates f
        WHERE f.currency = a.currency AND f.rate_date <= b.balance_date)""") == 0


def test_ftp_curve_changes_mid_month_inside_window(default_scale: Path) -> None:
    con = connect(default_scale)
    eff = [r[0] for r in rows(con, "SELECT DISTINCT effective_date FROM ftp_rates ORDER BY 1")]
    inside = [e for e in eff if date(2025, 1, 1) < e <= date(2025, 12, 31)]
    assert inside == [date(2025, 4, 15)]
    assert any(e < date(2025, 1, 1) for e in eff)
    terms = dict(rows(con, "SELECT product_family, list(DISTINCT term_months ORDER BY "
                           "term_months) FROM ftp_rates GROUP BY 1"))
    assert terms["time_deposit"] == [3, 6, 12, 24, 36, 60]
    assert terms["loan"] == [0, 6, 12, 36, 60, 120]
    assert terms["demand_deposit"] == [0]


# --------------------------------------------------------------------------------------
# Business realism at default scale (2,000 customers x 12 months)
# --------------------------------------------------------------------------------------

SME_FLOORS = {  # METHODOLOGY.md §4: prefix -> (sales, assets, employees)
    "*": (None, None, 100), "A": (5e6, None, None), "B": (2e7, None, 300),
    "C": (2e7, None, 300), "D": (2e7, None, 300), "E": (6e7, 5e7, None),
    "F51": (5e7, None, 20), "F52": (5e6, None, 50), "G": (3e7, None, 300),
    "G59": (1e7, None, 100), "G60": (2e7, None, 300), "H": (2e7, None, 100),
    "I": (1e7, None, 100), "K": (1e7, 5e7, None), "L": (None, 8e7, 100),
}


def _corporate_tier(code: str, sales, assets, emp) -> str:
    threshold = 1.5e8 if code[0] in "ILMNOPQR" else 3e8
    if sales is not None and sales >= threshold:
        return "large"
    prefix = max((p for p in SME_FLOORS if p == "*" or code.startswith(p)), key=len)
    floors = SME_FLOORS[prefix]
    values = (sales, assets, emp)
    meets = all(f is None or (v is not None and v >= f) for f, v in zip(floors, values,
                                                                        strict=True))
    return "medium" if meets else "small"


@pytest.fixture(scope="module")
def segments(default_scale: Path) -> list[tuple]:
    """(customer_id, month, type, group, industry, sales, assets, emp, tag,
    avg_aum, avg_deposit, loan_at_month_end) per customer-month."""
    con = connect(default_scale)
    return rows(con, """
        WITH bal AS (
            SELECT b.account_id, b.balance_date, a.customer_id, a.product_family AS fam,
                   b.balance * coalesce(f.cny_per_unit, 1) AS cny
            FROM balances b JOIN accounts a USING (account_id)
            ASOF LEFT JOIN fx_rates f
              ON f.currency = a.currency AND b.balance_date >= f.rate_date),
        cm AS (
            SELECT customer_id, date_trunc('month', balance_date)::DATE AS pm,
                   coalesce(sum(cny) FILTER (WHERE fam <> 'loan'), 0) AS s_aum,
                   coalesce(sum(cny) FILTER (WHERE fam IN ('demand_deposit', 'time_deposit')),
                            0) AS s_dep,
                   coalesce(sum(cny) FILTER (WHERE fam = 'loan'
                            AND balance_date = last_day(balance_date)), 0) AS loan_eom
            FROM bal GROUP BY ALL)
        SELECT cm.customer_id, cm.pm, c.customer_type, c.group_id, c.industry_code,
               c.annual_sales, c.total_assets, c.employee_count, c.emerging_tag,
               s_aum / day(last_day(cm.pm)), s_dep / day(last_day(cm.pm)), loan_eom
        FROM cm JOIN customers c USING (customer_id)""")


def test_every_tier_is_populated(segments: list[tuple]) -> None:
    strategic = {f"G00{i}" for i in range(1, 6)}
    seen: dict[tuple[str, str], set[str]] = {}
    categories: set[str] = set()
    for cid, _pm, ctype, group, code, sales, assets, emp, tag, aum, dep, loan in segments:
        if ctype == "retail":
            tier = ("high_net_worth" if aum >= 5e6 else
                    "mass_affluent" if aum >= 5e5 else "mass")
        elif loan > 0:
            if group in strategic:
                tier = "strategic"
            elif ctype == "institution":
                tier = "institution"
            else:
                tier = _corporate_tier(code, sales, assets, emp)
            if ctype == "corporate":
                categories.add("real_estate" if code[0] == "K" else
                               "emerging" if tag else "traditional")
        else:
            tier = "above_scale" if dep >= 5e5 else "below_scale"
        seen.setdefault((ctype, tier), set()).add(cid)
    expected = {
        ("retail", "high_net_worth"), ("retail", "mass_affluent"), ("retail", "mass"),
        ("corporate", "strategic"), ("corporate", "large"), ("corporate", "medium"),
        ("corporate", "small"), ("corporate", "above_scale"), ("corporate", "below_scale"),
        ("institution", "strategic"), ("institution", "institution"),
        ("institution", "above_scale"), ("institution", "below_scale"),
    }
    assert expected <= set(seen)
    assert len(seen[("corporate", "strategic")]) >= 5
    assert len(seen[("institution", "strategic")]) >= 2
    # a small share of retail customers are high-net-worth
    retail = set().union(*(v for (t, _), v in seen.items() if t == "retail"))
    assert 0.002 < len(seen[("retail", "high_net_worth")]) / len(retail) < 0.05
    assert categories == {"real_estate", "emerging", "traditional"}


def test_customer_mix_and_identifiers(default_scale: Path) -> None:
    con = connect(default_scale)
    mix = dict(rows(con, "SELECT customer_type, count(*) FROM customers GROUP BY 1"))
    assert mix == {"retail": 1600, "corporate": 340, "institution": 60}
    assert scalar(con, r"""SELECT count(*) FROM customers WHERE NOT (
        regexp_full_match(customer_id, 'C\d{7}') AND length(id_number) = 18
        AND (phone IS NULL OR regexp_full_match(phone, '1\d{10}'))
        AND regexp_full_match(branch_id, 'BR0[0-2]\d'))""") == 0
    # retail-only and corporate-only attributes
    assert scalar(con, """SELECT count(*) FROM customers WHERE customer_type = 'retail'
        AND (birth_date IS NULL OR industry_code IS NOT NULL OR annual_sales IS NOT NULL)""") == 0
    assert scalar(con, """SELECT count(*) FROM customers WHERE customer_type <> 'retail'
        AND (birth_date IS NOT NULL OR occupation IS NOT NULL OR industry_code IS NULL)""") == 0
    inst_sections = {r[0] for r in rows(con, "SELECT DISTINCT left(industry_code, 1) "
                                             "FROM customers WHERE customer_type = 'institution'")}
    assert inst_sections <= set("SPQONR") and {"S", "P", "Q"} <= inst_sections
    groups = {r[0] for r in rows(con, "SELECT DISTINCT group_id FROM customers "
                                      "WHERE group_id IS NOT NULL")}
    assert {f"G00{i}" for i in range(1, 6)} <= groups and len(groups) > 5
    assert scalar(con, "SELECT count(*) FROM customers WHERE close_date IS NOT NULL") > 0
    assert scalar(con, "SELECT count(*) FROM customers WHERE onboard_date >= '2025-01-01' "
                       "AND onboard_date <= '2025-12-31'") > 50
    assert scalar(con, "SELECT count(*) FROM customers "
                       "WHERE onboard_date < DATE '2025-01-01' - INTERVAL 2 YEAR") > 500
    n_prospects = scalar(con, "SELECT count(*) FROM prospects")
    assert n_prospects == 100


def test_accounts_are_realistic(default_scale: Path) -> None:
    con = connect(default_scale)
    fams = {r[0] for r in rows(con, "SELECT DISTINCT product_family FROM accounts")}
    assert len(fams) == 7
    fx_share = scalar(con, "SELECT avg((currency <> 'CNY')::INT) FROM accounts")
    assert 0.02 <= fx_share <= 0.06
    assert scalar(con, """SELECT count(*) FROM accounts WHERE
        (product_family IN ('wealth_management', 'fund', 'insurance', 'bond')
         AND interest_rate IS NOT NULL)
        OR (product_family = 'loan' AND (interest_rate NOT BETWEEN 0.02 AND 0.07
                                         OR risk_class IS NULL))
        OR (product_family = 'time_deposit' AND interest_rate NOT BETWEEN 0.01 AND 0.03)
        OR (product_family <> 'loan' AND (risk_class IS NOT NULL
                                          OR collateral_type IS NOT NULL))""") == 0
    risk = {r[0] for r in rows(con, "SELECT DISTINCT risk_class FROM accounts "
                                    "WHERE risk_class IS NOT NULL")}
    assert risk == {"normal", "special_mention", "substandard", "doubtful", "loss"}
    coll = {r[0] for r in rows(con, "SELECT DISTINCT collateral_type FROM accounts "
                                    "WHERE collateral_type IS NOT NULL")}
    assert coll == {"mortgage", "pledge", "guarantee", "unsecured"}
    assert scalar(con, "SELECT count(*) FROM accounts WHERE product_family = 'loan' "
                       "AND maturity_date IS NULL") > 0
    assert scalar(con, "SELECT count(*) FROM accounts WHERE close_date BETWEEN "
                       "'2025-01-02' AND '2025-12-31'") > 100
    assert scalar(con, "SELECT count(*) FROM accounts WHERE open_date BETWEEN "
                       "'2025-01-02' AND '2025-12-31'") > 100
    # heavy-tailed balances: the top 1 % of accounts hold a large share of deposits
    top_share = scalar(con, """WITH s AS (SELECT account_id, avg(balance) v FROM balances
        JOIN accounts USING (account_id) WHERE currency = 'CNY'
        AND product_family = 'demand_deposit' GROUP BY 1)
        SELECT sum(v) FILTER (WHERE v >= (SELECT quantile_cont(v, 0.99) FROM s)) / sum(v)
        FROM s""")
    assert top_share > 0.2


def test_activity_and_lifecycle_variety(default_scale: Path) -> None:
    con = connect(default_scale)
    levels = dict(rows(con, """
        WITH t AS (SELECT a.customer_id, t.txn_ts::DATE AS d FROM transactions t
                   JOIN accounts a USING (account_id) WHERE initiated_by = 'customer'),
        n AS (SELECT c.customer_id,
                     count(t.d) FILTER (WHERE t.d > DATE '2025-12-31' - 90) AS n90,
                     count(t.d) FILTER (WHERE t.d > DATE '2025-12-31' - 180) AS n180
              FROM customers c LEFT JOIN t USING (customer_id)
              WHERE c.onboard_date < DATE '2025-06-01' AND c.close_date IS NULL GROUP BY 1)
        SELECT CASE WHEN n90 >= 10 THEN 'active' WHEN n90 >= 3 THEN 'moderate'
                    WHEN n90 >= 1 THEN 'occasional' WHEN n180 = 0 THEN 'dormant'
                    ELSE 'inactive' END, count(*) FROM n GROUP BY 1"""))
    assert set(levels) == {"active", "moderate", "occasional", "inactive", "dormant"}
    assert levels["dormant"] > 50
    by = dict(rows(con, "SELECT initiated_by, count(*) FROM transactions GROUP BY 1"))
    assert by["bank"] > 0 and by["customer"] > by["bank"]
    per_month = scalar(con, """SELECT max(n) FROM (SELECT a.customer_id,
        date_trunc('month', txn_ts), count(*) n FROM transactions JOIN accounts a
        USING (account_id) WHERE initiated_by = 'customer' GROUP BY ALL)""")
    assert per_month <= 60
    fee_types = {r[0] for r in rows(con, "SELECT DISTINCT fee_type FROM fees")}
    assert len(fee_types) == 7
    assert {r[0] for r in rows(con, "SELECT DISTINCT currency FROM fees")} == {"CNY", "USD"}


def test_ratings_change_inside_window(default_scale: Path) -> None:
    con = connect(default_scale)
    assert scalar(con, """SELECT count(DISTINCT customer_id) FROM credit_ratings
        WHERE rating_date BETWEEN '2025-01-01' AND '2025-12-31'""") > 20
    rated = dict(rows(con, """SELECT c.customer_type, count(DISTINCT r.customer_id)
        FROM credit_ratings r JOIN customers c USING (customer_id) GROUP BY 1"""))
    assert set(rated) == {"retail", "corporate", "institution"}
    assert rated["corporate"] < 340  # some corporates are unrated
    assert scalar(con, "SELECT count(*) FROM relationship_surveys "
                       "WHERE wallet_share IS NULL") > 0


def test_fees_grow_with_the_customer(default_scale: Path) -> None:
    """Corporate fee business scales with the firm: strategic-group members and large firms
    earn more fees than small ones; wealthier retail customers more than the mass."""
    con = connect(default_scale)
    fee = dict(rows(con, """
        WITH f AS (SELECT customer_id, sum(amount * CASE WHEN currency = 'USD' THEN 7.18
                                                         ELSE 1 END) AS fee
                   FROM fees GROUP BY 1)
        SELECT CASE WHEN c.group_id IN ('G001', 'G002', 'G003', 'G004', 'G005')
                    THEN 'strategic'
                    WHEN c.annual_sales >= 3e8 THEN 'large'
                    WHEN c.annual_sales < 2e7 THEN 'small' END AS size,
               avg(coalesce(f.fee, 0))
        FROM customers c LEFT JOIN f USING (customer_id)
        WHERE c.customer_type = 'corporate' GROUP BY 1"""))
    assert fee["strategic"] > 3 * fee["small"]
    assert fee["large"] > 3 * fee["small"]


def test_relationship_depth_drives_the_bank_value_inputs(default_scale: Path) -> None:
    """Customers with a signed cooperation agreement hold more product families, transact
    more and report a larger wallet share than those without (METHODOLOGY.md §5 inputs)."""
    con = connect(default_scale)
    by_agreement = {r[0]: r[1:] for r in rows(con, """
        WITH s AS (SELECT customer_id, bool_or(has_cooperation_agreement) AS agreed,
                          avg(wallet_share) AS wallet
                   FROM relationship_surveys GROUP BY 1),
        fam AS (SELECT customer_id, count(DISTINCT product_family) AS families
                FROM accounts GROUP BY 1),
        tx AS (SELECT a.customer_id, count(*) AS n FROM transactions t
               JOIN accounts a USING (account_id) WHERE t.initiated_by = 'customer'
               GROUP BY 1)
        SELECT s.agreed, avg(fam.families), avg(coalesce(tx.n, 0)), avg(s.wallet)
        FROM s JOIN fam USING (customer_id) LEFT JOIN tx USING (customer_id)
        GROUP BY 1""")}
    agreed, not_agreed = by_agreement[True], by_agreement[False]
    assert agreed[0] > not_agreed[0] + 0.3
    assert agreed[1] > 1.5 * not_agreed[1]
    assert agreed[2] > not_agreed[2] + 0.1
    surveyed = scalar(con, "SELECT count(DISTINCT customer_id) FROM relationship_surveys")
    assert surveyed > 0.5 * 2000


# --------------------------------------------------------------------------------------
# Relationship managers and their books (METHODOLOGY.md §14)
# --------------------------------------------------------------------------------------


def owners_at(con: duckdb.DuckDBPyConnection, pe: date) -> dict[str, tuple]:
    """customer_id -> (rm_id, rm_status, about to leave) at period end ``pe`` (§14), for
    the customers onboarded by then."""
    return {r[0]: r[1:] for r in rows(con, f"""
        WITH own AS (
            SELECT c.customer_id, a.rm_id FROM customers c
            LEFT JOIN customer_assignments a ON a.customer_id = c.customer_id
             AND a.valid_from <= DATE '{pe}'
             AND (a.valid_to IS NULL OR DATE '{pe}' < a.valid_to)
            WHERE c.onboard_date <= DATE '{pe}')
        SELECT own.customer_id, own.rm_id,
               CASE WHEN own.rm_id IS NULL THEN 'unassigned'
                    WHEN m.leave_date <= DATE '{pe}' THEN 'departed' ELSE 'active' END,
               coalesce(m.leave_date <= DATE '{pe}' + 30, false)
        FROM own LEFT JOIN relationship_managers m USING (rm_id)""")}


def period_ends(start: date, months: int) -> list[date]:
    ends = []
    for m in range(1, months + 1):
        y, mo = divmod(start.month - 1 + m, 12)
        ends.append(date(start.year + y, mo + 1, 1) - timedelta(days=1))
    return ends


def test_rm_pair_is_written_with_the_contract_schema(small: tuple[Path, dict[str, int]]
                                                     ) -> None:
    d, counts = small
    con = connect(d, [*TABLES, *RM_TABLES])
    for table, expected in RM_COLUMNS.items():
        assert [(r[0], r[1]) for r in rows(con, f"DESCRIBE SELECT * FROM {table}")] == expected
        assert counts[table] == scalar(con, f"SELECT count(*) FROM {table}") > 0, table
    assert scalar(con, "SELECT count(*) - count(DISTINCT rm_id) FROM relationship_managers") == 0
    assert scalar(con, "SELECT count(*) - count(DISTINCT assignment_id) "
                       "FROM customer_assignments") == 0
    assert scalar(con, r"""SELECT count(*) FROM relationship_managers WHERE NOT (
        regexp_full_match(rm_id, 'RM\d{4}') AND regexp_full_match(rm_name, '\p{Han}{2,3}')
        AND regexp_full_match(branch_id, 'BR0[0-2]\d'))""") == 0


def test_clean_assignments_reference_clean_customers_and_rms(default_scale: Path) -> None:
    con = connect(default_scale, [*TABLES, *RM_TABLES])
    # each assignment: a known customer, an RM of the customer's branch, hired by then,
    # from the onboarding on, with an end after its start
    assert scalar(con, """SELECT count(*) FROM customer_assignments a
        LEFT JOIN customers c USING (customer_id)
        LEFT JOIN relationship_managers m USING (rm_id)
        WHERE c.customer_id IS NULL OR m.rm_id IS NULL OR c.branch_id <> m.branch_id
           OR a.valid_from < m.hire_date OR a.valid_from < c.onboard_date
           OR a.valid_to <= a.valid_from""") == 0
    assert scalar(con, "SELECT count(*) FROM relationship_managers "
                       "WHERE leave_date <= hire_date") == 0
    # no two assignments of one customer overlap ([valid_from, valid_to), null = open)
    assert scalar(con, """SELECT count(*) FROM customer_assignments x
        JOIN customer_assignments y ON x.customer_id = y.customer_id
         AND x.assignment_id < y.assignment_id
         AND x.valid_from < coalesce(y.valid_to, DATE '9999-12-31')
         AND y.valid_from < coalesce(x.valid_to, DATE '9999-12-31')""") == 0
    # every customer onboarded before the window has an RM, but for a few
    unassigned = scalar(con, """SELECT count(*) FROM customers c WHERE onboard_date <
        DATE '2025-01-01' AND NOT EXISTS (SELECT 1 FROM customer_assignments a
        WHERE a.customer_id = c.customer_id)""")
    assert 2 <= unassigned <= 20


def test_rm_books_are_realistic(default_scale: Path) -> None:
    con = connect(default_scale, [*TABLES, *RM_TABLES])
    for pe in period_ends(date(2025, 1, 1), 12):
        books: dict[str, int] = {}
        for rm_id, status, _ in owners_at(con, pe).values():
            if status == "active":
                books[rm_id] = books.get(rm_id, 0) + 1
        sizes = sorted(books.values())
        assert 40 <= sizes[len(sizes) // 2] <= 150, pe
        assert sum(40 <= n <= 150 for n in sizes) >= 0.8 * len(sizes), pe
    hired = rows(con, "SELECT min(hire_date), max(hire_date) FROM relationship_managers")[0]
    assert hired[0] < date(2018, 1, 1) and hired[1] >= date(2025, 1, 1)


def test_rm_scenarios_exist(default_scale: Path, segments: list[tuple]) -> None:
    """RMs leaving inside the window, their books handed over days to weeks later (a few
    not within the window), one leaving within 30 days after the last month end,
    re-assignments mid-month and on a month's first and last day, and watched-tier
    customers without an RM."""
    con = connect(default_scale, [*TABLES, *RM_TABLES])
    start, end, last_pe = date(2025, 1, 1), date(2026, 1, 1), date(2025, 12, 31)
    assert scalar(con, f"""SELECT count(*) FROM relationship_managers
        WHERE leave_date >= DATE '{start}' AND leave_date < DATE '{end}'""") >= 6
    # handed over to a colleague of the branch 3-45 days after the leave
    assert scalar(con, """SELECT count(*) FROM customer_assignments a
        JOIN relationship_managers m USING (rm_id)
        JOIN customer_assignments b ON b.customer_id = a.customer_id
         AND b.valid_from = a.valid_to AND b.rm_id <> a.rm_id
        WHERE a.valid_to - m.leave_date BETWEEN 3 AND 45""") > 100
    status = owners_at(con, last_pe)
    statuses = {s for _, s, _ in status.values()}
    assert statuses == {"active", "departed", "unassigned"}
    # an RM still there at the last period end who leaves within 30 days (handover)
    assert any(s == "active" and soon for _, s, soon in status.values())
    assert scalar(con, f"""SELECT count(*) FROM relationship_managers
        WHERE leave_date > DATE '{last_pe}' AND leave_date <= DATE '{last_pe}' + 30""") >= 1
    # a leave date is known once the resignation is given (30-58 days' notice)
    assert rows(con, "SELECT max(leave_date) FROM relationship_managers")[0][0] < \
        end + timedelta(days=59)
    # re-assignments: mid-month, on a month's first day, on its last day
    kinds = dict(rows(con, """SELECT CASE WHEN day(a.valid_to) = 1 THEN 'first'
            WHEN a.valid_to = last_day(a.valid_to) THEN 'last' ELSE 'mid' END, count(*)
        FROM customer_assignments a JOIN customer_assignments b
          ON b.customer_id = a.customer_id AND b.valid_from = a.valid_to
        GROUP BY 1"""))
    assert kinds.keys() == {"first", "last", "mid"} and min(kinds.values()) >= 5
    assert rows(con, "SELECT count(*) FROM customer_assignments WHERE valid_to = "
                     "last_day(valid_to) AND valid_to BETWEEN '2025-01-31' AND '2025-11-30'")[0][0]
    # watched-tier customers (computed from the data, METHODOLOGY.md §4) with no RM at all
    unassigned = {cid for cid, (rm, _, _) in owners_at(con, last_pe).items() if rm is None}
    watched = set()
    for cid, pm, ctype, group, code, sales, assets, emp, _tag, aum, _dep, loan in segments:
        if pm != date(2025, 12, 1) or cid not in unassigned:
            continue
        if ctype == "retail" and aum >= 5e5:
            watched.add(cid)
        elif ctype == "corporate" and loan > 0 and (
                group in {f"G00{i}" for i in range(1, 6)}
                or _corporate_tier(code, sales, assets, emp) == "large"):
            watched.add(cid)
    assert watched


def test_one_more_month_keeps_every_owner_and_rm_status(small: tuple[Path, dict[str, int]],
                                                        tmp_path: Path) -> None:
    """Month N+1 only adds what happened after month N: the owner, RM status and
    handover flag at every earlier period end stay the same (incremental builds)."""
    d, _ = small
    generate(tmp_path, progress=False, **{**SMALL, "months": 4})
    short, long = connect(d, [*TABLES, *RM_TABLES]), connect(tmp_path, [*TABLES, *RM_TABLES])
    for pe in period_ends(SMALL["start_month"], 3):
        assert owners_at(short, pe) == owners_at(long, pe), pe
    assert scalar(long, "SELECT count(*) FROM relationship_managers") > scalar(
        short, "SELECT count(*) FROM relationship_managers")


def reference_rm_quarantine(d: Path, con: duckdb.DuckDBPyConnection | None = None
                            ) -> dict[tuple[str, str], int]:
    """First failing reason of every raw RM and assignment row (the lead's RM contract),
    computed independently of the generator (the reasons stay in ``con``'s ``chk_rm``)."""
    con = con or duckdb.connect()
    for t, cols in RM_COLUMNS.items():
        casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c, _ in cols)
        con.execute(f"CREATE TABLE raw_{t} AS SELECT row_number() OVER () AS _rid, {casts} "
                    f"FROM {source(d, t)}")
    con.execute(f"CREATE TABLE cust AS SELECT DISTINCT CAST(customer_id AS VARCHAR) AS id "
                f"FROM {source(d, 'customers')} WHERE nullif(trim(customer_id), '') IS NOT NULL")

    def blank(c: str) -> str:
        return f"nullif(trim({c}), '') IS NULL"

    def not_date(c: str, nullable: bool) -> str:
        return (f"({c} IS NOT NULL AND TRY_CAST({c} AS DATE) IS NULL)" if nullable else
                f"TRY_CAST({c} AS DATE) IS NULL")

    def checked(t: str, key: str, early: str) -> str:
        cols = ", ".join(c for c, _ in RM_COLUMNS[t])
        return f"""
            e AS (SELECT *, {early} AS r1 FROM raw_{t}),
            x AS (SELECT _rid, row_number() OVER (PARTITION BY {cols} ORDER BY _rid) AS copy_no
                  FROM e WHERE r1 IS NULL),
            k AS (SELECT x._rid, count(*) OVER (PARTITION BY e.{key}) AS versions
                  FROM x JOIN e USING (_rid) WHERE copy_no = 1),
            s AS (SELECT e.*, coalesce(r1, CASE WHEN copy_no > 1 THEN 'exact_duplicate' END,
                                       CASE WHEN versions > 1 THEN 'duplicate_key' END) AS r2
                  FROM e LEFT JOIN x USING (_rid) LEFT JOIN k USING (_rid))"""

    con.execute("CREATE TABLE chk_rm AS WITH " + checked("relationship_managers", "rm_id", f"""
        CASE WHEN {blank('rm_id')} THEN 'missing_key'
             WHEN {not_date('hire_date', False)} OR {not_date('leave_date', True)}
             THEN 'bad_type'
             WHEN TRY_CAST(leave_date AS DATE) <= TRY_CAST(hire_date AS DATE)
             THEN 'date_order' END""") + " SELECT _rid, rm_id, r2 AS reason FROM s")
    con.execute("CREATE TABLE chk_as AS WITH " + checked("customer_assignments",
                                                          "assignment_id", f"""
        CASE WHEN {blank('assignment_id')} OR {blank('customer_id')} OR {blank('rm_id')}
             THEN 'missing_key'
             WHEN {not_date('valid_from', False)} OR {not_date('valid_to', True)}
             THEN 'bad_type'
             WHEN TRY_CAST(valid_to AS DATE) <= TRY_CAST(valid_from AS DATE)
             THEN 'date_order' END""") + """,
        o AS (SELECT *, coalesce(r2, CASE WHEN customer_id NOT IN (SELECT id FROM cust)
                  OR rm_id NOT IN (SELECT rm_id FROM chk_rm WHERE reason IS NULL)
                  THEN 'orphan_reference' END) AS r3 FROM s),
        ok AS (SELECT _rid, customer_id, TRY_CAST(valid_from AS DATE) AS f,
                      coalesce(TRY_CAST(valid_to AS DATE), DATE '9999-12-31') AS t
               FROM o WHERE r3 IS NULL)
        SELECT _rid, coalesce(r3, CASE WHEN EXISTS (SELECT 1 FROM ok b
            WHERE b.customer_id = o.customer_id AND b._rid <> o._rid
              AND b.f < coalesce(TRY_CAST(o.valid_to AS DATE), DATE '9999-12-31')
              AND TRY_CAST(o.valid_from AS DATE) < b.t) THEN 'duplicate_key' END) AS reason
        FROM o""")
    result = {}
    for t, chk in (("relationship_managers", "chk_rm"), ("customer_assignments", "chk_as")):
        for reason, n in rows(con, f"SELECT reason, count(*) FROM {chk} "
                                   "WHERE reason IS NOT NULL GROUP BY 1"):
            result[(t, reason)] = n
    return result


RM_REASONS = {
    "relationship_managers": {"missing_key", "bad_type", "date_order", "exact_duplicate",
                              "duplicate_key"},
    "customer_assignments": {"missing_key", "bad_type", "date_order", "exact_duplicate",
                             "duplicate_key", "orphan_reference"},
}


def test_clean_rm_tables_fail_no_check(small: tuple[Path, dict[str, int]],
                                       default_scale: Path) -> None:
    assert reference_rm_quarantine(small[0]) == {}
    assert reference_rm_quarantine(default_scale) == {}


def test_rm_bad_rows_match_the_manifest(bad: tuple[Path, dict[str, int]]) -> None:
    d, counts = bad
    manifest = json.loads((d / "_bad_rows_manifest.json").read_text())
    expected = {(t, r): n for t, v in manifest["tables"].items() if t in RM_TABLES
                for r, n in v["quarantined"].items() if n}
    assert {t: {r for tt, r in expected if tt == t} for t in RM_TABLES} == RM_REASONS
    assert reference_rm_quarantine(d) == expected
    for t in RM_TABLES:
        assert manifest["tables"][t]["raw_rows"] == counts[t]
        assert manifest["record_keys"][t] == [RM_COLUMNS[t][0][0]]
    # duplicate_key: repeated assignment ids (pairs) and overlapping assignments of one
    # customer with ids of their own (three groups of 2, 2 and 3 rows: every row counts)
    keys = [r["record_key"]["assignment_id"] for r in manifest["rows"]
            if r["table"] == "customer_assignments" and r["reason"] == "duplicate_key"]
    assert sum(keys.count(k) == 2 for k in keys) >= 2
    assert sum(keys.count(k) == 1 for k in keys) >= 2 + 2 + 3


# --------------------------------------------------------------------------------------
# RM contacts (METHODOLOGY.md §18, the lead's contacts contract)
# --------------------------------------------------------------------------------------

#: Contact cadence seed defaults (§18): tier -> max days between contacts.
CADENCE = {"high_net_worth": 30, "mass_affluent": 90, "strategic": 30, "large": 60}
WATCHED = tuple(CADENCE)


@pytest.fixture(scope="module")
def small_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 customers over 8 months: long enough for a lapse to turn dormant (180 days)."""
    d = tmp_path_factory.mktemp("small_year")
    generate(d, customers=300, months=8, seed=7, progress=False)
    return d


def test_contacts_are_written_with_the_contract_schema(small: tuple[Path, dict[str, int]]
                                                       ) -> None:
    d, counts = small
    con = connect(d, [*TABLES, *OPTIONAL])
    assert [(r[0], r[1]) for r in rows(con, "DESCRIBE SELECT * FROM contacts")] == \
        CONTACT_COLUMNS
    assert counts["contacts"] == scalar(con, "SELECT count(*) FROM contacts") > 0
    assert scalar(con, "SELECT count(*) - count(DISTINCT contact_id) FROM contacts") == 0
    assert scalar(con, r"""SELECT count(*) FROM contacts WHERE NOT (
        regexp_full_match(contact_id, 'CT20\d{4}\d{7}')
        AND substr(contact_id, 3, 6) = strftime(contact_date, '%Y%m')
        AND customer_id IS NOT NULL AND contact_date IS NOT NULL
        AND (rm_id IS NULL OR regexp_full_match(rm_id, 'RM\d{4}')))""") == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT channel FROM contacts")} == \
        set(CONTACT_CHANNELS)
    # from three months of CRM history before the window to its last day
    first, last = rows(con, "SELECT min(contact_date), max(contact_date) FROM contacts")[0]
    assert date(2024, 10, 1) <= first < date(2024, 10, 15) and last <= date(2025, 3, 31)


def test_clean_contacts_reference_clean_customers_and_their_owner(default_scale: Path
                                                                  ) -> None:
    """Every contact names a customer open that day, and its rm_id (when set) is the
    customer's owner that day (§14) and still with the bank."""
    con = connect(default_scale, [*TABLES, *OPTIONAL])
    assert scalar(con, """SELECT count(*) FROM contacts k LEFT JOIN customers c
        USING (customer_id) WHERE c.customer_id IS NULL OR k.contact_date < c.onboard_date
        OR k.contact_date >= coalesce(c.close_date, DATE '9999-12-31')
        OR k.contact_date >= DATE '2026-01-01'""") == 0
    assert scalar(con, """SELECT count(*) FROM contacts k WHERE k.rm_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM customer_assignments a
            JOIN relationship_managers m USING (rm_id)
            WHERE a.customer_id = k.customer_id AND a.rm_id = k.rm_id
              AND a.valid_from <= k.contact_date
              AND (a.valid_to IS NULL OR k.contact_date < a.valid_to)
              AND (m.leave_date IS NULL OR k.contact_date < m.leave_date))""") == 0
    # some contacts have no RM (call centre, events); most come from the owner
    assert 0.03 <= scalar(con, "SELECT avg((rm_id IS NULL)::INT) FROM contacts") <= 0.2
    assert scalar(con, """SELECT avg((k.rm_id IS NULL)::INT) FROM contacts k
        WHERE NOT EXISTS (SELECT 1 FROM customer_assignments a
            WHERE a.customer_id = k.customer_id AND a.valid_from <= k.contact_date
              AND (a.valid_to IS NULL OR k.contact_date < a.valid_to))""") == 1.0


def _contacts_by_tier(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, dict]]:
    """Assessed tier (computed, §4) -> (contacts per customer-month, channel shares)."""
    stats: dict[str, tuple[float, dict]] = {}
    for tier, per_month, visit, phone, wechat in rows(con, """
            SELECT c.tier, count(k.contact_id) / count(DISTINCT (c.customer_id, c.pm)),
                   avg((k.channel = 'visit')::INT), avg((k.channel = 'phone')::INT),
                   avg((k.channel = 'wechat')::INT)
            FROM cm c LEFT JOIN contacts k ON k.customer_id = c.customer_id
             AND date_trunc('month', k.contact_date) = c.pm
            GROUP BY 1"""):
        stats[tier] = (per_month, {"visit": visit, "phone": phone, "wechat": wechat})
    return stats


def test_valuable_customers_are_contacted_more_often(warning_default: duckdb.DuckDBPyConnection
                                                     ) -> None:
    stats = _contacts_by_tier(warning_default)
    assert stats["high_net_worth"][0] > 0.8 and stats["strategic"][0] > 0.8
    assert stats["mass_affluent"][0] > 0.3 and stats["large"][0] > 0.3
    assert stats["mass"][0] < 0.1
    assert min(stats[t][0] for t in WATCHED) > 5 * stats["mass"][0]
    # private banking and firms are visited, the mass phoned or messaged
    assert stats["high_net_worth"][1]["visit"] > 2 * stats["mass"][1]["visit"]
    assert stats["large"][1]["visit"] > 0.3
    mass = stats["mass"][1]
    assert mass["phone"] > mass["wechat"] > mass["visit"]


def test_contacts_thin_out_between_an_owners_leave_and_the_handover(default_scale: Path
                                                                    ) -> None:
    """Per customer-day, contacts while the owner has left and the book waits for its
    handover are far rarer than while the owner is there, and none is by an RM."""
    con = connect(default_scale, [*TABLES, *OPTIONAL])
    con.execute("""CREATE TABLE spans AS
        SELECT a.customer_id, greatest(a.valid_from, DATE '2024-10-01') AS lo,
               least(coalesce(a.valid_to, DATE '2026-01-01'), coalesce(m.leave_date,
                     DATE '2026-01-01'), DATE '2026-01-01') AS hi, 'present' AS kind
        FROM customer_assignments a JOIN relationship_managers m USING (rm_id)
        UNION ALL
        SELECT a.customer_id, greatest(m.leave_date, DATE '2024-10-01'),
               least(coalesce(a.valid_to, DATE '2026-01-01'), DATE '2026-01-01'), 'gone'
        FROM customer_assignments a JOIN relationship_managers m USING (rm_id)
        WHERE m.leave_date < coalesce(a.valid_to, DATE '2026-01-01')""")
    stats = {kind: (days, contacts, by_rm) for kind, days, contacts, by_rm in rows(con, """
        WITH s AS (SELECT s.*, least(s.hi, coalesce(c.close_date, s.hi)) AS hi2
                   FROM spans s JOIN customers c USING (customer_id))
        SELECT kind, sum(greatest(hi2 - lo, 0)),
               (SELECT count(*) FROM contacts k JOIN s s2 USING (customer_id)
                WHERE s2.kind = s.kind AND k.contact_date >= s2.lo AND k.contact_date < s2.hi2),
               (SELECT count(*) FROM contacts k JOIN s s2 USING (customer_id)
                WHERE s2.kind = s.kind AND k.contact_date >= s2.lo AND k.contact_date < s2.hi2
                  AND k.rm_id IS NOT NULL)
        FROM s GROUP BY kind""")}
    gone_days, gone_contacts, gone_by_rm = stats["gone"]
    present_days, present_contacts, _ = stats["present"]
    assert gone_days > 5_000 and gone_by_rm == 0
    assert gone_contacts / gone_days < 0.5 * present_contacts / present_days


@pytest.mark.parametrize("sample", ["default", "small_year"])
def test_some_valuable_customers_are_overdue_or_never_contacted(
        sample: str, request: pytest.FixtureRequest) -> None:
    """At the last period end, against the cadence (§18): more watched customers were
    contacted in time than are overdue or were never contacted, but some are either
    (the rates follow the latent segment: a latent mass customer whose balances grew into
    a watched tier is still rarely called)."""
    con = request.getfixturevalue(f"warning_{sample}")
    cadence = " ".join(f"WHEN '{t}' THEN {n}" for t, n in CADENCE.items())
    never, overdue, in_time = rows(con, f"""
        SELECT count(*) FILTER (WHERE last_contact IS NULL),
               count(*) FILTER (WHERE pe - last_contact > CASE tier {cadence} END),
               count(*) FILTER (WHERE pe - last_contact <= CASE tier {cadence} END)
        FROM cm WHERE pm = (SELECT max(pm) FROM cm) AND watched""")[0]
    assert never >= 2 and overdue >= 3
    assert in_time > max(never, overdue)


def reference_contact_quarantine(d: Path) -> dict[tuple[str, str], int]:
    """First failing reason of every raw contact (the lead's contacts contract), computed
    independently of the generator: single-row checks, then contact_id duplicates, then
    the references — to the customers the required tables' checker leaves clean, and to
    the RMs the RM checker leaves clean."""
    con = duckdb.connect()
    reference_quarantine(d, "clean", con, ("customers",))  # leaves clean_customers
    reference_rm_quarantine(d, con)  # leaves chk_rm
    casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c, _ in CONTACT_COLUMNS)
    con.execute(f"CREATE TABLE raw_contacts AS SELECT row_number() OVER () AS _rid, {casts} "
                f"FROM {source(d, 'contacts')}")
    channels = ", ".join(f"'{c}'" for c in CONTACT_CHANNELS)
    result = rows(con, f"""
        WITH e AS (
            SELECT *, CASE
                WHEN nullif(trim(contact_id), '') IS NULL
                  OR nullif(trim(customer_id), '') IS NULL THEN 'missing_key'
                WHEN TRY_CAST(contact_date AS DATE) IS NULL THEN 'bad_type'
                WHEN channel IS NULL OR lower(trim(channel)) NOT IN ({channels})
                THEN 'unknown_code' END AS r1
            FROM raw_contacts),
        x AS (SELECT _rid, row_number() OVER (PARTITION BY contact_id, customer_id, rm_id,
                     contact_date, channel ORDER BY _rid) AS copy_no FROM e WHERE r1 IS NULL),
        k AS (SELECT x._rid, count(*) OVER (PARTITION BY e.contact_id) AS versions
              FROM x JOIN e USING (_rid) WHERE copy_no = 1),
        s AS (SELECT e.*, coalesce(r1, CASE WHEN copy_no > 1 THEN 'exact_duplicate' END,
                                   CASE WHEN versions > 1 THEN 'duplicate_key' END) AS r2
              FROM e LEFT JOIN x USING (_rid) LEFT JOIN k USING (_rid))
        SELECT coalesce(r2, CASE
                   WHEN customer_id NOT IN (SELECT customer_id FROM clean_customers
                                            WHERE customer_id IS NOT NULL)
                     OR (rm_id IS NOT NULL AND rm_id NOT IN (
                         SELECT rm_id FROM chk_rm WHERE reason IS NULL AND rm_id IS NOT NULL))
                   THEN 'orphan_reference' END) AS reason, count(*)
        FROM s GROUP BY 1""")
    return {("contacts", r): n for r, n in result if r is not None}


CONTACT_REASONS = {"missing_key", "bad_type", "unknown_code", "exact_duplicate",
                   "duplicate_key", "orphan_reference"}


def test_clean_contacts_fail_no_check(small: tuple[Path, dict[str, int]],
                                      default_scale: Path) -> None:
    assert reference_contact_quarantine(small[0]) == {}
    assert reference_contact_quarantine(default_scale) == {}


def test_contact_bad_rows_match_the_manifest(bad: tuple[Path, dict[str, int]]) -> None:
    d, counts = bad
    manifest = json.loads((d / "_bad_rows_manifest.json").read_text())
    entry = manifest["tables"]["contacts"]
    expected = {("contacts", r): n for r, n in entry["quarantined"].items() if n}
    assert {r for _, r in expected} == CONTACT_REASONS
    assert reference_contact_quarantine(d) == expected
    assert entry["raw_rows"] == counts["contacts"]
    assert entry["clean_rows"] + entry["quarantined_rows"] == entry["raw_rows"]
    assert manifest["record_keys"]["contacts"] == ["contact_id"]
    con = connect(d, ["contacts"])
    # clean rows a loader must accept: channel with spaces or capitals, no RM
    odd = rows(con, "SELECT contact_id FROM contacts WHERE channel IN (' Visit', 'PHONE', "
                    "'event ')")
    assert len(odd) == 3
    assert not {i for (i,) in odd} & {r["record_key"]["contact_id"] for r in manifest["rows"]
                                      if r["table"] == "contacts"}
    # orphans of every kind: unknown customer, quarantined customer, unknown RM,
    # quarantined RM (ids whose every raw row the manifest quarantines)
    def quarantined(table: str, key: str) -> set[str]:
        return {r["record_key"][key] for r in manifest["rows"] if r["table"] == table
                and r["reason"] != "exact_duplicate" and r["record_key"][key]}

    raw_customers = {r[0] for r in rows(con, f"SELECT customer_id FROM {source(d, 'customers')}")}
    raw_rms = {r[0] for r in rows(con, f"SELECT rm_id FROM {source(d, 'relationship_managers')}")}
    orphan_ids = [r["record_key"]["contact_id"] for r in manifest["rows"]
                  if r["table"] == "contacts" and r["reason"] == "orphan_reference"]
    orphans = con.execute("SELECT customer_id, rm_id FROM contacts WHERE contact_id IN "
                          "(SELECT unnest(?::VARCHAR[]))", [orphan_ids]).fetchall()
    assert any(c not in raw_customers for c, _ in orphans)
    assert any(c in quarantined("customers", "customer_id") for c, _ in orphans)
    assert any(rm is not None and rm not in raw_rms for _, rm in orphans)
    assert any(rm in quarantined("relationship_managers", "rm_id") for _, rm in orphans)


# --------------------------------------------------------------------------------------
# Early-warning scenarios (METHODOLOGY.md §16): outflows before drops, false alarms,
# activity drops, lapses, low satisfaction; cross-sell room (§17)
# --------------------------------------------------------------------------------------

#: Customer-month facts recomputed from the raw files: the assessed tier (§4), its family
#: and rank (§10), net outflow and activity (§16), lifecycle (§7), the survey and the last
#: contact in force at the period end (§16, §18).
WARNING_FACTS = """
CREATE TABLE months AS SELECT DISTINCT date_trunc('month', balance_date)::DATE AS pm
    FROM balances;
CREATE TABLE cm0 AS
WITH grid AS (
    SELECT DISTINCT a.customer_id, m.pm, last_day(m.pm) AS pe FROM accounts a JOIN months m
      ON a.open_date <= last_day(m.pm) AND (a.close_date IS NULL OR a.close_date > m.pm)),
bal AS (
    SELECT a.customer_id, date_trunc('month', b.balance_date)::DATE AS pm,
           a.product_family AS fam, b.balance_date,
           b.balance * coalesce(f.cny_per_unit, 1) AS cny
    FROM balances b JOIN accounts a USING (account_id)
    ASOF LEFT JOIN fx_rates f ON f.currency = a.currency AND b.balance_date >= f.rate_date),
agg AS (
    SELECT customer_id, pm,
           coalesce(sum(cny) FILTER (WHERE fam <> 'loan'), 0) / day(last_day(pm)) AS avg_aum,
           coalesce(sum(cny) FILTER (WHERE fam IN ('demand_deposit', 'time_deposit')), 0)
               / day(last_day(pm)) AS avg_dep,
           coalesce(sum(cny) FILTER (WHERE fam = 'loan'
                    AND balance_date = last_day(balance_date)), 0) AS loan_eom
    FROM bal GROUP BY 1, 2),
tx AS (
    SELECT a.customer_id, t.txn_ts::DATE AS d, a.product_family AS fam, t.direction,
           t.amount * coalesce(f.cny_per_unit, 1) AS cny
    FROM transactions t JOIN accounts a USING (account_id)
    ASOF LEFT JOIN fx_rates f ON f.currency = a.currency AND t.txn_ts::DATE >= f.rate_date
    WHERE t.initiated_by = 'customer'),
txm AS (
    SELECT customer_id, date_trunc('month', d)::DATE AS pm, count(*) AS n,
           coalesce(sum(CASE WHEN direction = 'debit' THEN cny ELSE -cny END)
                    FILTER (WHERE fam IN ('demand_deposit', 'time_deposit')), 0) AS net_outflow
    FROM tx GROUP BY 1, 2)
SELECT g.customer_id, g.pm, g.pe, c.customer_type, c.onboard_date, c.close_date,
       coalesce(agg.avg_aum, 0) AS avg_aum, coalesce(agg.avg_dep, 0) AS avg_dep,
       coalesce(txm.n, 0) AS n, coalesce(txm.net_outflow, 0) AS net_outflow,
       CASE WHEN c.customer_type = 'retail' THEN 'retail'
            WHEN coalesce(agg.loan_eom, 0) > 0 THEN c.customer_type || ' with_loan'
            ELSE 'without_loan' END AS family,
       CASE WHEN c.customer_type = 'retail' THEN
                CASE WHEN coalesce(agg.avg_aum, 0) >= 5e6 THEN 'high_net_worth'
                     WHEN coalesce(agg.avg_aum, 0) >= 5e5 THEN 'mass_affluent' ELSE 'mass' END
            WHEN coalesce(agg.loan_eom, 0) = 0 THEN
                CASE WHEN coalesce(agg.avg_dep, 0) >= 5e5 THEN 'above_scale'
                     ELSE 'below_scale' END
            WHEN c.group_id IN ('G001', 'G002', 'G003', 'G004', 'G005') THEN 'strategic'
            WHEN c.customer_type = 'institution' THEN 'institution'
            WHEN c.annual_sales >= CASE WHEN left(c.industry_code, 1) IN
                 ('I', 'L', 'M', 'N', 'O', 'P', 'Q', 'R') THEN 1.5e8 ELSE 3e8 END THEN 'large'
            ELSE 'medium_or_small' END AS tier,
       (SELECT max(d) FROM tx WHERE tx.customer_id = g.customer_id AND tx.d <= g.pe)
           AS last_txn,
       (SELECT arg_max(s.satisfaction_score, s.survey_date) FROM relationship_surveys s
        WHERE s.customer_id = g.customer_id AND s.survey_date <= g.pe) AS satisfaction,
       (SELECT max(k.contact_date) FROM contacts k
        WHERE k.customer_id = g.customer_id AND k.contact_date <= g.pe) AS last_contact,
       NOT EXISTS (SELECT 1 FROM accounts a WHERE a.customer_id = g.customer_id
                   AND a.open_date <= g.pe AND (a.close_date IS NULL OR a.close_date > g.pe))
           AS none_open
FROM grid g JOIN customers c USING (customer_id)
LEFT JOIN agg USING (customer_id, pm) LEFT JOIN txm USING (customer_id, pm);
CREATE TABLE cm AS
SELECT *,
    tier IN ('high_net_worth', 'mass_affluent', 'strategic', 'large') AS watched,
    CASE tier WHEN 'strategic' THEN 4 WHEN 'high_net_worth' THEN 3 WHEN 'large' THEN 3
              WHEN 'mass_affluent' THEN 2 WHEN 'above_scale' THEN 2
              WHEN 'medium_or_small' THEN 1.5 ELSE 1 END AS rnk,
    CASE WHEN close_date <= pe OR none_open THEN 'churned'
         WHEN onboard_date > pe - 90 AND onboard_date <= pe THEN 'new'
         WHEN last_txn IS NULL OR last_txn <= pe - 180 THEN 'dormant'
         ELSE 'other' END AS lifecycle,
    CASE WHEN lag(pm) OVER w = pm - INTERVAL 1 MONTH THEN lag(avg_aum) OVER w END AS prev_aum,
    (coalesce(lag(n, 1) OVER w, 0) + coalesce(lag(n, 2) OVER w, 0)
     + coalesce(lag(n, 3) OVER w, 0)) / 3.0 AS act_base
FROM cm0 WINDOW w AS (PARTITION BY customer_id ORDER BY pm);
CREATE TABLE flags AS
SELECT *,
    coalesce(prev_aum > 0 AND net_outflow >= 0.3 * prev_aum AND net_outflow >= 100000, false)
        AS large_outflow,
    act_base >= 2 AND n < 0.5 * act_base AS activity_drop,
    -- the customer leaves, or its tier ranks lower / changes family, in the next 3 months
    (SELECT bool_or(x.customer_id IS NULL OR x.family <> f.family OR x.rnk < f.rnk)
     FROM months m LEFT JOIN cm x ON x.customer_id = f.customer_id AND x.pm = m.pm
     WHERE m.pm > f.pm AND m.pm <= f.pm + INTERVAL 3 MONTH) AS drops_within_3,
    f.pm + INTERVAL 3 MONTH <= (SELECT max(pm) FROM months) AS horizon_complete
FROM cm f;
"""


def warning_facts(d: Path) -> duckdb.DuckDBPyConnection:
    con = connect(d, [*TABLES, *OPTIONAL])
    con.execute(WARNING_FACTS)
    return con


@pytest.fixture(scope="module")
def warning_default(default_scale: Path) -> duckdb.DuckDBPyConnection:
    return warning_facts(default_scale)


@pytest.fixture(scope="module")
def warning_small_year(small_year: Path) -> duckdb.DuckDBPyConnection:
    return warning_facts(small_year)


#: Least figures of every scenario, at the default sample and at 300 customers x 8 months.
SCENARIO_MINIMUM = {"default": {"outflow": 10, "dropped": 4, "false": 3, "unwarned": 3,
                                "dormant": 3, "churned": 3, "lapse_drop": 1},
                    "small_year": {"outflow": 4, "dropped": 1, "false": 1, "unwarned": 1,
                                   "dormant": 1, "churned": 1, "lapse_drop": 1}}


@pytest.mark.parametrize("sample", ["default", "small_year"])
def test_outflows_come_before_some_drops_but_not_all(sample: str,
                                                     request: pytest.FixtureRequest) -> None:
    """Watched customers with a large net outflow (≥ 30 % of last month's AUM and
    ≥ 100,000, §16) of whom some drop a tier or leave within 3 months and some do not
    (false alarms), and watched customers who drop without any outflow before."""
    con, least = request.getfixturevalue(f"warning_{sample}"), SCENARIO_MINIMUM[sample]
    outflow = scalar(con, "SELECT count(DISTINCT customer_id) FROM flags "
                          "WHERE watched AND large_outflow")
    dropped, kept = rows(con, """SELECT count(DISTINCT customer_id) FILTER (WHERE drops_within_3),
            count(DISTINCT customer_id) FILTER (WHERE NOT drops_within_3 AND horizon_complete)
        FROM flags WHERE watched AND large_outflow""")[0]
    unwarned = scalar(con, """SELECT count(DISTINCT f.customer_id) FROM flags f
        WHERE f.watched AND f.drops_within_3 AND NOT EXISTS (SELECT 1 FROM flags g
            WHERE g.customer_id = f.customer_id AND g.large_outflow
              AND g.pm BETWEEN f.pm - INTERVAL 2 MONTH AND f.pm + INTERVAL 3 MONTH)""")
    assert outflow >= least["outflow"]
    assert dropped >= least["dropped"] and kept >= least["false"]
    assert unwarned >= least["unwarned"]
    # the warning carries signal: a drop follows an outflow far more often than not
    with_outflow, without = rows(con, """SELECT
            avg(drops_within_3::INT) FILTER (WHERE large_outflow),
            avg(drops_within_3::INT) FILTER (WHERE NOT large_outflow)
        FROM flags WHERE watched AND horizon_complete""")[0]
    assert with_outflow > 3 * without


@pytest.mark.parametrize("sample", ["default", "small_year"])
def test_lapsing_customers_for_win_back(sample: str, request: pytest.FixtureRequest) -> None:
    """Customers who were in a watched tier in the 12 months before turn dormant or churned
    after a month that was neither (§16 win_back), and some of them had first stopped
    transacting abruptly (activity drop: n < 0.5 × the 3 months' mean, mean ≥ 2)."""
    con, least = request.getfixturevalue(f"warning_{sample}"), SCENARIO_MINIMUM[sample]
    con.execute("""CREATE OR REPLACE TABLE win_back AS
        SELECT a.customer_id, a.pm, a.lifecycle FROM cm a
        JOIN cm p ON p.customer_id = a.customer_id AND p.pm = a.pm - INTERVAL 1 MONTH
        WHERE a.lifecycle IN ('dormant', 'churned')
          AND p.lifecycle NOT IN ('dormant', 'churned')
          AND EXISTS (SELECT 1 FROM cm w WHERE w.customer_id = a.customer_id AND w.watched
                      AND w.pm >= a.pm - INTERVAL 12 MONTH AND w.pm < a.pm)""")
    entries = dict(rows(con, "SELECT lifecycle, count(*) FROM win_back GROUP BY 1"))
    assert entries.get("dormant", 0) >= least["dormant"]
    assert entries.get("churned", 0) >= least["churned"]
    lapse_after_drop = scalar(con, """SELECT count(DISTINCT w.customer_id) FROM win_back w
        JOIN flags f ON f.customer_id = w.customer_id AND f.activity_drop AND f.pm < w.pm""")
    assert lapse_after_drop >= least["lapse_drop"]


@pytest.mark.parametrize("sample", ["default", "small_year"])
def test_low_satisfaction_is_more_common_before_an_outflow(
        sample: str, request: pytest.FixtureRequest) -> None:
    """Valuable customers with a survey below 60 in force (§16), more often among those
    with a large outflow in the month or the next two."""
    con = request.getfixturevalue(f"warning_{sample}")
    low_heading, low_other, n_heading = rows(con, """
        WITH h AS (SELECT f.*, EXISTS (SELECT 1 FROM flags g WHERE g.customer_id = f.customer_id
                       AND g.large_outflow AND g.pm BETWEEN f.pm AND f.pm + INTERVAL 2 MONTH)
                   AS heading FROM flags f WHERE f.watched)
        SELECT avg((satisfaction < 60)::INT) FILTER (WHERE heading),
               avg((satisfaction < 60)::INT) FILTER (WHERE NOT heading),
               count(*) FILTER (WHERE heading) FROM h""")[0]
    assert n_heading >= 4
    assert low_heading > 2 * low_other > 0


def test_cross_sell_finds_room_in_every_watched_tier(warning_default: duckdb.DuckDBPyConnection
                                                     ) -> None:
    """§17 needs peers' holdings to differ: in every watched tier at the last period end
    some product family is held by at least half the tier's customers and not by some of
    them."""
    con = warning_default
    room = dict(rows(con, """
        WITH held AS (
            SELECT c.customer_id, c.tier, a.product_family
            FROM cm c JOIN accounts a ON a.customer_id = c.customer_id
             AND a.open_date <= c.pe AND (a.close_date IS NULL OR a.close_date > c.pe)
            WHERE c.pm = (SELECT max(pm) FROM cm) AND c.lifecycle <> 'churned'
            GROUP BY ALL),
        peers AS (SELECT tier, count(*) AS n FROM cm WHERE pm = (SELECT max(pm) FROM cm)
                  AND lifecycle <> 'churned' GROUP BY 1),
        rate AS (SELECT h.tier, h.product_family, count(*) / p.n AS rate, p.n - count(*) AS gap
                 FROM held h JOIN peers p USING (tier) GROUP BY h.tier, h.product_family, p.n)
        SELECT tier, sum(gap) FROM rate WHERE rate >= 0.5 GROUP BY 1"""))
    assert all(room.get(t, 0) > 0 for t in WATCHED), room


def test_balances_move_with_every_outflow_transaction(default_scale: Path) -> None:
    """Around every early-warning event inside the window the balance moves by exactly
    the event's customer-initiated transaction on its day and stays there for the rest
    of the month (or until the next event); a debit before a closure leaves nothing."""
    from bank_tiering.generator.accounts import generate_accounts
    from bank_tiering.generator.customers import generate_customers
    from bank_tiering.generator.episodes import plan_episodes

    start = date(2025, 1, 1)
    c = generate_customers(42, 2000, start)
    a = generate_accounts(42, c, start)
    ep = plan_episodes(42, c, a, start)
    s0 = (start - date(1970, 1, 1)).days
    inside = (ep.day > s0) & (ep.day < s0 + 365)
    assert inside.sum() >= 30
    con = connect(default_scale)
    con.execute("CREATE TABLE ev AS SELECT unnest(?::VARCHAR[]) AS account_id, "
                "unnest(?::DATE[]) AS d, unnest(?::BOOLEAN[]) AS closing",
                [a.table.column("account_id").take(ep.acc[inside]).to_pylist(),
                 [date(1970, 1, 1) + timedelta(days=int(x)) for x in ep.day[inside]],
                 (ep.f_after[inside] == 0).tolist()])
    checked = rows(con, """
        WITH b AS (SELECT account_id, balance_date, balance FROM balances
                   WHERE account_id IN (SELECT account_id FROM ev)),
        t AS (SELECT account_id, txn_ts::DATE AS d, amount, direction FROM transactions
              WHERE initiated_by = 'customer' AND account_id IN (SELECT account_id FROM ev)),
        nxt AS (SELECT ev.*, (SELECT min(e2.d) FROM ev e2 WHERE e2.account_id = ev.account_id
                              AND e2.d > ev.d) AS next_d FROM ev)
        SELECT e.account_id, e.d, e.closing,
               coalesce((SELECT balance FROM b WHERE b.account_id = e.account_id
                         AND b.balance_date = e.d - 1), 0) AS before,
               coalesce((SELECT balance FROM b WHERE b.account_id = e.account_id
                         AND b.balance_date = e.d), 0) AS after,
               (SELECT count(DISTINCT balance) FROM b WHERE b.account_id = e.account_id
                AND b.balance_date >= e.d AND b.balance_date <= last_day(e.d)
                AND b.balance_date < coalesce(e.next_d, DATE '9999-12-31')) AS levels_after,
               (SELECT list(CASE WHEN direction = 'debit' THEN -amount ELSE amount END)
                FROM t WHERE t.account_id = e.account_id AND t.d = e.d) AS moves
        FROM nxt e WHERE date_trunc('month', e.d) = date_trunc('month', e.d - 1)""")
    assert len(checked) >= 30
    for account, day, closing, before, after, levels, moves in checked:
        change = round(after - before, 2)
        assert moves and any(abs(m - change) < 0.005 for m in moves), (account, day)
        assert levels <= 1, (account, day)  # flat until the next event or the month end
        if closing:
            assert after == 0 and change < 0, (account, day)
    assert sum(change < -100_000 for *_, before, after, _l, _m in
               [(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in checked]
               for change in [after - before]) >= 5
