{#- One row per branch with every scalar parameter of seeds/parameters/scalar_parameters.csv
    as a column, branch overrides applied (METHODOLOGY.md §6). The columns follow the
    seed's parameter names, so a parameter added to the seed appears here. -#}
{%- set parameter_names = [] -%}
{%- if execute -%}
{%- set names_query -%}
select distinct parameter_name from {{ ref('int_scalar_parameters_resolved') }} order by parameter_name
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
