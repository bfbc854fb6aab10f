{#- Every landed customer assignment (optional table, landed with relationship_managers;
    absent = no rows), typed and checked by its single-row rules (`dq_reason_code` null =
    clean; METHODOLOGY.md §9, §14, doc `customer_assignment_checks`): missing_key (no
    assignment_id, customer_id or rm_id), bad_type (valid_from missing or not a date,
    valid_to not a date), date_order (valid_to on or before valid_from), then
    exact_duplicate / duplicate_key on assignment_id. The rules needing a second table
    (orphan customer or RM, overlapping assignments of one customer) run in the validation
    step (int_customer_assignments_checked). -#}
{%- set source_relation = source('core', 'customer_assignments') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['assignment_id', 'customer_id', 'rm_id', 'valid_from', 'valid_to'] -%}
{%- set columns = ['assignment_id', 'customer_id', 'rm_id', 'valid_from', 'valid_to'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('assignment_id') }} as assignment_id,
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('rm_id') }} as rm_id,

        -- dates
        {{ typed('valid_from', 'date', landed) }} as valid_from,
        {{ typed('valid_to', 'date', landed) }} as valid_to,

        -- checks that need the raw value
        {{ is_bad_type('valid_from', 'date', landed) }}
        or {{ is_bad_type('valid_to', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('assignment_id is null or customer_id is null or rm_id is null', 'missing_key'),
            ('has_bad_type or valid_from is null', 'bad_type'),
            ('valid_to <= valid_from', 'date_order'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['assignment_id'], columns) }}

select * from duplicates_flagged
