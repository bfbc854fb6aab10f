{# The primary key of a model, seed or source: fails for every value of `column_names`
   that occurs more than once or has a null in any of its columns. One query instead of a
   `unique` and a `not_null` node per key column (each node costs a query and dbt's
   per-node overhead); dbt-project-evaluator counts it as a primary-key test (var
   primary_key_test_macros in dbt_project.yml). #}
{% test primary_key(model, column_names) %}
    select
        {{ column_names | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ column_names | join(', ') }}
    having
        count(*) > 1
        {%- for column_name in column_names %}
        or {{ column_name }} is null
        {%- endfor %}
{% endtest %}
