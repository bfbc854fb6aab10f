{# Fails for every row with a null in any of `column_names`: one query for the not-null
   columns of a model instead of one test node per column (each node costs a query and
   dbt's per-node overhead). #}
{% test not_null_columns(model, column_names) %}
    select *
    from {{ model }}
    where
        {%- for column_name in column_names %}
        {{ column_name }} is null{{ ' or' if not loop.last }}
        {%- endfor %}
{% endtest %}
