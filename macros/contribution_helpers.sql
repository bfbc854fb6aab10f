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

{# The first period an incremental run of a contribution model recomputes, as
   'YYYY-MM-DD', or none for a full build (first run, --full-refresh, empty table).
   It is the earlier of
   - the latest period_month already in {{ this }} (that month may have been loaded
     while still partial), and
   - var('reprocess_from_month') when set ('YYYY-MM-01'): restated inputs of earlier
     months are picked up from there on.
   Every period on or after it is recomputed; earlier ones are kept as they are. #}
{% macro contribution_incremental_start(period_column='period_month') %}
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
