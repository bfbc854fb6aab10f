{#- One row per raw row that did not pass (INTERFACES.md §3, METHODOLOGY.md §9, §13): rows
    failing a single-row or duplicate check in staging (their landed values as text), rows
    failing a cross-table check in the validation step (their staged values), and the
    failing rows of the two large tables as their checking models name them
    (int_balances_rechecked, int_transactions_rechecked; their landed values). PII is
    masked in the record. -#}
{%- set tables = quarantine_tables() -%}

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
{{ table.rechecked }} as (
    select * from {{ ref(table.rechecked) }}
    where dq_reason_code is not null
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
        {{ record_json(table.raw, 'raw__') }} as raw_record
    from base_core__{{ table_name }}
    {%- endif %}
    {%- if table.validation is not none %}

    union all

    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key) }} as record_key,
        {{ record_json(table.staged) }} as raw_record
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
        {{ record_json(table.raw, 'raw__') }} as raw_record
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
        cast({{ dbt.current_timestamp() }} as timestamp) as detected_at
    from quarantined
)

select * from final
