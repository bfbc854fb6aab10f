{#- The lower line of every tier decided by a branch-level amount (METHODOLOGY.md §4, §10),
    per branch: retail tiers by avg_aum (retail_tier_thresholds), corporate and
    institution without-loan tiers by avg_deposit_balance (above_scale_min_avg_deposit);
    the lowest tier of a basis has no line (null). The large tier's line depends on the
    customer's industry section and is read per customer (large_min_annual_sales). -#}
with

int_retail_tier_thresholds_resolved as (
    select
        branch_id,
        tier_code,
        min_avg_aum
    from {{ ref('int_retail_tier_thresholds_resolved') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        above_scale_min_avg_deposit
    from {{ ref('int_branch_parameters_pivoted') }}
),

tier_families as (
    select * from {{ ref('tier_families') }}
),

lines as (
    select
        int_retail_tier_thresholds_resolved.branch_id,
        tier_families.market_class,
        tier_families.tier_code,
        tier_families.tier_basis,
        int_retail_tier_thresholds_resolved.min_avg_aum as tier_line_value
    from int_retail_tier_thresholds_resolved
    inner join tier_families
        on tier_families.tier_basis = 'avg_aum'
            and int_retail_tier_thresholds_resolved.tier_code = tier_families.tier_code

    union all

    select
        int_branch_parameters_pivoted.branch_id,
        tier_families.market_class,
        tier_families.tier_code,
        tier_families.tier_basis,
        case
            when tier_families.tier_code = 'above_scale' then int_branch_parameters_pivoted.above_scale_min_avg_deposit
        end as tier_line_value
    from int_branch_parameters_pivoted
    inner join tier_families
        on tier_families.tier_basis = 'avg_deposit_balance'
),

final as (
    select
        branch_id,
        market_class,
        tier_code,
        tier_basis,
        cast(tier_line_value as double) as tier_line_value
    from lines
)

select * from final
