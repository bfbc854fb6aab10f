{#- Target customers (目标客户, METHODOLOGY.md §5): potential value (x), bank fit (y) and
    quadrant, with the prospect's branch parameters (§6). A missing sales_growth_rate
    counts as no growth (growth score = its base, 50); the influence and bank-fit means
    are over the scores present (null when none, which makes that dimension low). -#}
with

stg_core__prospects as (
    select * from {{ ref('stg_core__prospects') }}
),

int_industry_value_space_resolved as (
    select * from {{ ref('int_industry_value_space_resolved') }}
),

int_branch_parameters_pivoted as (
    select * from {{ ref('int_branch_parameters_pivoted') }}
),

components as (
    select
        stg_core__prospects.prospect_id,
        stg_core__prospects.branch_id,
        stg_core__prospects.customer_type,
        stg_core__prospects.industry_code,
        stg_core__prospects.industry_section,
        coalesce(
            int_industry_value_space_resolved.value_space_score,
            int_branch_parameters_pivoted.default_industry_value_space
        ) as industry_value_space_score,
        {{ segmentation_clamp(
            'int_branch_parameters_pivoted.prospect_growth_score_base'
            ~ ' + int_branch_parameters_pivoted.prospect_growth_score_slope'
            ~ ' * coalesce(stg_core__prospects.sales_growth_rate, 0)', 0, 100) }} as growth_score,
        {{ segmentation_mean_of_present([
            'stg_core__prospects.market_influence_score',
            'stg_core__prospects.chain_influence_score']) }} as influence_score,
        {{ segmentation_mean_of_present([
            'stg_core__prospects.product_fit_score',
            'stg_core__prospects.marketing_feasibility_score',
            'stg_core__prospects.product_advantage_score',
            'stg_core__prospects.service_convenience_score']) }} as bank_fit_score,
        int_branch_parameters_pivoted.prospect_industry_weight,
        int_branch_parameters_pivoted.prospect_growth_weight,
        int_branch_parameters_pivoted.prospect_influence_weight,
        int_branch_parameters_pivoted.prospect_potential_high_min_score,
        int_branch_parameters_pivoted.prospect_fit_high_min_score
    from stg_core__prospects
    left join int_branch_parameters_pivoted
        on coalesce(stg_core__prospects.branch_id, '*') = int_branch_parameters_pivoted.branch_id
    left join int_industry_value_space_resolved
        on coalesce(stg_core__prospects.branch_id, '*') = int_industry_value_space_resolved.branch_id
            and stg_core__prospects.industry_section = int_industry_value_space_resolved.industry_section
),

scored as (
    select
        *,
        -- rounded to 4 decimals like bank_value_score, so that exactly 60 stays 60
        round(
            prospect_industry_weight * industry_value_space_score
            + prospect_growth_weight * growth_score
            + prospect_influence_weight * influence_score,
            4
        ) as potential_value_score,
        round(bank_fit_score, 4) as bank_fit_score_rounded
    from components
),

dimensions as (
    select
        *,
        coalesce(potential_value_score >= prospect_potential_high_min_score, false) as is_potential_high,
        coalesce(bank_fit_score_rounded >= prospect_fit_high_min_score, false) as is_fit_high
    from scored
),

final as (
    select
        prospect_id,
        branch_id,
        customer_type,
        industry_code,
        industry_section,
        cast(industry_value_space_score as double) as industry_value_space_score,
        cast(growth_score as double) as growth_score,
        cast(influence_score as double) as influence_score,
        cast(potential_value_score as double) as potential_value_score,
        cast(bank_fit_score_rounded as double) as bank_fit_score,
        is_potential_high,
        is_fit_high,
        case
            when is_potential_high and is_fit_high then 'gold'
            when is_potential_high then 'potential'
            when is_fit_high then 'watch'
            else 'general'
        end as value_quadrant
    from dimensions
)

select * from final
