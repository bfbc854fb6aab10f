"""METHODOLOGY.md §13 on typed Parquet: real IEEE NaN, +infinity, -infinity and absurd
doubles in balances, transactions and fees are quarantined with their reason, the build
passes, reconciliation balances, and the contribution is exactly what the same landing
without those rows gives (text 'NaN', 'inf', '1e300' in CSV and string Parquet are covered
by the hand-made fixture and the generated bad rows)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build

from bank_tiering.generator import generate

BAD_VALUES = {  # value -> reason
    "'NaN'::double": "bad_type",
    "'Infinity'::double": "bad_type",
    "'-Infinity'::double": "bad_type",
    "1e300": "out_of_range",
    "-2.5e13": "out_of_range",
}
SELECT = (
    "--select", "+fct_customer_contribution", "+dq_reconciliation",
    "--indirect-selection", "cautious",
)


def _append_bad_numbers(raw: Path) -> list[tuple[str, str, str]]:
    """Append one row per bad value to balances, transactions and fees, keeping the
    Parquet column types (balance and amount stay DOUBLE). Returns the quarantine rows
    expected: (table, record_key, reason)."""
    con = duckdb.connect()
    expected = []
    month = raw / "balances" / "2025-01.parquet"
    # a CNY account with a balance row on 2025-01-15: the bad rows repeat that day, and
    # the clean row must stay clean (a bad row fails before any duplicate check)
    account = con.execute(
        f"select b.account_id from read_parquet('{month}') b "
        f"join read_parquet('{raw}/accounts.parquet') a using (account_id) "
        "where a.currency = 'CNY' and b.balance_date = date '2025-01-15' "
        "order by b.account_id limit 1"
    ).fetchone()[0]
    rows = " union all ".join(
        f"select '{account}' as account_id, date '2025-01-15' as balance_date, "
        f"cast({value} as double) as balance"
        for value in BAD_VALUES
    )
    con.execute(
        f"copy (select * from read_parquet('{month}') union all {rows}) to '{month}.new' "
        "(format parquet)"
    )
    Path(f"{month}.new").replace(month)
    expected += [("balances", f"{account}|2025-01-15", reason) for reason in BAD_VALUES.values()]

    for table, key in (("transactions", "txn_id"), ("fees", "fee_id")):
        path = raw / f"{table}.parquet"
        con.execute(
            f"create or replace temp table template as select * from read_parquet('{path}') "
            + ("where currency = 'CNY' " if table == "fees" else "")
            + "limit 1"
        )
        copies = " union all ".join(
            f"select * replace ('BAD{i}' as {key}, cast({value} as double) as amount) "
            "from template"
            for i, value in enumerate(BAD_VALUES)
        )
        con.execute(
            f"copy (select * from read_parquet('{path}') union all {copies}) to '{path}.new' "
            "(format parquet)"
        )
        Path(f"{path}.new").replace(path)
        expected += [(table, f"BAD{i}", reason) for i, reason in enumerate(BAD_VALUES.values())]
    con.close()
    return sorted(expected)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build, list]:
    clean = tmp_path_factory.mktemp("non_finite_clean") / "raw"
    generate(clean, customers=150, months=2, seed=31, start_month=date(2025, 1, 1),
             progress=False)
    dirty = clean.parent.parent / f"{clean.parent.name}_dirty" / "raw"
    shutil.copytree(clean, dirty)
    expected = _append_bad_numbers(dirty)
    assert duckdb.execute(
        f"select distinct typeof(balance) from read_parquet('{dirty}/balances/2025-01.parquet')"
    ).fetchall() == [("DOUBLE",)]

    reference = Build(clean, tmp_path_factory.mktemp("non_finite_reference"))
    assert reference.dbt(
        "build", "--select", "+fct_customer_contribution",
        "--exclude", "resource_type:test", "resource_type:unit_test",
    ).success
    build = Build(dirty, tmp_path_factory.mktemp("non_finite_build"))
    result = build.dbt("build", *SELECT, "--exclude", "resource_type:unit_test")
    assert result.success, "a non-finite or absurd number failed the build"
    return reference, build, expected


def test_every_bad_number_is_quarantined_with_its_reason(builds) -> None:
    _, build, expected = builds
    got = build.query(
        "select source_table, record_key, reason_code from data_quality.dq_quarantine "
        "where source_table in ('balances', 'transactions', 'fees') order by all"
    )
    assert got == expected


def test_reconciliation_balances(builds) -> None:
    _, build, _ = builds
    rows = build.query(
        "select source_table, raw_rows, clean_rows, quarantined_rows "
        "from data_quality.dq_reconciliation"
    )
    assert {table for table, *_ in rows} == {
        "customers", "accounts", "balances", "transactions", "fees", "ftp_rates",
        "fx_rates", "credit_ratings", "relationship_surveys", "prospects", "tier_overrides",
        "relationship_managers", "customer_assignments", "contacts",
    }
    for table, raw_rows, clean_rows, quarantined_rows in rows:
        assert raw_rows == clean_rows + quarantined_rows, table


def test_contribution_ignores_the_bad_rows(builds) -> None:
    reference, build, _ = builds
    sql = "select * from marts.fct_customer_contribution order by customer_id, period_month"
    assert build.query(sql) == reference.query(sql)
