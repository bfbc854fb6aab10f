{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The customer-month aggregate of the transactions (METHODOLOGY.md §2, §16), from the
    clean groups of the one pass over them (int_transaction_days_profiled): the operating
    cost of the customer-initiated transactions dated in the month (the date of txn_ts) —
    the unit cost of each one's channel for the customer's branch; bank-initiated postings
    cost nothing — their count, and the net outflow of the month (Σ customer-initiated
    debits − credits on deposit accounts, CNY). Summed exactly (contribution_exact(),
    §13). Incremental by month like the contribution: a run adds its window's months. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}

with

int_transaction_days_profiled as (
    select
        customer_id,
        txn_month,
        channel,
        transaction_count,
        net_outflow,
        unconverted_outflow_transactions
    from {{ ref('int_transaction_days_profiled') }}
    where
        dq_reason_code is null
        and is_customer_initiated
        {%- if start_month is not none %}
        and txn_month >= cast('{{ start_month }}' as date)
        {%- endif %}
),

stg_core__customers as (
    select
        customer_id,
        branch_id
    from {{ ref('stg_core__customers') }}
),

int_transaction_unit_costs_resolved as (
    select * from {{ ref('int_transaction_unit_costs_resolved') }}
),

final as (
    select
        int_transaction_days_profiled.customer_id,
        int_transaction_days_profiled.txn_month as period_month,
        cast(sum(int_transaction_days_profiled.transaction_count) as integer) as customer_initiated_transactions,
        -- the unit cost once per transaction: transactions × the exact unit cost, exact
        coalesce(sum({{ contribution_exact(
            contribution_exact('int_transaction_unit_costs_resolved.transaction_cost')
            ~ ' * int_transaction_days_profiled.transaction_count') }}), 0) as transaction_cost,
        sum(int_transaction_days_profiled.net_outflow) as net_outflow,
        cast(sum(int_transaction_days_profiled.unconverted_outflow_transactions) as integer)
            as unconverted_outflow_transactions
    from int_transaction_days_profiled
    inner join stg_core__customers
        on int_transaction_days_profiled.customer_id = stg_core__customers.customer_id
    left join int_transaction_unit_costs_resolved
        on coalesce(stg_core__customers.branch_id, '*') = int_transaction_unit_costs_resolved.branch_id
            and int_transaction_days_profiled.channel = int_transaction_unit_costs_resolved.channel
    group by
        int_transaction_days_profiled.customer_id,
        int_transaction_days_profiled.txn_month
)

select * from final
