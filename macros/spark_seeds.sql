{# dbt-spark's seed loader binds values by wrapping them in quotes unescaped (session
   method): a text with an apostrophe ("tier's") breaks the INSERT and an empty cell lands
   as the text 'None'. This override of the built-in dispatch writes every value as an
   escaped SQL literal instead — null for an empty cell — so a seed reads the same on
   Spark as on DuckDB. #}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set types = [] %}
    {% for col_name in agate_table.column_names %}
        {% do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) %}
    {% endfor %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }}){{ ',' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}{% do statements.append(sql) %}{% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{# One seed cell as a Spark SQL literal: null, true/false, a number, or quoted text with
   backslashes and quotes escaped (dates and timestamps as their ISO text). #}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace('\\', '\\\\').replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
