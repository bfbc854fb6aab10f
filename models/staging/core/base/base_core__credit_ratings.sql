{#- Every landed credit rating, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'credit_ratings') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['customer_id', 'rating_date', 'rating'] -%}
{%- set columns = ['customer_id', 'rating', 'rating_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('customer_id') }} as customer_id,

        -- strings
        upper({{ clean_string('rating') }}) as rating,

        -- dates
        {{ typed('rating_date', 'date', landed) }} as rating_date,

        -- checks that need the raw value
        {{ is_bad_type('rating_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('customer_id is null or ' ~ clean_string('raw__rating_date') ~ ' is null', 'missing_key'),
            ('has_bad_type', 'bad_type'),
            ('rating is null or ' ~ is_unknown_code('rating', 'rating'), 'unknown_code'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['customer_id', 'rating_date'], columns) }}

select * from duplicates_flagged
