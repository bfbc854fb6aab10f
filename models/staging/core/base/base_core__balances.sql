{#- Every landed end-of-day balance row, typed and checked (`dq_reason_code` null =
    clean). The large table: no text round trip when the Parquet column is typed, and
    the duplicate checks run only for account-months base_core__balance_months_profiled
    found holding a repeated day — when there is none, the rows stream through in one
    pass. -#}
{%- set landed = landed_column_types(raw_relation('balances')) -%}
{%- set raw_names = ['account_id', 'balance_date', 'balance'] -%}
{%- set columns = ['account_id', 'balance', 'balance_date'] -%}
{%- set duplicated_months -%}
    select account_id, balance_month
    from {{ ref('base_core__balance_months_profiled') }}
    where n_rows > n_distinct_days
{%- endset -%}
{%- set has_duplicates = true -%}
{%- if execute -%}
{%- set duplicated_count = run_query('select count(*) from (' ~ duplicated_months ~ ') as d') -%}
{%- set has_duplicates = duplicated_count.columns[0].values()[0] > 0 -%}
{%- endif -%}

with

base_core__balances_landed as {{ cte_not_materialized() }} (
    select * from {{ ref('base_core__balances_landed') }}
),

renamed as {{ cte_not_materialized() }} (
    select
        -- ids
        {{ clean_string('account_id') }} as account_id,

        -- numerics
        {{ typed('balance', 'double', landed) }} as balance,

        -- dates
        {{ typed('balance_date', 'date', landed) }} as balance_date,

        -- checks that need the raw value
        {{ is_bad_type('balance', 'double', landed) }}
        or {{ is_bad_type('balance_date', 'date', landed) }} as has_bad_type,

        -- raw values for the quarantine record
        {{ raw_columns(raw_names) }}
    from base_core__balances_landed
),

checked as {{ cte_not_materialized() }} (
    select
        *,
        cast({{ dbt.date_trunc('month', 'balance_date') }} as date) as balance_month,
        {{ first_failing_reason([
            ('account_id is null or balance_date is null and not has_bad_type', 'missing_key'),
            ('has_bad_type or balance is null', 'bad_type'),
            ('balance < 0', 'negative_amount'),
        ]) }} as dq_reason_code
    from renamed
),

{% if has_duplicates %}
{{ flag_duplicates('checked', columns + prefixed('raw__', raw_names), ['account_id', 'balance_date'], columns,
    duplicated_groups=duplicated_months, group_columns=['account_id', 'balance_month']) }}
{% else %}
duplicates_flagged as (
    select
        {% for c in columns + prefixed('raw__', raw_names) %}{{ c }},
        {% endfor %}dq_reason_code
    from checked
)
{% endif %}

select * from duplicates_flagged
