{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Transaction operating cost per customer and month (METHODOLOGY.md §2): the unit cost
    of the channel for every customer-initiated transaction dated in the month (the
    date of txn_ts); bank-initiated postings cost nothing here. Summed exactly
    (contribution_exact(), §13). A table, incremental by month like the contribution: it
    aggregates 10⁷ transactions once, and a run adds its window's months only. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}

with

int_transactions_validated as (
    select
        customer_id,
        channel,
        txn_date
    from {{ ref('int_transactions_validated') }}
    where
        is_customer_initiated
        {%- if start_month is not none %}
        and txn_date >= cast('{{ start_month }}' as date)
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
        int_transactions_validated.customer_id,
        {{ contribution_month_start('int_transactions_validated.txn_date') }} as period_month,
        cast(count(*) as integer) as customer_initiated_transactions,
        coalesce(sum({{ contribution_exact('int_transaction_unit_costs_resolved.transaction_cost') }}), 0)
            as transaction_cost
    from int_transactions_validated
    inner join stg_core__customers
        on int_transactions_validated.customer_id = stg_core__customers.customer_id
    left join int_transaction_unit_costs_resolved
        on coalesce(stg_core__customers.branch_id, '*') = int_transaction_unit_costs_resolved.branch_id
            and int_transactions_validated.channel = int_transaction_unit_costs_resolved.channel
    group by
        int_transactions_validated.customer_id,
        {{ contribution_month_start('int_transactions_validated.txn_date') }}
)

select * from final
