{# The primary key of a model, seed or source, and the other checks of its rows, in one
   query: fails for every value of `column_names` that occurs more than once or has a null
   in any of its columns, or whose rows fail a check of `not_null`, `not_null_where` or
   `accepted_values` (macro model_check_conditions: a required column is null, a code is
   not one of the accepted ones). `unique` lists further column combinations that must not
   repeat among the rows where none is null (an alternate key, dbt's unique; one more
   branch of the same query). One test node per model
   instead of a `unique`, a `not_null` and an `accepted_values` node per column: each node
   costs a query and dbt's per-node overhead (≈ 0.1 s on DuckDB, ≈ 1 s on Spark). The
   result has one row per failing key with its row count (`n_rows`) and, per check, the
   number of its rows failing it (`<column>__null`, `<column>__not_accepted`, …); a
   repeated alternate key (`unique`) shows as a row with null key columns. `not_null: '*'`
   requires every column (e.g. a pivoted table whose columns follow a seed).
   dbt-project-evaluator counts it as a primary-key test (var primary_key_test_macros in
   dbt_project.yml). With the project's `where` (__incremental_window__, macro
   get_where_subquery) a model incremental by month is checked on the months the run
   wrote.

   Converting a model's column tests (the pattern of every `_*__models.yml`):
     columns: [{name: c, data_tests: [not_null]}]      -> not_null: [c]
     accepted_values {values: [a, b]} on column c       -> accepted_values: {c: [a, b]}
     not_null_columns {column_names: [...]} + where w   -> not_null_where: [{where: w, columns: [...]}]
     a second primary_key on (x, y)                     -> unique: [[x, y]]
   and the key's own primary_key test takes them as arguments; relationships tests stay
   (they read a second model). scripts/consolidate_data_tests.py rewrites a YAML file
   this way. #}
{% test primary_key(model, column_names, not_null=[], not_null_where=[], accepted_values={}, unique=[]) %}
    {%- if not_null == '*' -%}
        {%- if model is string -%}
            {{ exceptions.raise_compiler_error("primary_key: not_null '*' reads the model's columns, "
                ~ "so it needs the whole relation (a model incremental by month is tested through a "
                ~ "window): name the columns") }}
        {%- endif -%}
        {%- set not_null = (adapter.get_columns_in_relation(model) if execute else [])
            | map(attribute='name') | reject('in', column_names) | list -%}
    {%- endif -%}
    {%- set checks = model_check_conditions(not_null, not_null_where, accepted_values) -%}
    {%- set keys = column_names | join(', ') %}
    select
        {{ keys }},
        count(*) as n_rows
        {%- for name, condition in checks %},
        sum(case when {{ condition }} then 1 else 0 end) as {{ name }}
        {%- endfor %}
    from {{ model }}
    group by {{ keys }}
    having
        count(*) > 1
        {%- for column_name in column_names %}
        or {{ column_name }} is null
        {%- endfor %}
        {%- for name, condition in checks %}
        or sum(case when {{ condition }} then 1 else 0 end) > 0
        {%- endfor %}
    {%- for alternate in unique %}

    union all

    select
        {% for column_name in column_names %}null as {{ column_name }},
        {% endfor -%}
        count(*) as n_rows
        {%- for name, condition in checks %},
        null as {{ name }}
        {%- endfor %}
    from {{ model }}
    where
        {%- for column_name in alternate %}
        {{ 'and ' if not loop.first }}{{ column_name }} is not null
        {%- endfor %}
    group by {{ alternate | join(', ') }}
    having count(*) > 1
    {%- endfor %}
{% endtest %}
