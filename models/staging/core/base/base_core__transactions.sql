{#- Every landed transaction row, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'transactions') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['txn_id', 'account_id', 'txn_ts', 'amount', 'direction', 'channel',
    'initiated_by'] -%}
{%- set columns = ['txn_id', 'account_id', 'direction', 'channel', 'initiated_by', 'amount',
    'is_customer_initiated', 'txn_ts', 'txn_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
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

checked as (
    select
        *,
        {{ first_failing_reason([
            ('txn_id is null or account_id is null', 'missing_key'),
            ('has_bad_type or txn_ts is null or amount is null', 'bad_type'),
            ('direction is null or ' ~ is_unknown_code('direction', 'direction')
                ~ ' or channel is null or ' ~ is_unknown_code('channel', 'channel')
                ~ ' or initiated_by is null or ' ~ is_unknown_code('initiated_by', 'initiated_by'),
                'unknown_code'),
            ('amount < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['txn_id'], columns) }}

select * from duplicates_flagged
