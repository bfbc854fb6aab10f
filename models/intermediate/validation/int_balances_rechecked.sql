{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(
    materialized='incremental',
    pre_hook="{{ clear_incremental_window('period_month') }}",
    **incremental_by_month('period_month')
) }}
{#- The quarantine re-read of the balances (METHODOLOGY.md §9, §13): every landed row of
    the account-months whose profile (int_balance_months_profiled) shows a failing row or a
    repeated day, with its final reason — single-row reasons first, then exact_duplicate
    and duplicate_key among the rows that passed them, then the account's reasons
    (orphan_reference, date_order, no_fx_rate); null for a clean row. It reads only the
    months holding such account-months, joined to those account-months; when a window has
    none, it reads nothing. Incremental like the profile (incremental_start_month()); the
    window's months are cleared first (clear_incremental_window), so a month whose failing
    rows were corrected loses them. -#}
{%- set start_month = incremental_start_month() %}
{%- set months = balance_months_to_recheck(start_month) %}
{%- set column_types = {
    'account_id': dbt.type_string(), 'balance_date': 'date', 'period_month': 'date', 'balance': 'double',
    'customer_id': dbt.type_string(), 'product_family': dbt.type_string(), 'is_ftp_family': 'boolean',
    'is_loan': 'boolean', 'balance_cny': 'double', 'bucket_zero_ftp_rate': 'double',
    'rated_probability_of_default': 'double', 'raw__account_id': dbt.type_string(),
    'raw__balance_date': dbt.type_string(), 'raw__balance': dbt.type_string(),
} %}

with

{% if months | length > 0 %}
balance_rows as {{ cte_not_materialized() }} (
    {{ balance_rows_checked(start_month, months) }}
),

int_balance_months_profiled as (
    select
        account_id,
        period_month
    from {{ ref('int_balance_months_profiled') }}
    where
        needs_recheck
        and period_month in (
            {%- for month in months %}cast('{{ month }}' as date){{ ', ' if not loop.last }}{% endfor -%}
        )
),

affected_rows as (
    select
        balance_rows.*,
        balance_rows.row_reason_code as dq_reason_code
    from balance_rows
    inner join int_balance_months_profiled
        on balance_rows.account_id is not distinct from int_balance_months_profiled.account_id
            and balance_rows.period_month = int_balance_months_profiled.period_month
),

{{ flag_duplicates('affected_rows', column_types.keys() | list + ['account_reason_code'],
    ['account_id', 'balance_date'], ['account_id', 'balance_date', 'balance']) }},

final as (
    select
        {% for name, data_type in column_types.items() %}cast({{ name }} as {{ data_type }}) as {{ name }},
        {% endfor %}coalesce(dq_reason_code, account_reason_code) as dq_reason_code
    from duplicates_flagged
)
{% else %}
{#- Nothing to re-read: an empty relation of the same columns. #}
final as (
    select
        {% for name, data_type in column_types.items() %}cast(null as {{ data_type }}) as {{ name }},
        {% endfor %}cast(null as {{ dbt.type_string() }}) as dq_reason_code
    where false
)
{% endif %}

select * from final

-- depends_on: {{ ref('base_core__balances') }}
-- depends_on: {{ ref('int_accounts_validated') }}
-- depends_on: {{ ref('int_fx_rates_daily') }}
-- depends_on: {{ ref('int_ftp_rates_daily') }}
-- depends_on: {{ ref('int_credit_ratings_spanned') }}
