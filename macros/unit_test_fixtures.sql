{# dbt's fixture of a unit-test input given as dict rows, overridden for one case: dbt
   reads the input's column types from its relation in the warehouse, and an ephemeral
   model has none. The branch-resolved parameters (`int_<seed>_resolved`, ephemeral, doc
   `branch_overrides`) have the columns of their seed, so their fixture takes the seed's
   column types: a unit test mocks them with dict rows like any other input. Every other
   input (a relation that exists, SQL or CSV fixtures) is dbt's own fixture. #}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
    {%- set seed = resolved_parameter_seed_relation() if execute and not column_name_to_data_types else none -%}
    {%- if seed is none -%}
        {{ return(dbt.get_fixture_sql(rows, column_name_to_data_types)) }}
    {%- endif -%}
    {%- set column_types = {} -%}
    {%- for column in adapter.get_columns_in_relation(seed) -%}
        {%- do column_types.update({column.name | lower: column.data_type}) -%}
    {%- endfor -%}
    {%- set selects = [] -%}
    {%- for row in rows -%}
        {%- set formatted = format_row(row, column_types) -%}
        {%- set values = [] -%}
        {%- for name, data_type in column_types.items() -%}
            {%- do values.append(formatted.get(name, safe_cast('null', data_type)) ~ ' as ' ~ name) -%}
        {%- endfor -%}
        {%- do selects.append('select ' ~ values | join(', ')) -%}
    {%- endfor -%}
    {%- if selects | length == 0 -%}
        {%- set values = [] -%}
        {%- for name, data_type in column_types.items() -%}
            {%- do values.append(safe_cast('null', data_type) ~ ' as ' ~ name) -%}
        {%- endfor -%}
        {%- do selects.append('select ' ~ values | join(', ') ~ ' where 1 = 0') -%}
    {%- endif -%}
    {{ return(selects | join('\nunion all\n')) }}
{% endmacro %}

{# The seed relation of the unit-test input being built when it is a branch-resolved
   parameter model without a relation of its own (`int_<seed>_resolved`, ephemeral);
   none otherwise. #}
{% macro resolved_parameter_seed_relation() %}
    {%- set name = model.name -%}
    {%- if not (name.startswith('int_') and name.endswith('_resolved')) or load_relation(this) is not none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema=generate_schema_name('parameters') | trim,
        identifier=name[4:-9])) }}
{% endmacro %}
