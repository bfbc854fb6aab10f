{#- Every landed end-of-day balance row, typed, with its single-row reason
    (`dq_reason_code` null = passed missing_key, bad_type, out_of_range and negative_amount;
    METHODOLOGY.md §9, §13). The large table: ephemeral, so its one reader
    (int_balance_months_profiled, per incremental window) and the quarantine re-read of the
    affected account-months (int_balances_rechecked) each scan the landing files once,
    filters on balance_date reaching the Parquet scan; no text round trip when the column
    is typed. Duplicates and cross-table reasons are decided at account-month grain by
    those two models, never by grouping 10⁸ rows by key. -#}
{%- set landed = landed_column_types(raw_relation('balances')) -%}
{%- set raw_names = ['account_id', 'balance_date', 'balance'] -%}

with

source as {{ cte_not_materialized() }} (
    select * from {{ source('core', 'balances') }}
),

renamed as {{ cte_not_materialized() }} (
    select
        -- ids
        {{ clean_string('account_id') }} as account_id,

        -- numerics
        {{ typed('balance', 'double', landed) }} as balance,

        -- dates
        {{ typed('balance_date', 'date', landed) }} as balance_date,

        -- checks that need the raw value
        {{ is_bad_type('balance', 'double', landed) }}
        or {{ is_bad_type('balance_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as {{ cte_not_materialized() }} (
    select
        account_id,
        balance,
        balance_date,
        {{ contribution_month_start('balance_date') }} as period_month,
        {{ first_failing_reason([
            ('account_id is null or balance_date is null and not has_bad_type', 'missing_key'),
            ('has_bad_type or balance is null', 'bad_type'),
            (is_out_of_range(['balance']), 'out_of_range'),
            ('balance < 0', 'negative_amount'),
        ]) }} as dq_reason_code,
        raw__account_id,
        raw__balance_date,
        raw__balance
    from renamed
)

select * from checked
