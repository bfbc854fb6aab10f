{#- Every landed fee row, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'fees') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['fee_id', 'customer_id', 'account_id', 'fee_date', 'fee_type', 'amount',
    'currency'] -%}
{%- set columns = ['fee_id', 'customer_id', 'account_id', 'fee_type', 'currency', 'amount',
    'fee_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('fee_id') }} as fee_id,
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('account_id') }} as account_id,

        -- strings
        {{ clean_code('fee_type') }} as fee_type,
        upper({{ clean_string('currency') }}) as currency,

        -- numerics
        {{ typed('amount', 'double', landed) }} as amount,

        -- dates
        {{ typed('fee_date', 'date', landed) }} as fee_date,

        -- checks that need the raw value
        {{ is_bad_type('amount', 'double', landed) }}
        or {{ is_bad_type('fee_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('fee_id is null or customer_id is null', 'missing_key'),
            ('has_bad_type or fee_date is null or amount is null', 'bad_type'),
            (is_out_of_range(['amount']), 'out_of_range'),
            ('fee_type is null or ' ~ is_unknown_code('fee_type', 'fee_type')
                ~ ' or currency is null', 'unknown_code'),
            ('amount < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['fee_id'], columns) }}

select * from duplicates_flagged
