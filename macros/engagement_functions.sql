{# The first period ('YYYY-MM-01') an incremental run of an early-warning model must read to
   recompute the periods from `start_month` on: `start_month` less the longest look-back in
   months that any branch sets in the scalar parameters `parameter_names` (e.g. the 3
   months of the activity base, the 12 of the win-back list; METHODOLOGY.md §16). Read
   before the model's query runs, so the scans prune by a literal. None on a full build. #}
{% macro engagement_read_from(start_month, parameter_names) -%}
    {%- if start_month is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(start_month) }}
    {%- endif -%}
    {%- set months_query -%}
        select cast(max(greatest({{ parameter_names | join(', ') }}, 1)) as integer)
        from {{ ref('int_branch_parameters_pivoted') }}
    {%- endset -%}
    {%- set months = run_query(months_query).columns[0].values()[0] | int -%}
    {%- set total = (start_month[0:4] | int) * 12 + (start_month[5:7] | int) - 1 - months -%}
    {{ return('%04d-%02d-01' | format(total // 12, total % 12 + 1)) }}
{%- endmacro %}

{# ` where <column> >= <first period to read>` of engagement_read_from, or nothing on a
   full build. #}
{% macro engagement_period_filter(start_month, parameter_names, column='period_month') -%}
    {%- set read_from = engagement_read_from(start_month, parameter_names) -%}
    {%- if read_from is not none %}
    where {{ column }} >= cast('{{ read_from }}' as date)
    {%- endif -%}
{%- endmacro %}

{# Points of a linear churn-risk indicator (METHODOLOGY.md §16): `points` × clamp((`ratio`) /
   `full_ratio`, 0, 1), 0 when `base` (the previous month's avg_aum the ratio divides by) is
   null or ≤ 0. #}
{% macro churn_linear_points(points, ratio, full_ratio, base) -%}
    case
        when {{ base }} > 0
            then {{ points }} * least(greatest(({{ ratio }}) / {{ full_ratio }}, 0), 1)
        else 0
    end
{%- endmacro %}
