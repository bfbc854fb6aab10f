{# The first period an incremental run of a model incremental by month recomputes, as
   'YYYY-MM-DD', or none for a full build (first run, --full-refresh, empty table).
   It is the earlier of
   - the latest period_month already in {{ this }} (that month may have been loaded
     while still partial), and
   - var('reprocess_from_month') when set ('YYYY-MM-01'): restated inputs of earlier
     months are picked up from there on.
   Every period on or after it is recomputed; earlier ones are kept as they are. #}
{% macro incremental_start_month(period_column='period_month') %}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest_query -%}
        select cast(max({{ period_column }}) as {{ dbt.type_string() }}) from {{ this }}
    {%- endset -%}
    {%- set latest = run_query(latest_query).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = latest | string | trim -%}
    {%- set reprocess = var('reprocess_from_month', '') | string | trim -%}
    {%- if reprocess != '' -%}
        {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-01$', reprocess) -%}
            {{ exceptions.raise_compiler_error(
                "var('reprocess_from_month') must be the first day of a month, 'YYYY-MM-01', got '"
                ~ reprocess ~ "'") }}
        {%- endif -%}
        {%- if reprocess < start -%}
            {%- set start = reprocess -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(start) }}
{% endmacro %}

{# DuckDB inlines a CTE marked `not materialized` into every reference instead of buffering
   its whole result; on 10⁸-row inputs that is the difference between streaming and
   holding gigabytes. Other engines inline CTEs anyway. #}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'bank_tiering')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{# Config of a fact incremental by month, per engine: DuckDB deletes and re-inserts the
   recomputed months (`unique_key` = the month column: one column, see
   ../shared/notes/ENVIRONMENT.md); Spark overwrites the month partitions (Parquet tables
   have no merge). Use as `config(materialized='incremental', **incremental_by_month('m'))`. #}
{% macro incremental_by_month(month_column) %}
    {% if target.type == 'spark' %}
        {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [month_column],
                   'file_format': 'parquet', 'on_schema_change': 'fail'}) }}
    {% else %}
        {{ return({'incremental_strategy': 'delete+insert', 'unique_key': month_column,
                   'on_schema_change': 'fail'}) }}
    {% endif %}
{% endmacro %}
