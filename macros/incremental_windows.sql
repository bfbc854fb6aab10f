{# The first period_month an incremental model must READ to recompute the periods from
   `start_month` on ('YYYY-MM-DD' from incremental_start_month(); none = a full build,
   read everything), for the look-back its rules need (METHODOLOGY.md §5, §8, §11):
   - 'none': the window itself (a period's rows depend on that period only);
   - 'previous_month': also the month before the window (mom flows, the growth base of
     the bank-value score, the declining worklist);
   - 'year_start_base': also the December before the window's first year (ytd flows and
     the lost_since_year_start worklist compare with the December before each period's
     year; for the window's first period that is the earliest one). It is never later
     than 'previous_month'. #}
{% macro incremental_read_from(start_month, look_back='none') %}
    {%- if start_month is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set year = start_month[0:4] | int -%}
    {%- set month = start_month[5:7] | int -%}
    {%- if look_back == 'none' -%}
        {{ return(start_month) }}
    {%- elif look_back == 'previous_month' -%}
        {%- if month == 1 -%}
            {{ return('%04d-12-01' | format(year - 1)) }}
        {%- endif -%}
        {{ return('%04d-%02d-01' | format(year, month - 1)) }}
    {%- elif look_back == 'year_start_base' -%}
        {{ return('%04d-12-01' | format(year - 1)) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "incremental_read_from: look_back must be 'none', 'previous_month' or 'year_start_base', got '"
        ~ look_back ~ "'") }}
{% endmacro %}

{# ` where <column> >= <first period to read>` for the import CTE of an incremental model
   (see incremental_read_from), or nothing on a full build. #}
{% macro incremental_period_filter(start_month, column='period_month', look_back='none') -%}
    {%- set read_from = incremental_read_from(start_month, look_back) -%}
    {%- if read_from is not none %}
    where {{ column }} >= cast('{{ read_from }}' as date)
    {%- endif -%}
{%- endmacro %}
