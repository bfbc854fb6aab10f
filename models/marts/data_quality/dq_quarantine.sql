{#- One row per raw row that did not pass (INTERFACES.md §3, METHODOLOGY.md §9): rows
    failing a single-row or duplicate check in staging (their landed values as text) and
    rows failing a cross-table check in the validation step (their staged values). PII
    is masked in the record. -#}
{%- set tables = quarantine_tables() -%}

with

{% for table_name, table in tables.items() %}
base_core__{{ table_name }} as (
    select * from {{ ref('base_core__' ~ table_name) }}
    where dq_reason_code is not null
),
{% if table.validation is not none %}
{{ table_name }}_cross_checked as (
    select * from ({{ table.validation }}) as validation_rows
    where dq_reason_code is not null
),
{% endif %}
{% endfor %}

quarantined as (
    {%- for table_name, table in tables.items() %}
    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key, 'raw__') }} as record_key,
        {{ record_json(table.raw, 'raw__') }} as raw_record
    from base_core__{{ table_name }}
    {%- if table.validation is not none %}

    union all

    select
        '{{ table_name }}' as source_table,
        dq_reason_code as reason_code,
        {{ record_key(table.key) }} as record_key,
        {{ record_json(table.staged) }} as raw_record
    from {{ table_name }}_cross_checked
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
