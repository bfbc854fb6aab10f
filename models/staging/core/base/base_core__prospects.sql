{#- Every landed prospect, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'prospects') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set score_names = ['market_influence_score', 'chain_influence_score', 'product_fit_score',
    'marketing_feasibility_score', 'product_advantage_score', 'service_convenience_score'] -%}
{%- set raw_names = ['prospect_id', 'prospect_name', 'customer_type', 'industry_code',
    'branch_id', 'annual_sales', 'total_assets', 'sales_growth_rate'] + score_names -%}
{%- set columns = ['prospect_id', 'branch_id', 'prospect_name', 'customer_type',
    'industry_code', 'industry_section', 'annual_sales', 'total_assets', 'sales_growth_rate']
    + score_names -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('prospect_id') }} as prospect_id,
        {{ clean_string('branch_id') }} as branch_id,

        -- strings
        {{ clean_string('prospect_name') }} as prospect_name,
        {{ clean_code('customer_type') }} as customer_type,
        upper({{ clean_string('industry_code') }}) as industry_code,
        upper(substring({{ clean_string('industry_code') }}, 1, 1)) as industry_section,

        -- numerics
        {{ typed('annual_sales', 'double', landed) }} as annual_sales,
        {{ typed('total_assets', 'double', landed) }} as total_assets,
        {{ typed('sales_growth_rate', 'double', landed) }} as sales_growth_rate,
        {%- for score in score_names %}
        {{ typed(score, 'double', landed) }} as {{ score }},
        {%- endfor %}

        -- checks that need the raw value
        {{ is_bad_type('annual_sales', 'double', landed) }}
        or {{ is_bad_type('total_assets', 'double', landed) }}
        or {{ is_bad_type('sales_growth_rate', 'double', landed) }}
        {%- for score in score_names %}
        or {{ is_bad_type(score, 'double', landed) }}
        {%- endfor %} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('prospect_id is null', 'missing_key'),
            ('has_bad_type', 'bad_type'),
            (is_out_of_range(['annual_sales', 'total_assets', 'sales_growth_rate'] + score_names),
                'out_of_range'),
            ("customer_type is null or customer_type not in ('corporate', 'institution')", 'unknown_code'),
            ('annual_sales < 0 or total_assets < 0 or ' ~ (score_names | join(' < 0 or ')) ~ ' < 0',
                'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['prospect_id'], columns) }}

select * from duplicates_flagged
