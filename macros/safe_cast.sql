{# dbt's default `safe_cast` is a plain cast, which aborts on the first unparseable
   value. These overrides of the built-in dispatch make `dbt.safe_cast` return null
   instead, so a bad value becomes a `bad_type` quarantine row (METHODOLOGY.md §9). #}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
