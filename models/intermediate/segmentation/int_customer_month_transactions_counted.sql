{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Customer-initiated transactions of every customer-month (METHODOLOGY.md §5, §7): in
    the period (activity sub-score), in the activity window and in the dormancy window.
    "The N days ending at period end" are the dates d with period_end − N < d ≤
    period_end (§7); a transaction's date is the date of its txn_ts. Daily counts per
    customer are joined to the customer-months by customer and date range (an equi-join
    on customer_id with a range filter, no correlated subquery). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
{#- An incremental run reads the transactions its windows reach: after the window's first
    day less the longest activity or dormancy window of any branch (§7). The date is
    computed before the query runs, so the scan of the transactions prunes by a literal. -#}
{%- set look_back_filter = '' -%}
{%- if start_month is not none -%}
{%- set look_back_filter = " and txn_date > cast('"
    ~ segmentation_transactions_read_after(start_month) ~ "' as date)" -%}
{%- endif %}
with

int_transactions_validated as (
    select
        customer_id,
        txn_date
    from {{ ref('int_transactions_validated') }}
    where is_customer_initiated{{ look_back_filter }}
),

int_customer_months_joined as (
    select
        customer_id,
        period_month,
        period_end,
        parameter_branch_id
    from {{ ref('int_customer_months_joined') }}{{ incremental_period_filter(start_month) }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        activity_window_days,
        dormant_window_days
    from {{ ref('int_branch_parameters_pivoted') }}
),

daily_transactions as (
    select
        customer_id,
        txn_date,
        count(*) as transaction_count
    from int_transactions_validated
    group by
        customer_id,
        txn_date
),

windows as (
    select
        int_customer_months_joined.customer_id,
        int_customer_months_joined.period_month,
        int_customer_months_joined.period_end,
        {{ segmentation_days_before(
            'int_branch_parameters_pivoted.activity_window_days',
            'int_customer_months_joined.period_end') }} as activity_window_after,
        {{ segmentation_days_before(
            'int_branch_parameters_pivoted.dormant_window_days',
            'int_customer_months_joined.period_end') }} as dormant_window_after
    from int_customer_months_joined
    left join int_branch_parameters_pivoted
        on int_customer_months_joined.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

windows_bounded as (
    select
        *,
        -- the earliest date any of the three counts needs, exclusive
        least(
            {{ segmentation_days_before('1', 'period_month') }},
            activity_window_after,
            dormant_window_after
        ) as lookback_after
    from windows
),

counted as (
    select
        windows_bounded.customer_id,
        windows_bounded.period_month,
        sum(
            case
                when
                    daily_transactions.txn_date >= windows_bounded.period_month
                    then daily_transactions.transaction_count
                else 0
            end
        ) as period_transactions,
        sum(
            case
                when
                    daily_transactions.txn_date > windows_bounded.activity_window_after
                    then daily_transactions.transaction_count
                else 0
            end
        ) as activity_window_transactions,
        sum(
            case
                when
                    daily_transactions.txn_date > windows_bounded.dormant_window_after
                    then daily_transactions.transaction_count
                else 0
            end
        ) as dormant_window_transactions
    from windows_bounded
    left join daily_transactions
        on windows_bounded.customer_id = daily_transactions.customer_id
            and windows_bounded.period_end >= daily_transactions.txn_date
            and windows_bounded.lookback_after < daily_transactions.txn_date
    group by
        windows_bounded.customer_id,
        windows_bounded.period_month
),

final as (
    select
        customer_id,
        period_month,
        cast(coalesce(period_transactions, 0) as integer) as period_transactions,
        cast(coalesce(activity_window_transactions, 0) as integer) as activity_window_transactions,
        cast(coalesce(dormant_window_transactions, 0) as integer) as dormant_window_transactions,
        cast(0 as decimal(38, 8)) as net_outflow
    from counted
)

select * from final
