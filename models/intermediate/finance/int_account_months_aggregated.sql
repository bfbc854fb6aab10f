{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- One row per account and period (a calendar month covered by the balances) in which
    the account is open on at least one day (open_date ≤ d and (close_date is null or
    d < close_date)): the period sums of its daily CNY balances and of the
    balance × day-varying-rate products (METHODOLOGY.md §1–2). The one model that
    reads the large balances, aggregating them as early as the method allows; an
    incremental run scans only the periods from incremental_start_month() on
    (the filter reaches the balances scan). A day without a balance row counts as 0;
    balance rows in a period in which the account is never open are not counted. -#}
{%- set start_month = incremental_start_month() %}

with

int_account_days_rated as (
    select * from {{ ref('int_account_days_rated') }}
    {%- if start_month is not none %}
    where balance_date >= cast('{{ start_month }}' as date)
    {%- endif %}
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

account_period_sums as (
    select
        account_id,
        period_month,
        count(*) as balance_days,
        sum(balance_cny) as balance_cny_sum,
        sum(case when balance_date = {{ contribution_month_end('period_month') }} then balance_cny end)
            as period_end_balance_cny,
        sum(balance_cny * bucket_zero_ftp_rate) as bucket_zero_ftp_balance_sum,
        sum(case when bucket_zero_ftp_rate is not null then balance_cny end) as bucket_zero_priced_balance_sum,
        sum(
            case
                when {{ contribution_in_families('product_family', 'ftp') }} and bucket_zero_ftp_rate is null then 1
                else 0
            end
        ) as bucket_zero_unpriced_days,
        sum(balance_cny * rated_probability_of_default) as rated_default_probability_balance_sum,
        sum(
            case
                when {{ contribution_in_families('product_family', 'loan') }} and rated_probability_of_default is null
                    then balance_cny
            end
        ) as unrated_balance_sum
    from int_account_days_rated
    group by
        account_id,
        period_month
),

periods as (
    select distinct period_month
    from account_period_sums
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
        coalesce(account_period_sums.balance_cny_sum, 0) / account_periods.days_in_period as avg_balance_cny,
        coalesce(account_period_sums.period_end_balance_cny, 0) as period_end_balance_cny,
        account_periods.is_open_at_period_end,
        coalesce(account_period_sums.bucket_zero_ftp_balance_sum, 0) as bucket_zero_ftp_balance_sum,
        coalesce(account_period_sums.bucket_zero_priced_balance_sum, 0) as bucket_zero_priced_balance_sum,
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
