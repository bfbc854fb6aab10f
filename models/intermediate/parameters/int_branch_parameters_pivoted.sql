{#- One row per branch with every scalar parameter of seeds/parameters/scalar_parameters.csv
    as a column, branch overrides applied (METHODOLOGY.md §6). The columns follow the
    seed's parameter names, so a parameter added to the seed appears here. -#}
{#- The names are read from the seed when the model compiles (the resolved rows are a CTE:
    int_scalar_parameters_resolved is ephemeral). A name the seed has for a branch only
    becomes a column that is null for the other branches: the not-null test names it. -#}
{%- set parameter_names = [] -%}
{%- if execute -%}
{%- set names_query -%}
select distinct parameter_name from {{ ref('scalar_parameters') }} order by parameter_name
{%- endset -%}
{%- set parameter_names = run_query(names_query).columns[0].values() -%}
{%- endif -%}

with

int_scalar_parameters_resolved as (
    select * from {{ ref('int_scalar_parameters_resolved') }}
),

final as (
    select
        branch_id,
        {{ pivot_columns('parameter_name', 'parameter_value', parameter_names) }}
    from int_scalar_parameters_resolved
    group by branch_id
)

select * from final

-- the parameter names are read from the seed when the model compiles
-- depends_on: {{ ref('scalar_parameters') }}
