{# Custom schema names are used as they are (staging, intermediate, marts, …) so BI
   tools find `marts.fct_customer_contribution` on every target; models without a
   custom schema land in the target schema. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
