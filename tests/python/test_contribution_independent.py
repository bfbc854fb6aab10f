"""Independent check of the contribution engine (METHODOLOGY.md §1–2).

Every component of every customer-month of ``fct_customer_contribution`` is recomputed
here from the raw landing files with plain DuckDB SQL written straight from the
methodology — day by day, with as-of lookups done the obvious (slow) way — sharing no
SQL with the dbt models, and compared within 0.01 CNY. Parameters come from the
bank-wide (`*`) rows of the parameter seeds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build

from bank_tiering.generator import generate
from bank_tiering.project import PROJECT_DIR

TOLERANCE_CNY = 0.01
COMPONENTS = (
    "days_in_period",
    "avg_loan_balance",
    "avg_deposit_balance",
    "avg_aum",
    "loan_ftp_income",
    "deposit_ftp_income",
    "fee_income",
    "capital_cost",
    "operating_cost",
    "tax_amount",
    "credit_cost",
    "contribution",
    "account_cost",
    "transaction_cost",
    "gross_loan_interest",
)
SEEDS = PROJECT_DIR / "seeds" / "parameters"


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("contribution_independent_raw")
    # Four months from March: the generator's FTP curve changes on the 15th of the third
    # month (mid-month), ratings change inside the window, FX fixings skip weekends.
    generate(raw, customers=250, months=4, seed=5, start_month=date(2025, 3, 1), progress=False)
    return raw


@pytest.fixture(scope="module", params=[360, 365], ids=["basis360", "basis365"])
def built(request: pytest.FixtureRequest, raw_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    basis = request.param
    build = Build(raw_dir, tmp_path_factory.mktemp(f"contribution_independent_{basis}"))
    result = build.dbt(
        "build",
        "--select",
        "+fct_customer_contribution",
        "--exclude",
        "resource_type:test",
        "resource_type:unit_test",
        "--vars",
        f"{{day_count_basis: {basis}}}",
    )
    assert result.success, "dbt build +fct_customer_contribution failed"
    rows = build.query(
        f"select customer_id, period_month, {', '.join(COMPONENTS)} "
        "from marts.fct_customer_contribution"
    )
    return basis, {(r[0], r[1]): dict(zip(COMPONENTS, r[2:], strict=True)) for r in rows}


def _scalar(con: duckdb.DuckDBPyConnection, name: str) -> float:
    return con.execute(
        f"select parameter_value from read_csv('{SEEDS}/scalar_parameters.csv') "
        "where branch_id = '*' and parameter_name = ?",
        [name],
    ).fetchone()[0]


def _expected(raw: Path, basis: int) -> dict[tuple[str, date], dict[str, float]]:
    con = duckdb.connect()
    con.execute(f"set threads = 2; set file_search_path = '{raw}'")
    for table in (
        "customers",
        "accounts",
        "transactions",
        "fees",
        "ftp_rates",
        "credit_ratings",
        "fx_rates",
    ):
        con.execute(f"create view {table} as select * from read_parquet('{raw}/{table}.parquet')")
    con.execute(f"create view balances as select * from read_parquet('{raw}/balances/*.parquet')")
    for seed in (
        "risk_weights",
        "probability_of_default",
        "loss_given_default",
        "account_unit_costs",
        "transaction_unit_costs",
    ):
        con.execute(
            f"create table p_{seed} as select * from read_csv('{SEEDS}/{seed}.csv', header = true) "
            "where branch_id = '*'"
        )
    capital_ratio = _scalar(con, "capital_ratio")
    cost_of_capital = _scalar(con, "cost_of_capital")
    tax_rate = _scalar(con, "tax_rate")
    # The generator assigns branches, the shipped seeds hold only `*` rows: every customer
    # uses the bank-wide parameters.
    assert (
        con.execute(
            "select count(*) from read_csv('" + str(SEEDS) + "/*.csv', union_by_name = true) "
            "where branch_id != '*'"
        ).fetchone()[0]
        == 0
    )

    con.execute("""
        -- §1: the periods are the calendar months the balances cover.
        create table periods as
        select distinct date_trunc('month', balance_date)::date as period_month
        from balances;

        create table days as
        select d::date as day, date_trunc('month', d)::date as period_month
        from periods, range(period_month, period_month + interval 1 month, interval 1 day) t(d);

        -- Open on day d: open_date <= d and (close_date is null or d < close_date).
        create table account_open_days as
        select a.account_id, a.customer_id, a.product_family, days.day, days.period_month
        from accounts a
        join days on a.open_date <= days.day and (a.close_date is null or days.day < a.close_date);

        create table account_months as
        select distinct account_id, customer_id, product_family, period_month
        from account_open_days;

        create table customer_months as
        select distinct customer_id, period_month from account_months;

        -- §1: CNY at the latest fixing on or before the day (CNY = 1).
        create table balance_days as
        select
            b.account_id, a.customer_id, a.product_family, b.balance_date,
            date_trunc('month', b.balance_date)::date as period_month,
            b.balance * case when a.currency = 'CNY' then 1 else (
                select fx.cny_per_unit from fx_rates fx
                where fx.currency = a.currency and fx.rate_date <= b.balance_date
                order by fx.rate_date desc limit 1
            ) end as b,
            a.interest_rate as customer_rate, a.open_date, a.maturity_date,
            coalesce(a.collateral_type, 'unsecured') as collateral, c.customer_type
        from balances b
        join accounts a using (account_id)
        join customers c on c.customer_id = a.customer_id
        -- only balances of account-months in which the account is open on some day
        join account_months am
            on am.account_id = b.account_id
            and am.period_month = date_trunc('month', b.balance_date)::date;
    """)

    # §2 FTP rate of each account-day.
    con.execute("""
        create table fixed_term as
        select
            account_id, product_family, open_date,
            12 * (year(maturity_date) - year(open_date)) + (month(maturity_date) - month(open_date))
                + case when day(maturity_date) > day(open_date) then 1 else 0 end as term
        from accounts
        where product_family in ('time_deposit', 'loan') and maturity_date is not null;

        create table fixed_term_rate as
        select
            f.account_id,
            (
                select r.ftp_rate from ftp_rates r
                where r.product_family = f.product_family
                  and r.effective_date = (
                      select max(effective_date) from ftp_rates
                      where product_family = f.product_family and effective_date <= f.open_date)
                order by
                    case when r.term_months >= f.term then 0 else 1 end,
                    case when r.term_months >= f.term then r.term_months
                         else -r.term_months end
                limit 1
            ) as ftp_rate
        from fixed_term f;

        create table priced_days as
        select
            bd.*,
            case
                when bd.product_family not in ('demand_deposit', 'time_deposit', 'loan') then null
                when ft.account_id is not null then ftr.ftp_rate
                else (
                    select r.ftp_rate from ftp_rates r
                    where r.product_family = bd.product_family and r.term_months = 0
                      and r.effective_date = (
                          select max(effective_date) from ftp_rates
                          where product_family = bd.product_family
                            and effective_date <= bd.balance_date)
                )
            end as ftp_rate,
            case when bd.product_family = 'loan' then coalesce(
                (
                    select pd.probability_of_default
                    from credit_ratings cr
                    join p_probability_of_default pd
                        on pd.rating = cr.rating and pd.customer_type in (bd.customer_type, '*')
                    where cr.customer_id = bd.customer_id and cr.rating_date <= bd.balance_date
                    order by cr.rating_date desc, pd.customer_type = '*'
                    limit 1
                ),
                (select probability_of_default from p_probability_of_default
                 where rating = 'unrated' and customer_type = bd.customer_type)
            ) end as pd,
            case when bd.product_family = 'loan' then coalesce(
                (select risk_weight from p_risk_weights
                 where customer_type = bd.customer_type and collateral_type = bd.collateral),
                (select risk_weight from p_risk_weights
                 where customer_type = bd.customer_type and collateral_type = '*')
            ) end as risk_weight,
            case when bd.product_family = 'loan' then (
                select loss_given_default from p_loss_given_default
                where collateral_type = bd.collateral
            ) end as lgd
        from balance_days bd
        left join fixed_term ft using (account_id)
        left join fixed_term_rate ftr using (account_id);
    """)

    rows = con.execute(f"""
        with
        daily as (
            select
                customer_id, period_month,
                sum(case when product_family = 'loan' then b else 0 end) as loan_sum,
                sum(case when product_family in ('demand_deposit', 'time_deposit')
                    then b else 0 end) as deposit_sum,
                sum(case when product_family in ('demand_deposit', 'time_deposit',
                    'wealth_management', 'fund', 'insurance', 'bond') then b else 0 end) as aum_sum,
                sum(case when product_family = 'loan' and ftp_rate is not null
                    and customer_rate is not null
                    then b * (customer_rate - ftp_rate) else 0 end) / {basis} as loan_ftp,
                sum(case when product_family in ('demand_deposit', 'time_deposit')
                    and ftp_rate is not null and customer_rate is not null
                    then b * (ftp_rate - customer_rate) else 0 end) / {basis} as deposit_ftp,
                sum(case when product_family = 'loan'
                    then b * risk_weight * {capital_ratio} * {cost_of_capital} else 0 end)
                    / {basis} as capital,
                sum(case when product_family = 'loan' then b * pd * lgd else 0 end)
                    / {basis} as credit,
                sum(case when product_family = 'loan'
                    then b * coalesce(customer_rate, 0) else 0 end) / {basis} as gross_interest
            from priced_days
            group by all
        ),
        account_cost as (
            select am.customer_id, am.period_month, sum(c.monthly_account_cost) as account_cost
            from account_months am
            join p_account_unit_costs c using (product_family)
            group by all
        ),
        transaction_cost as (
            select a.customer_id, date_trunc('month', t.txn_ts)::date as period_month,
                   sum(c.transaction_cost) as transaction_cost
            from transactions t
            join accounts a using (account_id)
            join p_transaction_unit_costs c using (channel)
            where t.initiated_by = 'customer'
            group by all
        ),
        fee_income as (
            select f.customer_id, date_trunc('month', f.fee_date)::date as period_month,
                   sum(f.amount * case when f.currency = 'CNY' then 1 else (
                       select fx.cny_per_unit from fx_rates fx
                       where fx.currency = f.currency and fx.rate_date <= f.fee_date
                       order by fx.rate_date desc limit 1) end) as fee_income
            from fees f
            group by all
        ),
        assembled as (
            select
                cm.customer_id, cm.period_month,
                day(last_day(cm.period_month)) as days_in_period,
                coalesce(d.loan_sum, 0) / day(last_day(cm.period_month)) as avg_loan_balance,
                coalesce(d.deposit_sum, 0) / day(last_day(cm.period_month)) as avg_deposit_balance,
                coalesce(d.aum_sum, 0) / day(last_day(cm.period_month)) as avg_aum,
                coalesce(d.loan_ftp, 0) as loan_ftp_income,
                coalesce(d.deposit_ftp, 0) as deposit_ftp_income,
                coalesce(fi.fee_income, 0) as fee_income,
                coalesce(d.capital, 0) as capital_cost,
                coalesce(d.credit, 0) as credit_cost,
                ac.account_cost,
                coalesce(tc.transaction_cost, 0) as transaction_cost,
                coalesce(d.gross_interest, 0) as gross_loan_interest,
                {tax_rate} * greatest(coalesce(d.gross_interest, 0)
                    + coalesce(fi.fee_income, 0), 0) as tax_amount
            from customer_months cm
            left join daily d using (customer_id, period_month)
            join account_cost ac using (customer_id, period_month)
            left join transaction_cost tc using (customer_id, period_month)
            left join fee_income fi using (customer_id, period_month)
        )
        select
            *,
            account_cost + transaction_cost + tax_amount as operating_cost,
            loan_ftp_income + deposit_ftp_income + fee_income - capital_cost
                - (account_cost + transaction_cost + tax_amount) - credit_cost as contribution
        from assembled
    """)
    names = [d[0] for d in rows.description]
    out = {}
    for row in rows.fetchall():
        record = dict(zip(names, row, strict=True))
        out[(record["customer_id"], record["period_month"])] = record
    return out


def test_every_customer_month_matches_the_methodology(built, raw_dir: Path) -> None:
    basis, got = built
    expected = _expected(raw_dir, basis)
    assert set(got) == set(expected), (
        f"customer-months only in dbt: {sorted(set(got) - set(expected))[:5]}, "
        f"only in the independent check: {sorted(set(expected) - set(got))[:5]}"
    )
    mismatches = []
    for key, exp in expected.items():
        for column in COMPONENTS:
            if abs(float(got[key][column]) - exp[column]) > TOLERANCE_CNY:
                mismatches.append((key, column, got[key][column], exp[column]))
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:10]}"


def test_the_data_exercises_the_rules(built, raw_dir: Path) -> None:
    """The generated data covers what the rules are about, so the equality above means
    something: fixed-term and floating FTP accounts, a curve change inside a month,
    foreign-currency balances on weekends, rated and unrated loan customers, rating
    changes, mid-month opens and closes."""
    con = duckdb.connect()
    acc = f"read_parquet('{raw_dir}/accounts.parquet')"
    bal = f"read_parquet('{raw_dir}/balances/*.parquet')"
    ftp = f"read_parquet('{raw_dir}/ftp_rates.parquet')"
    ratings = f"read_parquet('{raw_dir}/credit_ratings.parquet')"
    window = "between date '2025-03-01' and date '2025-06-30'"
    checks = {
        "fixed-term loans": f"select count(*) from {acc} "
        "where product_family = 'loan' and maturity_date is not null",
        "floating loans": f"select count(*) from {acc} "
        "where product_family = 'loan' and maturity_date is null",
        "mid-month curve change": f"select count(*) from {ftp} "
        f"where day(effective_date) != 1 and effective_date {window}",
        "weekend fx balances": f"select count(*) from {bal} b join {acc} a using (account_id) "
        "where a.currency != 'CNY' and dayofweek(b.balance_date) in (0, 6)",
        "rating changes in window": f"select count(*) from {ratings} where rating_date {window}",
        "mid-month closes": f"select count(*) from {acc} "
        f"where close_date {window} and day(close_date) != 1",
        "mid-month opens": f"select count(*) from {acc} "
        f"where open_date {window} and day(open_date) != 1",
    }
    for label, sql in checks.items():
        assert con.execute(sql).fetchone()[0] > 0, label
    basis, got = built
    assert any(v["credit_cost"] > 0 for v in got.values())
    assert any(v["contribution"] < 0 for v in got.values())
