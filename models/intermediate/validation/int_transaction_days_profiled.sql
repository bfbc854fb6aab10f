{#- DuckDB: delete+insert keyed on txn_month, on_schema_change fail; Spark: insert_overwrite
    of txn_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('txn_month')) }}
{#- The one pass over the transactions (METHODOLOGY.md §2, §7, §9, §13, §16): every dated
    landed transaction row of the window classified (macro transaction_rows_checked) and
    aggregated in the same query — one row per customer, day, channel and initiator of
    the clean rows with their count and net outflow, one row per month and reason of the
    failing rows (their count: the facts int_transactions_rechecked re-reads the months
    of), and one row per month with its landed rows and its smallest and largest txn_id
    (the range transactions_start_month compares a new window's ids with). No row-level
    table is written. Incremental by txn_month: the window is transactions_start_month(),
    reaching back to any stored month that shares a txn_id with it, so a duplicate across
    months is decided as a full build decides it. Undated rows (no month) are quarantined by dq_quarantine
    straight from staging. -#}
{%- set start_month = transactions_start_month() %}

with

transaction_rows as {{ cte_not_materialized() }} (
    {{ transaction_rows_checked(start_month) }}
),

keyed as {{ cte_not_materialized() }} (
    select
        txn_month,
        -- a clean row is grouped by customer, day, channel and initiator; a failing row by
        -- its month and reason only
        case when dq_reason_code is null then customer_id end as customer_id,
        case when dq_reason_code is null then txn_date end as txn_date,
        case when dq_reason_code is null then channel end as channel,
        case when dq_reason_code is null then is_customer_initiated end as is_customer_initiated,
        dq_reason_code,
        txn_id,
        case
            when dq_reason_code is null and is_outflow_relevant and direction = 'debit' then amount_cny
            when dq_reason_code is null and is_outflow_relevant and direction = 'credit' then -amount_cny
        end as outflow_cny,
        dq_reason_code is null and is_outflow_relevant and amount_cny is null as is_unconverted_outflow
    from transaction_rows
),

grouped as (
    select
        txn_month,
        customer_id,
        txn_date,
        channel,
        is_customer_initiated,
        dq_reason_code,
        cast(count(*) as integer) as transaction_count,
        coalesce(sum({{ contribution_exact('outflow_cny') }}), 0) as net_outflow,
        cast(sum(case when is_unconverted_outflow then 1 else 0 end) as integer) as unconverted_outflow_transactions
    from keyed
    group by
        txn_month,
        customer_id,
        txn_date,
        channel,
        is_customer_initiated,
        dq_reason_code
),

-- one row per month of the window: its landed dated rows and their txn_id range, from the
-- landed ids alone (two columns of the window: reading them again costs less than holding
-- the groups to join a month's range to each of them)
month_facts as (
    select
        txn_month,
        cast(count(*) as integer) as transaction_count,
        min(txn_id) as month_first_txn_id,
        max(txn_id) as month_last_txn_id
    from {{ ref('base_core__transactions') }}
    where
        txn_ts is not null
        {{- month_window_conditions('txn_ts', start_month, none, dbt.type_timestamp()) }}
    group by txn_month
),

unioned as (
    select
        -- ids
        customer_id,

        -- strings
        channel,
        dq_reason_code,
        cast(null as {{ dbt.type_string() }}) as month_first_txn_id,
        cast(null as {{ dbt.type_string() }}) as month_last_txn_id,

        -- numerics
        transaction_count,
        net_outflow,
        unconverted_outflow_transactions,

        -- booleans
        is_customer_initiated,

        -- dates
        txn_date,
        txn_month
    from grouped

    union all

    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as dq_reason_code,
        month_first_txn_id,
        month_last_txn_id,
        transaction_count,
        {{ contribution_exact('0') }} as net_outflow,
        cast(0 as integer) as unconverted_outflow_transactions,
        cast(null as boolean) as is_customer_initiated,
        cast(null as date) as txn_date,
        txn_month
    from month_facts
),

-- the dbt run that wrote the rows (models fed by the transactions recompute the months a
-- run rewrote: incremental_start_month(follow_transactions=true))
final as (
    select
        *,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as profiled_in_invocation
    from unioned
)

select * from final

-- Scheduled after the one pass over the balances: the two largest hash tables of a build
-- (3·10⁶ account-months, 7·10⁶ transaction ids at 100k customers) are never held at once,
-- which keeps a build under 2 GB at two threads.
-- depends_on: {{ ref('int_balance_months_profiled') }}
