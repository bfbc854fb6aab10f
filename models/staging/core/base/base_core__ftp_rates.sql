{#- Every landed FTP curve point, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'ftp_rates') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['product_family', 'term_months', 'effective_date', 'ftp_rate'] -%}
{%- set columns = ['product_family', 'term_months', 'ftp_rate', 'effective_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- strings
        {{ clean_code('product_family') }} as product_family,

        -- numerics
        {{ typed('term_months', 'integer', landed) }} as term_months,
        {{ typed('ftp_rate', 'double', landed) }} as ftp_rate,

        -- dates
        {{ typed('effective_date', 'date', landed) }} as effective_date,

        -- checks that need the raw value
        {{ is_bad_type('term_months', 'integer', landed) }}
        or {{ is_bad_type('ftp_rate', 'double', landed) }}
        or {{ is_bad_type('effective_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('product_family is null or ' ~ clean_string('raw__term_months') ~ ' is null or '
                ~ clean_string('raw__effective_date') ~ ' is null', 'missing_key'),
            ('has_bad_type or ftp_rate is null', 'bad_type'),
            (is_out_of_range(['ftp_rate'], 'max_abs_rate'), 'out_of_range'),
            (is_unknown_code('product_family', 'ftp_product_family'), 'unknown_code'),
            ('term_months < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names),
    ['product_family', 'term_months', 'effective_date'], columns) }}

select * from duplicates_flagged
