{# Fails for every row with a null in any of `column_names` — or, without them, in any
   column of the model (e.g. a parameter missing for a branch in a pivoted table whose
   columns follow a seed): one query instead of one test node per column (each node costs
   a query and dbt's per-node overhead). #}
{% test not_null_columns(model, column_names=none) %}
    {%- if column_names is none -%}
        {%- set column_names = (adapter.get_columns_in_relation(model) if execute else [])
            | map(attribute='name') | list -%}
    {%- endif %}
    select *
    from {{ model }}
    where
        false
        {%- for column_name in column_names %}
        or {{ column_name }} is null
        {%- endfor %}
{% endtest %}
