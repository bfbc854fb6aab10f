{#- Every landed customer row, typed and checked; PII hashed and masked here and never
    carried in clear (METHODOLOGY.md §9). `dq_reason_code` null = clean row. -#}
{%- set source_relation = source('core', 'customers') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['customer_id', 'customer_type', 'customer_name', 'id_number', 'phone',
    'birth_date', 'gender', 'occupation', 'annual_income', 'industry_code', 'emerging_tag',
    'group_id', 'annual_sales', 'total_assets', 'employee_count', 'branch_id', 'onboard_date',
    'close_date'] -%}
{%- set columns = ['customer_id', 'group_id', 'branch_id', 'customer_type',
    'customer_name_hash', 'customer_name_masked', 'id_number_hash', 'id_number_masked',
    'phone_hash', 'phone_masked', 'gender', 'occupation', 'industry_code', 'industry_section',
    'emerging_tag', 'annual_income', 'annual_sales', 'total_assets', 'employee_count',
    'birth_date', 'onboard_date', 'close_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

cleaned as (
    select
        *,
        {{ clean_string('customer_name') }} as customer_name_clean,
        upper(replace({{ clean_string('id_number') }}, ' ', '')) as id_number_clean,
        replace({{ clean_string('phone') }}, ' ', '') as phone_clean
    from source
),

renamed as (
    select
        -- ids
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('group_id') }} as group_id,
        {{ clean_string('branch_id') }} as branch_id,

        -- strings
        {{ clean_code('customer_type') }} as customer_type,
        {{ pii_hash('customer_name_clean') }} as customer_name_hash,
        {{ pii_mask('customer_name_clean', 1, 0) }} as customer_name_masked,
        {{ pii_hash('id_number_clean') }} as id_number_hash,
        {{ pii_mask('id_number_clean', 3, 4) }} as id_number_masked,
        {{ pii_hash('phone_clean') }} as phone_hash,
        {{ pii_mask('phone_clean', 3, 4) }} as phone_masked,
        upper({{ clean_string('gender') }}) as gender,
        {{ clean_code('occupation') }} as occupation,
        upper({{ clean_string('industry_code') }}) as industry_code,
        upper(substring({{ clean_string('industry_code') }}, 1, 1)) as industry_section,
        {{ clean_code('emerging_tag') }} as emerging_tag,

        -- numerics
        {{ typed('annual_income', 'double', landed) }} as annual_income,
        {{ typed('annual_sales', 'double', landed) }} as annual_sales,
        {{ typed('total_assets', 'double', landed) }} as total_assets,
        {{ typed('employee_count', 'integer', landed) }} as employee_count,

        -- dates
        {{ typed('birth_date', 'date', landed) }} as birth_date,
        {{ typed('onboard_date', 'date', landed) }} as onboard_date,
        {{ typed('close_date', 'date', landed) }} as close_date,

        -- checks that need the raw value
        {{ is_bad_type('annual_income', 'double', landed) }}
        or {{ is_bad_type('annual_sales', 'double', landed) }}
        or {{ is_bad_type('total_assets', 'double', landed) }}
        or {{ is_bad_type('employee_count', 'integer', landed) }}
        or {{ is_bad_type('birth_date', 'date', landed) }}
        or {{ is_bad_type('onboard_date', 'date', landed) }}
        or {{ is_bad_type('close_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record (PII masked)
        {{ raw_columns(raw_names, masked={
            'customer_name': pii_mask('customer_name_clean', 1, 0),
            'id_number': pii_mask('id_number_clean', 3, 4),
            'phone': pii_mask('phone_clean', 3, 4),
        }) }}
    from cleaned
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('customer_id is null', 'missing_key'),
            ('has_bad_type or onboard_date is null', 'bad_type'),
            (is_out_of_range(['annual_income', 'annual_sales', 'total_assets']), 'out_of_range'),
            ('customer_type is null or ' ~ is_unknown_code('customer_type', 'customer_type')
                ~ ' or ' ~ is_unknown_code('gender', 'gender')
                ~ ' or ' ~ is_unknown_code('occupation', 'occupation')
                ~ ' or ' ~ is_unknown_code('emerging_tag', 'emerging_tag'), 'unknown_code'),
            ('annual_income < 0 or annual_sales < 0 or total_assets < 0 or employee_count < 0',
                'negative_amount'),
            ('close_date < onboard_date or birth_date > onboard_date', 'date_order'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['customer_id'], columns) }}

select * from duplicates_flagged
