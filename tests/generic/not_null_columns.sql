{# The row checks of a model without a primary key (e.g. every quarantined row once, exact
   duplicates included), in one query: fails for every row with a null in any of
   `column_names` — or, without them, in any column of the model (e.g. a parameter missing
   for a branch in a pivoted table whose columns follow a seed) — or failing a check of
   `not_null_where` or `accepted_values` (macro model_check_conditions). One test node per
   model instead of one per column (each node costs a query and dbt's per-node overhead).
   A model with a key takes the same arguments on its `primary_key` test instead. #}
{% test not_null_columns(model, column_names=none, not_null_where=[], accepted_values={}) %}
    {%- if column_names is none -%}
        {%- set column_names = (adapter.get_columns_in_relation(model) if execute else [])
            | map(attribute='name') | list -%}
    {%- endif -%}
    {%- set checks = model_check_conditions(column_names, not_null_where, accepted_values) %}
    select *
    from {{ model }}
    where
        false
        {%- for name, condition in checks %}
        or ({{ condition }})
        {%- endfor %}
{% endtest %}
