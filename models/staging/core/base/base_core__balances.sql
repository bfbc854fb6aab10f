{#- Every landed end-of-day balance row, typed and checked (`dq_reason_code` null =
    clean). The large table: no text round trip when the Parquet column is typed, and
    duplicate detection is one aggregation on (account_id, balance_date). -#}
{%- set source_relation = source('core', 'balances') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['account_id', 'balance_date', 'balance'] -%}
{%- set columns = ['account_id', 'balance', 'balance_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
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

checked as (
    select
        *,
        {{ first_failing_reason([
            ('account_id is null or balance_date is null and not has_bad_type', 'missing_key'),
            ('has_bad_type or balance is null', 'bad_type'),
            ('balance < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['account_id', 'balance_date'], columns) }}

select * from duplicates_flagged
