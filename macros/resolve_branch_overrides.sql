{# One row per branch and key of a parameter seed: the branch's own row where the
   seed has one, else the bank-wide `*` row (METHODOLOGY.md §6). A branch row with a
   key that has no `*` row (e.g. an extra SME prefix) is added for that branch only.
   Branches come from `int_branches_listed`, which includes `*` for entities without
   a branch. #}
{% macro resolve_branch_overrides(seed_name, key_columns, value_columns) %}
    with

    branches as (
        select branch_id from {{ ref('int_branches_listed') }}
    ),

    {{ seed_name }} as (
        select * from {{ ref(seed_name) }}
    ),

    candidates as (
        select
            branches.branch_id,
            {% for c in key_columns + value_columns %}{{ seed_name }}.{{ c }},
            {% endfor %}case when {{ seed_name }}.branch_id = '*' then 1 else 0 end as is_bank_default
        from branches
        inner join {{ seed_name }}
            on {{ seed_name }}.branch_id = branches.branch_id
            or {{ seed_name }}.branch_id = '*'
    ),

    ranked as (
        select
            *,
            row_number() over (
                partition by branch_id{% for c in key_columns %}, {{ c }}{% endfor %}
                order by is_bank_default
            ) as preference
        from candidates
    ),

    final as (
        select
            branch_id,
            {% for c in key_columns + value_columns %}{{ c }}{{ ',' if not loop.last }}
            {% endfor %}
        from ranked
        where preference = 1
    )

    select * from final
{% endmacro %}

{# One `max(case …) as <name>` column per name: a long (name, value) table turned wide. #}
{% macro pivot_columns(name_column, value_column, names) -%}
    {%- for name in names %}
        max(case when {{ name_column }} = '{{ name }}' then {{ value_column }} end) as {{ name }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
