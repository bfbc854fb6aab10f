{# Aggregate: how many distinct days of the month `date_expression` takes in a group
   (bit_count of a bit_or of one bit per day). With count(*) it finds the account-months
   holding a repeated day in one cheap account-month aggregation, instead of grouping
   10⁸ balance rows by day (the one pass over the balances, int_balance_months_profiled).
   Dispatched: the bit-shift syntax differs. #}
{% macro distinct_days_in_month(date_expression) -%}
    {{ return(adapter.dispatch('distinct_days_in_month', 'bank_tiering')(date_expression)) }}
{%- endmacro %}

{% macro default__distinct_days_in_month(date_expression) -%}
    bit_count(bit_or(shiftleft(cast(1 as bigint), extract(day from {{ date_expression }}) - 1)))
{%- endmacro %}

{% macro duckdb__distinct_days_in_month(date_expression) -%}
    bit_count(bit_or(cast(1 as bigint) << (extract(day from {{ date_expression }}) - 1)))
{%- endmacro %}
