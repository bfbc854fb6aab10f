{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- One row per account and period (a calendar month with clean balance rows) in which the
    account is open on at least one day (open_date ≤ d and (close_date is null or
    d < close_date)): the period sums of its clean daily CNY balances and of the
    balance × day-varying-rate products (METHODOLOGY.md §1–2). Read from the one pass over
    the balances (int_balance_months_profiled); the few account-months with a repeated day
    take their sums from the re-read rows of int_balances_rechecked instead, where the
    duplicates are quarantined. A day without a clean row counts as 0. Incremental like the
    profile (incremental_start_month()). -#}
{%- set start_month = incremental_start_month() %}
{%- set period_filter -%}
{%- if start_month is not none %}
    where period_month >= cast('{{ start_month }}' as date)
{%- endif %}
{%- endset %}
{%- set sum_columns = ['balance_days', 'balance_cny_sum', 'last_clean_balance_date', 'last_clean_balance_cny',
    'bucket_zero_ftp_balance_sum', 'bucket_zero_unpriced_balance_sum', 'bucket_zero_unpriced_days',
    'rated_default_probability_balance_sum', 'unrated_balance_sum'] %}

with

int_balance_months_profiled as (
    select * from {{ ref('int_balance_months_profiled') }}{{ period_filter }}
),

int_balances_rechecked as (
    select * from {{ ref('int_balances_rechecked') }}{{ period_filter }}
),

int_accounts_parameterized as (
    select
        account_id,
        customer_id,
        product_family,
        open_date,
        close_date
    from {{ ref('int_accounts_parameterized') }}
),

repeated_day_rows as (
    select int_balances_rechecked.*
    from int_balances_rechecked
    inner join int_balance_months_profiled
        on int_balances_rechecked.account_id = int_balance_months_profiled.account_id
            and int_balances_rechecked.period_month = int_balance_months_profiled.period_month
            and int_balance_months_profiled.has_repeated_days
),

repeated_day_sums as (
    select
        account_id,
        period_month,
        {{ balance_month_sums('dq_reason_code is null') }}
    from repeated_day_rows
    group by
        account_id,
        period_month
),

account_period_sums as (
    select
        account_id,
        period_month,
        {{ sum_columns | join(',\n        ') }}
    from int_balance_months_profiled
    where not has_repeated_days

    union all

    select
        account_id,
        period_month,
        {{ sum_columns | join(',\n        ') }}
    from repeated_day_sums
),

periods as (
    select distinct period_month
    from account_period_sums
    where balance_days > 0
),

period_bounds as (
    select
        period_month,
        {{ contribution_month_end('period_month') }} as period_end_date,
        {{ contribution_days_in_month('period_month') }} as days_in_period
    from periods
),

account_periods as (
    select
        int_accounts_parameterized.account_id,
        int_accounts_parameterized.customer_id,
        int_accounts_parameterized.product_family,
        period_bounds.period_month,
        period_bounds.days_in_period,
        int_accounts_parameterized.open_date <= period_bounds.period_end_date
        and (
            int_accounts_parameterized.close_date is null
            or period_bounds.period_end_date < int_accounts_parameterized.close_date
        ) as is_open_at_period_end
    from int_accounts_parameterized
    inner join period_bounds
        on greatest(int_accounts_parameterized.open_date, period_bounds.period_month) <= period_bounds.period_end_date
            and (
                int_accounts_parameterized.close_date is null
                or greatest(int_accounts_parameterized.open_date, period_bounds.period_month)
                < int_accounts_parameterized.close_date
            )
),

final as (
    select
        account_periods.account_id,
        account_periods.customer_id,
        account_periods.period_month,
        account_periods.product_family,
        account_periods.days_in_period,
        cast(coalesce(account_period_sums.balance_days, 0) as integer) as balance_days,
        coalesce(account_period_sums.balance_cny_sum, 0) as balance_cny_sum,
        {{ contribution_exact('coalesce(account_period_sums.balance_cny_sum, 0) / account_periods.days_in_period') }}
            as avg_balance_cny,
        coalesce({{ balance_month_period_end('account_period_sums') }}, 0) as period_end_balance_cny,
        account_periods.is_open_at_period_end,
        coalesce(account_period_sums.bucket_zero_ftp_balance_sum, 0) as bucket_zero_ftp_balance_sum,
        coalesce(account_period_sums.balance_cny_sum - account_period_sums.bucket_zero_unpriced_balance_sum, 0)
            as bucket_zero_priced_balance_sum,
        cast(coalesce(account_period_sums.bucket_zero_unpriced_days, 0) as integer) as bucket_zero_unpriced_days,
        coalesce(account_period_sums.rated_default_probability_balance_sum, 0)
            as rated_default_probability_balance_sum,
        coalesce(account_period_sums.unrated_balance_sum, 0) as unrated_balance_sum
    from account_periods
    left join account_period_sums
        on account_periods.account_id = account_period_sums.account_id
            and account_periods.period_month = account_period_sums.period_month
)

select * from final
