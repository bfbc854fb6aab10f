{#- Every landed relationship survey, typed and checked (`dq_reason_code` null = clean). -#}
{%- set source_relation = source('core', 'relationship_surveys') -%}
{%- set landed = landed_column_types(source_relation) -%}
{%- set raw_names = ['customer_id', 'survey_date', 'satisfaction_score',
    'has_cooperation_agreement', 'executive_is_vip', 'wallet_share'] -%}
{%- set columns = ['customer_id', 'satisfaction_score', 'wallet_share',
    'has_cooperation_agreement', 'is_executive_vip', 'survey_date'] -%}

with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        -- ids
        {{ clean_string('customer_id') }} as customer_id,

        -- numerics
        {{ typed('satisfaction_score', 'double', landed) }} as satisfaction_score,
        {{ typed('wallet_share', 'double', landed) }} as wallet_share,

        -- booleans
        {{ typed('has_cooperation_agreement', 'boolean', landed) }} as has_cooperation_agreement,
        {{ typed('executive_is_vip', 'boolean', landed) }} as is_executive_vip,

        -- dates
        {{ typed('survey_date', 'date', landed) }} as survey_date,

        -- checks that need the raw value
        {{ is_bad_type('satisfaction_score', 'double', landed) }}
        or {{ is_bad_type('wallet_share', 'double', landed) }}
        or {{ is_bad_type('has_cooperation_agreement', 'boolean', landed) }}
        or {{ is_bad_type('executive_is_vip', 'boolean', landed) }}
        or {{ is_bad_type('survey_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from source
),

checked as (
    select
        *,
        {{ first_failing_reason([
            ('customer_id is null or ' ~ clean_string('raw__survey_date') ~ ' is null', 'missing_key'),
            ('has_bad_type', 'bad_type'),
            (is_out_of_range(['satisfaction_score', 'wallet_share']), 'out_of_range'),
            ('satisfaction_score < 0 or wallet_share < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['customer_id', 'survey_date'], columns) }}

select * from duplicates_flagged
