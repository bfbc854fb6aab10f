{#- Every landed relationship manager (optional table, landed with customer_assignments;
    absent = no rows), typed and checked by its single-row rules (`dq_reason_code` null =
    clean; METHODOLOGY.md §9, §14, doc `relationship_manager_checks`): missing_key (no
    rm_id), bad_type (hire_date missing or not a date, leave_date not a date), date_order
    (leave_date on or before hire_date), then exact_duplicate / duplicate_key on rm_id. -#}
{%- set source_relation = source('core', 'relationship_managers') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['rm_id', 'rm_name', 'branch_id', 'hire_date', 'leave_date'] -%}
{%- set columns = ['rm_id', 'rm_name', 'branch_id', 'hire_date', 'leave_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('rm_id') }} as rm_id,
        {{ clean_string('branch_id') }} as branch_id,

        -- strings
        {{ clean_string('rm_name') }} as rm_name,

        -- dates
        {{ typed('hire_date', 'date', landed) }} as hire_date,
        {{ typed('leave_date', 'date', landed) }} as leave_date,

        -- checks that need the raw value
        {{ is_bad_type('hire_date', 'date', landed) }}
        or {{ is_bad_type('leave_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('rm_id is null', 'missing_key'),
            ('has_bad_type or hire_date is null', 'bad_type'),
            ('leave_date <= hire_date', 'date_order'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['rm_id'], columns) }}

select * from duplicates_flagged
