{#- The select list `cast(<name> as <type>) as <name>, …` of a mapping column → type, in
    its order; with `nulls=true` every value is null: the columns of an empty relation of
    the same shape (`select … where false`), as a model that has nothing to read writes
    them. -#}
{% macro typed_columns(column_types, nulls=false) -%}
    {%- for name, data_type in column_types.items() -%}
        cast({{ 'null' if nulls else name }} as {{ data_type }}) as {{ name }}{{ ',\n        ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
