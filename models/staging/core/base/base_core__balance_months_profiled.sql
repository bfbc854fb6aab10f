{{ config(materialized='incremental', **incremental_by_month('balance_month')) }}
{#- One row per account and month of landed balances with a usable key: rows and distinct
    days. An account-month with more rows than days holds a repeated (account_id,
    balance_date) key; base_core__balances fingerprints only those rows (METHODOLOGY.md
    §9). One aggregation to account-month grain is an order of magnitude cheaper than a
    group-by on the full key of 10⁸ rows, and incremental runs profile only new months. -#}
{%- set landed = landed_column_types(raw_relation('balances')) -%}
{%- set start_month = incremental_start_month('balance_month') -%}

with

base_core__balances_landed as (
    select * from {{ ref('base_core__balances_landed') }}
),

keyed as (
    select
        {{ clean_string('account_id') }} as account_id,
        {{ typed('balance_date', 'date', landed) }} as balance_date
    from base_core__balances_landed
),

final as (
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'balance_date') }} as date) as balance_month,
        count(*) as n_rows,
        {{ distinct_days_in_month('balance_date') }} as n_distinct_days
    from keyed
    where
        account_id is not null
        and balance_date is not null
        {%- if start_month is not none %}
        and balance_date >= cast('{{ start_month }}' as date)
        {%- endif %}
    group by
        account_id,
        cast({{ dbt.date_trunc('month', 'balance_date') }} as date)
)

select * from final
