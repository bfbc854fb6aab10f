-- The contribution of METHODOLOGY.md §1–2 as one hand-written DuckDB script: the yardstick
-- `make benchmark` times the dbt build against (scripts/benchmark_contribution.py).
--
-- Written straight from the methodology, sharing no SQL with the dbt models. It assumes
-- clean landed data (no quarantine: the benchmark's generated sample has no bad rows) and
-- the bank-wide (`*`) parameter rows. Placeholders replaced by the runner:
--   {raw}   the landing folder (balances as balances/*.parquet partitions)
--   {seeds} the project's seeds/parameters folder
--   {basis} the day-count basis (360 or 365)
-- The result is the table `contribution` (one row per customer and month with an
-- account open on at least one day).

-- Parameters ------------------------------------------------------------------------------
create temp table scalar_parameter as
select parameter_name, parameter_value
from read_csv('{seeds}/scalar_parameters.csv', header = true)
where branch_id = '*';

create temp table pd_parameter as
select rating, customer_type, probability_of_default
from read_csv('{seeds}/probability_of_default.csv', header = true)
where branch_id = '*';

-- Accounts with the owner's type and every account-level rate of §2 -------------------------
create temp table account as
with
a as (
    select
        acc.account_id, acc.customer_id, acc.product_family, acc.currency, acc.open_date,
        acc.maturity_date, acc.close_date, acc.interest_rate, cus.customer_type,
        coalesce(acc.collateral_type, 'unsecured') as collateral
    from read_parquet('{raw}/accounts.parquet') acc
    join read_parquet('{raw}/customers.parquet') cus using (customer_id)
),
curve as (
    select product_family, effective_date,
        lead(effective_date) over (partition by product_family order by effective_date) as next_date
    from (select distinct product_family, effective_date from read_parquet('{raw}/ftp_rates.parquet'))
),
fixed as (
    -- matched maturity: the curve in force on open_date, smallest bucket >= term, else largest
    select a.account_id, curve.product_family, curve.effective_date,
        12 * (year(a.maturity_date) - year(a.open_date)) + month(a.maturity_date) - month(a.open_date)
            + (day(a.maturity_date) > day(a.open_date))::int as term
    from a
    join curve on curve.product_family = a.product_family
        and a.open_date >= curve.effective_date
        and (curve.next_date is null or a.open_date < curve.next_date)
    where a.product_family in ('time_deposit', 'loan') and a.maturity_date is not null
),
matched as (
    select fixed.account_id,
        arg_min(f.ftp_rate, case when f.term_months >= fixed.term then f.term_months
                                 else 1e9 - f.term_months end) as matched_rate
    from fixed
    join read_parquet('{raw}/ftp_rates.parquet') f
        on f.product_family = fixed.product_family and f.effective_date = fixed.effective_date
    group by fixed.account_id
)
select
    a.*,
    a.product_family in ('time_deposit', 'loan') and a.maturity_date is not null as fixed_term,
    matched.matched_rate,
    case when a.product_family = 'loan' then coalesce(
        (select risk_weight from read_csv('{seeds}/risk_weights.csv', header = true) w
         where w.branch_id = '*' and w.customer_type = a.customer_type and w.collateral_type = a.collateral),
        (select risk_weight from read_csv('{seeds}/risk_weights.csv', header = true) w
         where w.branch_id = '*' and w.customer_type = a.customer_type and w.collateral_type = '*')
    ) end as risk_weight,
    case when a.product_family = 'loan' then (
        select loss_given_default from read_csv('{seeds}/loss_given_default.csv', header = true) l
        where l.branch_id = '*' and l.collateral_type = a.collateral
    ) end as lgd,
    (select probability_of_default from pd_parameter p
     where p.rating = 'unrated' and p.customer_type = a.customer_type) as unrated_pd,
    (select monthly_account_cost from read_csv('{seeds}/account_unit_costs.csv', header = true) u
     where u.branch_id = '*' and u.product_family = a.product_family) as account_cost
from a
left join matched using (account_id);

-- Day tables: the FX fixing and the bucket-0 FTP rate in force on every day ----------------
create temp table span as
select min(balance_date) as first_day, max(balance_date) as last_day
from read_parquet('{raw}/balances/*.parquet');

create temp table fx_day as
select f.currency, d::date as day, f.cny_per_unit
from (
    select currency, rate_date, cny_per_unit,
        lead(rate_date) over (partition by currency order by rate_date) as next_date
    from read_parquet('{raw}/fx_rates.parquet')
) f, span,
    range(f.rate_date, coalesce(f.next_date, span.last_day + 1), interval 1 day) t(d);

create temp table ftp_day as
select c.product_family, d::date as day, z.ftp_rate
from (
    select product_family, effective_date,
        lead(effective_date) over (partition by product_family order by effective_date) as next_date
    from (select distinct product_family, effective_date from read_parquet('{raw}/ftp_rates.parquet'))
) c
left join read_parquet('{raw}/ftp_rates.parquet') z
    on z.product_family = c.product_family and z.effective_date = c.effective_date and z.term_months = 0,
    span,
    range(c.effective_date, coalesce(c.next_date, span.last_day + 1), interval 1 day) t(d);

create temp table rating_span as
select r.customer_id, r.rating_date as valid_from,
    lead(r.rating_date) over (partition by r.customer_id order by r.rating_date) as valid_to,
    coalesce(
        (select probability_of_default from pd_parameter p
         where p.rating = r.rating and p.customer_type = c.customer_type),
        (select probability_of_default from pd_parameter p
         where p.rating = r.rating and p.customer_type = '*')
    ) as pd
from read_parquet('{raw}/credit_ratings.parquet') r
join read_parquet('{raw}/customers.parquet') c using (customer_id);

-- One pass over the balances: account-month sums of the day-varying quantities -------------
create temp table account_month_sum as
select
    b.account_id,
    date_trunc('month', b.balance_date)::date as period_month,
    sum(b.balance * coalesce(fx.cny_per_unit, 1)) as b_sum,
    sum(case when ftp.ftp_rate is not null then b.balance * coalesce(fx.cny_per_unit, 1) end) as b_priced_sum,
    sum(b.balance * coalesce(fx.cny_per_unit, 1) * ftp.ftp_rate) as b_ftp_sum,
    sum(case when a.product_family = 'loan' then b.balance * coalesce(fx.cny_per_unit, 1)
        * coalesce(r.pd, a.unrated_pd) end) as b_pd_sum
from read_parquet('{raw}/balances/*.parquet') b
join account a using (account_id)
left join fx_day fx on fx.currency = a.currency and fx.day = b.balance_date
left join ftp_day ftp on ftp.product_family = a.product_family and ftp.day = b.balance_date
left join rating_span r
    on a.product_family = 'loan' and r.customer_id = a.customer_id
    and b.balance_date >= r.valid_from and (r.valid_to is null or b.balance_date < r.valid_to)
where b.balance_date >= a.open_date and (a.close_date is null or b.balance_date < a.close_date)
group by all;

-- Account-months in which the account is open on at least one day -------------------------
create temp table account_month as
with months as (
    select distinct date_trunc('month', d)::date as period_month
    from span, range(span.first_day, span.last_day + 1, interval 1 day) t(d)
)
select
    a.*, months.period_month,
    coalesce(s.b_sum, 0) as b_sum,
    -- (customer rate − FTP rate) × b over the days with both rates
    case
        when a.product_family not in ('demand_deposit', 'time_deposit', 'loan') or a.interest_rate is null then 0
        when a.fixed_term then coalesce((a.interest_rate - a.matched_rate) * s.b_sum, 0)
        else coalesce(a.interest_rate * s.b_priced_sum - s.b_ftp_sum, 0)
    end as spread_sum,
    coalesce(s.b_pd_sum, 0) as pd_sum
from account a
join months
    on a.open_date <= last_day(months.period_month)
    and (a.close_date is null or a.close_date > greatest(a.open_date, months.period_month))
left join account_month_sum s on s.account_id = a.account_id and s.period_month = months.period_month;

-- Customer-months -------------------------------------------------------------------------
create or replace table contribution as
with
balances as (
    select
        customer_id, period_month,
        day(last_day(period_month)) as days_in_period,
        sum(case when product_family = 'loan' then b_sum else 0 end) as loan_sum,
        sum(case when product_family in ('demand_deposit', 'time_deposit') then b_sum else 0 end) as deposit_sum,
        sum(case when product_family <> 'loan' then b_sum else 0 end) as aum_sum,
        sum(case when product_family = 'loan' then spread_sum else 0 end) / {basis} as loan_ftp,
        -sum(case when product_family in ('demand_deposit', 'time_deposit') then spread_sum else 0 end) / {basis}
            as deposit_ftp,
        sum(case when product_family = 'loan' then b_sum * risk_weight else 0 end)
            * (select parameter_value from scalar_parameter where parameter_name = 'capital_ratio')
            * (select parameter_value from scalar_parameter where parameter_name = 'cost_of_capital')
            / {basis} as capital,
        sum(case when product_family = 'loan' then pd_sum * lgd else 0 end) / {basis} as credit,
        sum(case when product_family = 'loan' then b_sum * coalesce(interest_rate, 0) else 0 end) / {basis}
            as gross_interest,
        sum(account_cost) as account_cost
    from account_month
    group by all
),
fees as (
    select f.customer_id, date_trunc('month', f.fee_date)::date as period_month,
        sum(f.amount * coalesce(fx.cny_per_unit, 1)) as fee_income
    from read_parquet('{raw}/fees.parquet') f
    left join fx_day fx on fx.currency = f.currency and fx.day = f.fee_date
    group by all
),
transactions as (
    select a.customer_id, date_trunc('month', t.txn_ts)::date as period_month,
        sum(u.transaction_cost) as transaction_cost
    from read_parquet('{raw}/transactions.parquet') t
    join account a using (account_id)
    join read_csv('{seeds}/transaction_unit_costs.csv', header = true) u
        on u.branch_id = '*' and u.channel = t.channel
    where t.initiated_by = 'customer'
    group by all
),
assembled as (
    select
        b.customer_id, b.period_month, b.days_in_period,
        b.loan_sum / b.days_in_period as avg_loan_balance,
        b.deposit_sum / b.days_in_period as avg_deposit_balance,
        b.aum_sum / b.days_in_period as avg_aum,
        b.loan_ftp as loan_ftp_income,
        b.deposit_ftp as deposit_ftp_income,
        coalesce(f.fee_income, 0) as fee_income,
        b.capital as capital_cost,
        b.credit as credit_cost,
        b.account_cost,
        coalesce(t.transaction_cost, 0) as transaction_cost,
        (select parameter_value from scalar_parameter where parameter_name = 'tax_rate')
            * greatest(b.gross_interest + coalesce(f.fee_income, 0), 0) as tax_amount
    from balances b
    left join fees f using (customer_id, period_month)
    left join transactions t using (customer_id, period_month)
)
select
    customer_id, period_month, days_in_period, avg_loan_balance, avg_deposit_balance, avg_aum,
    loan_ftp_income, deposit_ftp_income, fee_income, capital_cost,
    account_cost + transaction_cost + tax_amount as operating_cost,
    tax_amount, credit_cost,
    loan_ftp_income + deposit_ftp_income + fee_income - capital_cost
        - (account_cost + transaction_cost + tax_amount) - credit_cost as contribution
from assembled;
