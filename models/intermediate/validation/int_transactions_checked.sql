{#- DuckDB: delete+insert keyed on txn_month, on_schema_change fail; Spark: insert_overwrite
    of txn_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('txn_month')) }}
{#- Every dated landed transaction row once, with its reason (METHODOLOGY.md §9, §13):
    staging's single-row reasons, then exact_duplicate / duplicate_key on txn_id among the
    rows that passed them, then orphan_reference when the account is not a validated
    account; null for a clean row. The one read of the raw transactions: their clean rows
    (int_transactions_validated), the quarantine and every test read this table instead
    of re-running the duplicate check over 10⁷–10⁸ landed rows. Incremental by the month
    of txn_ts (transactions_start_month()): a run reads the window's rows only, and the
    window reaches back to any stored month that shares a txn_id with it, so a duplicate
    across months is decided as a full build decides it. Undated rows (no month) are
    quarantined by dq_quarantine straight from staging. The landed values are kept for
    quarantined rows only. -#}
{%- set start_month = transactions_start_month() %}
{%- set raw_names = ['txn_id', 'account_id', 'txn_ts', 'amount', 'direction', 'channel', 'initiated_by'] %}
{%- set columns = ['txn_id', 'account_id', 'direction', 'channel', 'initiated_by', 'amount',
    'is_customer_initiated', 'txn_ts', 'txn_date', 'txn_month'] %}

with

base_core__transactions as {{ cte_not_materialized() }} (
    select * from {{ ref('base_core__transactions') }}
    where
        txn_ts is not null
        {%- if start_month is not none %}
        and txn_ts >= cast('{{ start_month }}' as {{ dbt.type_timestamp() }})
        {%- endif %}
),

{{ flag_duplicates('base_core__transactions', columns + prefixed('raw__', raw_names), ['txn_id'],
    columns | reject('equalto', 'txn_month') | list) }},

int_accounts_validated as (
    select
        account_id,
        customer_id
    from {{ ref('int_accounts_validated') }}
),

checked as (
    select
        duplicates_flagged.*,
        int_accounts_validated.customer_id,
        coalesce(
            duplicates_flagged.dq_reason_code,
            case when int_accounts_validated.account_id is null then 'orphan_reference' end
        ) as final_reason_code
    from duplicates_flagged
    left join int_accounts_validated
        on duplicates_flagged.account_id = int_accounts_validated.account_id
),

final as (
    select
        -- ids
        txn_id,
        account_id,
        customer_id,

        -- strings
        direction,
        channel,
        initiated_by,
        final_reason_code as dq_reason_code,

        -- numerics
        amount,

        -- booleans
        is_customer_initiated,

        -- landed values of a quarantined row
        {% for name in raw_names -%}
        case when final_reason_code is not null then cast(raw__{{ name }} as {{ dbt.type_string() }}) end
            as raw__{{ name }},
        {% endfor -%}

        -- the dbt run that checked the row (models fed by the transactions recompute the
        -- months a run rewrote: incremental_start_month(follow_transactions=true))
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as checked_in_invocation,

        -- timestamps and dates
        txn_ts,
        txn_date,
        txn_month
    from checked
)

select * from final

-- Scheduled after the one pass over the balances: the two largest hash tables of a build
-- (3·10⁶ account-months, 7·10⁶ transaction ids at 100k customers) are never held at once,
-- which keeps a build under 2 GB at two threads.
-- depends_on: {{ ref('int_balance_months_profiled') }}
