{#- Every landed manual tier override (optional table; absent = no rows), typed and
    checked by its single-row rules (`dq_reason_code` null = clean; METHODOLOGY.md §9–10,
    doc `tier_override_checks`). The rules needing a second table (orphan customer, tier
    of another market class, longer than the branch's override_max_months, overlap) run
    in the validation step (int_tier_overrides_checked). -#}
{%- set source_relation = source('core', 'tier_overrides') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['override_id', 'customer_id', 'tier_code', 'reason', 'requested_by',
    'approved_by', 'valid_from', 'valid_to'] -%}
{%- set columns = ['override_id', 'customer_id', 'tier_code', 'reason', 'requested_by',
    'approved_by', 'valid_from', 'valid_to'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('override_id') }} as override_id,
        {{ clean_string('customer_id') }} as customer_id,

        -- strings
        {{ clean_code('tier_code') }} as tier_code,
        {{ clean_string('reason') }} as reason,
        {{ clean_string('requested_by') }} as requested_by,
        {{ clean_string('approved_by') }} as approved_by,

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
            ('override_id is null or customer_id is null', 'missing_key'),
            ('has_bad_type or valid_from is null or valid_to is null', 'bad_type'),
            ('tier_code is null or ' ~ is_unknown_code('tier_code', 'tier_code'), 'unknown_code'),
            ('valid_to <= valid_from', 'date_order'),
            ('reason is null or requested_by is null or approved_by is null'
                ~ ' or lower(approved_by) = lower(requested_by)'
                ~ ' or valid_from != ' ~ contribution_month_start('valid_from')
                ~ ' or valid_to != ' ~ contribution_month_start('valid_to'), 'override_rule'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['override_id'], columns) }}

select * from duplicates_flagged
