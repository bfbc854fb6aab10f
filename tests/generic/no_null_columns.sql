{# Fails for every row with a null in any column (e.g. a parameter missing for a branch). #}
{% test no_null_columns(model) %}
    {%- set columns = adapter.get_columns_in_relation(model) if execute else [] -%}
    select *
    from {{ model }}
    where false
    {%- for column in columns %}
        or {{ column.name }} is null
    {%- endfor %}
{% endtest %}
