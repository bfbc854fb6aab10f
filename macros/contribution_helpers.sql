{# Helpers of the contribution engine (models/intermediate/finance, models/marts/finance;
   METHODOLOGY.md §1–2). Portable: built on dbt's cross-database macros only. #}

{# First day of the calendar month of a date: the `period_month` of that day. #}
{% macro contribution_month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{# Last day of the calendar month that starts on `month_expression`. #}
{% macro contribution_month_end(month_expression) -%}
    cast({{ dbt.last_day(month_expression, 'month') }} as date)
{%- endmacro %}

{# Calendar days of the month that starts on `month_expression` (28–31). #}
{% macro contribution_days_in_month(month_expression) -%}
    cast(extract(day from {{ contribution_month_end(month_expression) }}) as integer)
{%- endmacro %}

{# The day-count basis of METHODOLOGY.md §1 (`var('day_count_basis')`): 360 or 365,
   anything else stops the run. Rendered as a double so divisions never truncate. #}
{% macro contribution_day_count_basis() -%}
    {%- set basis = var('day_count_basis') | string | trim -%}
    {%- if basis not in ['360', '365'] -%}
        {{ exceptions.raise_compiler_error(
            "var('day_count_basis') must be 360 or 365 (METHODOLOGY.md §1), got '" ~ basis ~ "'") }}
    {%- endif -%}
    cast({{ basis }} as double)
{%- endmacro %}

{# A money or money × rate value of one row as the exact type every sum of the engine adds
   up: DECIMAL(38, 8). A row-level product is computed in double precision (the same bits
   on every run: IEEE arithmetic on the same operands), a sum of DECIMAL values is exact,
   so no sum depends on the order threads add its rows in (METHODOLOGY.md §13). Amounts
   are bounded by max_abs_amount and rates by max_abs_rate (staging, `out_of_range`), so a
   balance × rate product or its monthly sum stays far inside 10^30. #}
{% macro contribution_exact(expression) -%}
    cast({{ expression }} as {{ contribution_exact_type() }})
{%- endmacro %}

{% macro contribution_exact_type() -%}
    decimal(38, 8)
{%- endmacro %}

{# A published money amount: rounded to 0.01 (half away from zero) as DECIMAL(18, 2)
   (METHODOLOGY.md §13). Comparisons with lines and medians downstream use these values. #}
{% macro contribution_money(expression, precision=18) -%}
    cast(round({{ expression }}, 2) as decimal({{ precision }}, 2))
{%- endmacro %}

{# Product families of METHODOLOGY.md §1–2: `loan`, `deposit` (demand + time), `aum`
   (deposits + investment families), `ftp` (the families the FTP curve prices) and
   `fixed_term` (matched-maturity FTP when the account has a maturity date). #}
{% macro contribution_families(family_group) %}
    {%- set deposit = ['demand_deposit', 'time_deposit'] -%}
    {%- set groups = {
        'loan': ['loan'],
        'deposit': deposit,
        'aum': deposit + ['wealth_management', 'fund', 'insurance', 'bond'],
        'ftp': deposit + ['loan'],
        'fixed_term': ['time_deposit', 'loan'],
    } -%}
    {%- if family_group not in groups -%}
        {{ exceptions.raise_compiler_error("Unknown product family group '" ~ family_group ~ "'") }}
    {%- endif -%}
    {{ return(groups[family_group]) }}
{% endmacro %}

{# `<column> in ('…', …)` for a family group of contribution_families(). #}
{% macro contribution_in_families(column_name, family_group) -%}
    {{ column_name }} in ({% for family in contribution_families(family_group) %}'{{ family }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}


{# One column per FTP product family (contribution_families('ftp')) pivoted from a long
   relation: `max(case when product_family = '<f>' then <value_column> end) as <f>_<suffix>`. #}
{% macro contribution_ftp_family_pivot(value_column, column_suffix) -%}
    {%- for family in contribution_families('ftp') %}
        max(case when product_family = '{{ family }}' then {{ value_column }} end) as {{ family }}_{{ column_suffix }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# The `<f>_<suffix>` columns of contribution_ftp_family_pivot, comma-separated. #}
{% macro contribution_ftp_family_columns(column_suffix) -%}
    {%- for family in contribution_families('ftp') -%}
        {{ family }}_{{ column_suffix }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{# The value of the pivoted column of a row's own family:
   `case <family_column> when '<f>' then <relation>.<f>_<suffix> … end`. #}
{% macro contribution_ftp_family_value(family_column, relation_name, column_suffix) -%}
    case {{ family_column }}
        {%- for family in contribution_families('ftp') %} when '{{ family }}' then {{ relation_name }}.{{ family }}_{{ column_suffix }}
        {%- endfor %} end
{%- endmacro %}
