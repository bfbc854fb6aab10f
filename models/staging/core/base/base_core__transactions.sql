{{ config(materialized='view') }}
{#- Every landed transaction row, typed, with its single-row reason (`dq_reason_code` null =
    passed missing_key, bad_type, out_of_range, unknown_code and negative_amount;
    METHODOLOGY.md §9, §13). A large table (10⁷–10⁸ rows) read per incremental window by
    the one pass over the transactions (int_transaction_days_profiled, and its re-read of
    the months with a failing row), which decides the duplicate and account reasons on the
    window's rows (macro transaction_rows_checked). A view, not ephemeral like the other base models: the duplicate check
    reads it twice, and DuckDB buffers a CTE read twice whole (1.5 GB at 7.5·10⁶ rows)
    where it streams a view. -#}
{%- set source_relation = source('core', 'transactions') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['txn_id', 'account_id', 'txn_ts', 'amount', 'direction', 'channel',
    'initiated_by'] -%}
{%- set columns = ['txn_id', 'account_id', 'direction', 'channel', 'initiated_by', 'amount',
    'is_customer_initiated', 'txn_ts', 'txn_date'] -%}

with

source as {{ cte_not_materialized() }} (
    select * from {{ source_relation }}
),

renamed as {{ cte_not_materialized() }} (
    select
        -- ids
        {{ clean_string('txn_id') }} as txn_id,
        {{ clean_string('account_id') }} as account_id,

        -- strings
        {{ clean_code('direction') }} as direction,
        {{ clean_code('channel') }} as channel,
        {{ clean_code('initiated_by') }} as initiated_by,

        -- numerics
        {{ typed('amount', 'double', landed) }} as amount,

        -- booleans
        {{ clean_code('initiated_by') }} = 'customer' as is_customer_initiated,

        -- timestamps and dates
        {{ typed('txn_ts', dbt.type_timestamp(), landed) }} as txn_ts,
        cast({{ typed('txn_ts', dbt.type_timestamp(), landed) }} as date) as txn_date,

        -- checks that need the raw value
        {{ is_bad_type('amount', 'double', landed) }}
        or {{ is_bad_type('txn_ts', dbt.type_timestamp(), landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as {{ cte_not_materialized() }} (
    select
        *,
        {{ first_failing_reason([
            ('txn_id is null or account_id is null', 'missing_key'),
            ('has_bad_type or txn_ts is null or amount is null', 'bad_type'),
            (is_out_of_range(['amount']), 'out_of_range'),
            ('direction is null or ' ~ is_unknown_code('direction', 'direction')
                ~ ' or channel is null or ' ~ is_unknown_code('channel', 'channel')
                ~ ' or initiated_by is null or ' ~ is_unknown_code('initiated_by', 'initiated_by'),
                'unknown_code'),
            ('amount < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

final as {{ cte_not_materialized() }} (
    select
        {% for c in columns + prefixed('raw__', raw_names) %}{{ c }},
        {% endfor %}{{ contribution_month_start('txn_date') }} as txn_month,
        dq_reason_code
    from checked
)

select * from final
