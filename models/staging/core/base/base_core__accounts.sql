{#- Every landed account row, typed and checked: `dq_reason_code` is null for a clean
    row, else the first failing reason of METHODOLOGY.md §9. -#}
{%- set source_relation = source('core', 'accounts') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['account_id', 'customer_id', 'product_family', 'product_code', 'currency',
    'open_date', 'maturity_date', 'close_date', 'interest_rate', 'risk_class', 'collateral_type'] -%}
{%- set columns = ['account_id', 'customer_id', 'product_family', 'product_code', 'currency',
    'risk_class', 'collateral_type', 'interest_rate', 'open_date', 'maturity_date', 'close_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('account_id') }} as account_id,
        {{ clean_string('customer_id') }} as customer_id,

        -- strings
        {{ clean_code('product_family') }} as product_family,
        upper({{ clean_string('product_code') }}) as product_code,
        upper({{ clean_string('currency') }}) as currency,
        {{ clean_code('risk_class') }} as risk_class,
        {{ clean_code('collateral_type') }} as collateral_type,

        -- numerics
        {{ typed('interest_rate', 'double', landed) }} as interest_rate,

        -- dates
        {{ typed('open_date', 'date', landed) }} as open_date,
        {{ typed('maturity_date', 'date', landed) }} as maturity_date,
        {{ typed('close_date', 'date', landed) }} as close_date,

        -- checks that need the raw value
        {{ is_bad_type('interest_rate', 'double', landed) }}
        or {{ is_bad_type('open_date', 'date', landed) }}
        or {{ is_bad_type('maturity_date', 'date', landed) }}
        or {{ is_bad_type('close_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('account_id is null or customer_id is null', 'missing_key'),
            ('has_bad_type or open_date is null', 'bad_type'),
            (is_out_of_range(['interest_rate'], 'max_abs_rate'), 'out_of_range'),
            (is_unknown_code('product_family', 'product_family')
                ~ ' or product_family is null'
                ~ ' or ' ~ is_unknown_code('risk_class', 'risk_class')
                ~ ' or ' ~ is_unknown_code('collateral_type', 'collateral_type')
                ~ ' or currency is null', 'unknown_code'),
            ('interest_rate < 0', 'negative_amount'),
            ('maturity_date < open_date or close_date < open_date', 'date_order'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['account_id'], columns) }}

select * from duplicates_flagged
