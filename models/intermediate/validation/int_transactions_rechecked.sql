{#- DuckDB: delete+insert keyed on txn_month, on_schema_change fail; Spark: insert_overwrite
    of txn_month partitions (macros/incremental_periods.sql). -#}
{{ config(
    materialized='incremental',
    pre_hook="{{ clear_incremental_window('txn_month', transactions_recheck_start_month()) }}",
    **incremental_by_month('txn_month')
) }}
{#- The quarantine re-read of the transactions (METHODOLOGY.md §9, §13): every failing
    dated transaction row of the months whose facts in int_transaction_days_profiled show
    one, with its reason (macro transaction_rows_checked, the same judgement as the pass)
    and its landed values for the quarantine record. It re-reads the months the pass
    rewrote in this run that hold a failing row, and nothing when none does; those months
    are cleared first (clear_incremental_window), so a month whose failing rows were
    corrected loses them. -#}
{%- set start_month = transactions_recheck_start_month() %}
{%- set months = transaction_months_to_recheck(start_month) %}
{%- set raw_names = ['txn_id', 'account_id', 'txn_ts', 'amount', 'direction', 'channel', 'initiated_by'] %}
{%- set column_types = {
    'txn_id': dbt.type_string(), 'account_id': dbt.type_string(), 'customer_id': dbt.type_string(),
    'direction': dbt.type_string(), 'channel': dbt.type_string(), 'initiated_by': dbt.type_string(),
    'amount': 'double', 'txn_ts': dbt.type_timestamp(), 'txn_date': 'date', 'txn_month': 'date',
} %}
{%- for name in raw_names %}{% do column_types.update({'raw__' ~ name: dbt.type_string()}) %}{% endfor %}

with

{% if months | length > 0 %}
transaction_rows as {{ cte_not_materialized() }} (
    {{ transaction_rows_checked(none, months) }}
),

final as (
    select
        {% for name, data_type in column_types.items() %}cast({{ name }} as {{ data_type }}) as {{ name }},
        {% endfor %}dq_reason_code
    from transaction_rows
    where dq_reason_code is not null
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

-- depends_on: {{ ref('base_core__transactions') }}
-- depends_on: {{ ref('int_accounts_validated') }}
-- depends_on: {{ ref('int_fx_rates_daily') }}
