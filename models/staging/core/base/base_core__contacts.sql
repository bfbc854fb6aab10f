{#- Every landed contact (optional table; absent = no rows), typed and checked by its
    single-row rules (`dq_reason_code` null = clean; METHODOLOGY.md §9, §18, doc
    `contact_checks`): missing_key (no contact_id or customer_id), bad_type (contact_date
    missing or not a date), unknown_code (channel missing or not a contact channel), then
    exact_duplicate / duplicate_key on contact_id. The orphan rules run in the validation
    step (int_contacts_checked). -#}
{%- set source_relation = source('core', 'contacts') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['contact_id', 'customer_id', 'rm_id', 'contact_date', 'channel'] -%}
{%- set columns = ['contact_id', 'customer_id', 'rm_id', 'contact_date', 'channel'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('contact_id') }} as contact_id,
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('rm_id') }} as rm_id,

        -- strings
        {{ clean_code('channel') }} as channel,

        -- dates
        {{ typed('contact_date', 'date', landed) }} as contact_date,

        -- checks that need the raw value
        {{ is_bad_type('contact_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('contact_id is null or customer_id is null', 'missing_key'),
            ('has_bad_type or contact_date is null', 'bad_type'),
            ('channel is null or ' ~ is_unknown_code('channel', 'contact_channel'), 'unknown_code'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['contact_id'], columns) }}

select * from duplicates_flagged
