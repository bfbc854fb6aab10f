{# The checks of one model's rows that the generic tests `primary_key` and
   `not_null_columns` run in one query (tests/generic/): each check is a name and a SQL
   condition that holds for a failing row —
   - `not_null`: a list of columns, failing where the column is null;
   - `not_null_where`: a list of {where: <condition>, columns: [...]}, failing where the
     condition holds and the column is null (a column required for some rows only);
   - `accepted_values`: {column: [values]}, failing where the column is not null and not
     one of the values (numbers unquoted, text quoted: dbt's accepted_values, nulls
     allowed).
   Returned as a list of (name, condition) pairs, in that order. The name is
   `<column>__null` or `<column>__not_accepted` (`__null_where_<n>` for the n-th
   not_null_where entry): the column of the failing rows' counts in the test's result. #}
{% macro model_check_conditions(not_null=[], not_null_where=[], accepted_values={}) %}
    {%- set checks = [] -%}
    {%- for column_name in not_null -%}
        {%- do checks.append((column_name ~ '__null', column_name ~ ' is null')) -%}
    {%- endfor -%}
    {%- for entry in not_null_where -%}
        {%- set entry_index = loop.index -%}
        {%- for column_name in entry.columns -%}
            {%- do checks.append((column_name ~ '__null_where_' ~ entry_index,
                '(' ~ entry.where ~ ') and ' ~ column_name ~ ' is null')) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for column_name, values in accepted_values.items() -%}
        {%- set literals = [] -%}
        {%- for value in values -%}
            {%- do literals.append(value if value is number else "'" ~ value ~ "'") -%}
        {%- endfor -%}
        {%- do checks.append((column_name ~ '__not_accepted', column_name ~ ' is not null and '
            ~ column_name ~ ' not in (' ~ literals | join(', ') ~ ')')) -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}
