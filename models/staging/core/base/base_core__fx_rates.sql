{#- Every landed FX fixing, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'fx_rates') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['currency', 'rate_date', 'cny_per_unit'] -%}
{%- set columns = ['currency', 'cny_per_unit', 'rate_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- strings
        upper({{ clean_string('currency') }}) as currency,

        -- numerics
        {{ typed('cny_per_unit', 'double', landed) }} as cny_per_unit,

        -- dates
        {{ typed('rate_date', 'date', landed) }} as rate_date,

        -- checks that need the raw value
        {{ is_bad_type('cny_per_unit', 'double', landed) }}
        or {{ is_bad_type('rate_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('currency is null or ' ~ clean_string('raw__rate_date') ~ ' is null', 'missing_key'),
            ('has_bad_type or cny_per_unit is null', 'bad_type'),
            (is_out_of_range(['cny_per_unit'], 'max_abs_rate'), 'out_of_range'),
            ('cny_per_unit <= 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['currency', 'rate_date'], columns) }}

select * from duplicates_flagged
