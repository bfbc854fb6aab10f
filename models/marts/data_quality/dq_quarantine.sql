{{ config(**quarantine_config()) }}
{#- One row per raw row that did not pass (INTERFACES.md §3, METHODOLOGY.md §9, §13): rows
    failing a single-row or duplicate check in staging (their landed values as text), rows
    failing a cross-table check in the validation step (their staged values), and the
    failing rows of the two large tables as their checking models name them
    (int_balances_rechecked, int_transactions_rechecked; their landed values). PII is
    masked in the record. Incremental on DuckDB (macro quarantine_config): the re-reads'
    rows are kept by month (period_month) and only the months the run wrote are read
    again; every other row is rewritten in every run. -#}
{%- set tables = quarantine_tables() -%}
{%- set start_month = quarantine_start_month() -%}

with

{% for table_name, table in tables.items() %}
{% if table.get('staging_filter') != 'false' %}
base_core__{{ table_name }} as (
    select * from {{ ref('base_core__' ~ table_name) }}
    where dq_reason_code is not null and {{ table.get('staging_filter', 'true') }}
),
{% endif %}
{% if table.validation is not none %}
{{ table_name }}_cross_checked as (
    select * from ({{ table.validation }}) as validation_rows
    where dq_reason_code is not null
),
{% endif %}
{% if table.rechecked is defined %}
{#- the failing rows of the re-read, of the months this run wrote when it is incremental #}
{%- set rechecked_condition = 'dq_reason_code is not null' ~ (
    (' and ' ~ table.rechecked_month ~ " >= cast('" ~ start_month ~ "' as date)") if start_month is not none else '') %}
{{ table.rechecked }} as (
    select * from {{ ref(table.rechecked) }}
    where {{ rechecked_condition }}
),
{% endif %}
{% endfor %}

quarantined as (
    {%- for table_name, table in tables.items() %}
    {%- if table.get('staging_filter') != 'false' %}
    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key, 'raw__') }} as record_key,
        {{ record_json(table.raw, 'raw__') }} as raw_record,
        cast(null as date) as period_month
    from base_core__{{ table_name }}
    {%- endif %}
    {%- if table.validation is not none %}

    union all

    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key) }} as record_key,
        {{ record_json(table.staged) }} as raw_record,
        cast(null as date) as period_month
    from {{ table_name }}_cross_checked
    {%- endif %}
    {%- if table.rechecked is defined %}
    {%- if table.get('staging_filter') != 'false' %}

    union all
    {% endif %}

    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key, 'raw__') }} as record_key,
        {{ record_json(table.raw, 'raw__') }} as raw_record,
        {{ table.rechecked_month }} as period_month
    from {{ table.rechecked }}
    {%- endif %}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
),

final as (
    select
        source_table,
        reason_code,
        record_key,
        raw_record,
        period_month,
        cast({{ dbt.current_timestamp() }} as timestamp) as detected_at
    from quarantined
)

select * from final
