{# First month (a date literal) an incremental model recomputes: the latest month already
   in the target (it may have been loaded partially) and every later one, or
   var('reprocess_from_month') when that is earlier. Resolved when the model runs, so the
   bound is a literal the scan can prune files and row groups with. #}
{% macro incremental_months_start(period_column) -%}
    {%- set reprocess_from = var('reprocess_from_month', '') | string | trim -%}
    {%- set latest = none -%}
    {%- if execute -%}
        {%- set result = run_query('select max(' ~ period_column ~ ') from ' ~ this) -%}
        {%- set latest = result.columns[0].values()[0] -%}
    {%- endif -%}
    {%- set candidates = [] -%}
    {%- if latest is not none %}{% do candidates.append(latest | string) %}{% endif -%}
    {%- if reprocess_from != '' %}{% do candidates.append(reprocess_from) %}{% endif -%}
    {%- set start = (candidates | min) if candidates | length > 0 else '1900-01-01' -%}
    cast('{{ start[:10] }}' as date)
{%- endmacro %}

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
