{#- One row per prospect (目标客户, METHODOLOGY.md §5): potential value (x), bank fit (y)
    and quadrant as of the latest period of the marts; lifecycle_stage is `potential`
    (潜在客户, §7). as_of_month is null only when no period is loaded. -#}
with

int_prospects_scored as (
    select * from {{ ref('int_prospects_scored') }}
),

fct_customer_contribution as (
    select period_month from {{ ref('fct_customer_contribution') }}
),

int_service_strategies_resolved as (
    select * from {{ ref('int_service_strategies_resolved') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

latest_period as (
    select max(period_month) as as_of_month
    from fct_customer_contribution
),

final as (
    select
        int_prospects_scored.prospect_id,
        cast(latest_period.as_of_month as date) as as_of_month,
        int_prospects_scored.branch_id,
        int_prospects_scored.customer_type,
        customer_type_labels.label_zh as customer_type_label_zh,
        int_prospects_scored.industry_code,
        int_prospects_scored.industry_section,
        int_prospects_scored.industry_value_space_score,
        int_prospects_scored.growth_score,
        int_prospects_scored.influence_score,
        int_prospects_scored.potential_value_score,
        int_prospects_scored.bank_fit_score,
        int_prospects_scored.is_potential_high,
        int_prospects_scored.is_fit_high,
        int_prospects_scored.value_quadrant,
        value_quadrant_labels.label_zh as value_quadrant_label_zh,
        'potential' as lifecycle_stage,
        lifecycle_stage_labels.label_zh as lifecycle_stage_label_zh,
        strategies.service_strategy_zh
    from int_prospects_scored
    cross join latest_period
    left join code_labels as customer_type_labels
        on customer_type_labels.code_set = 'customer_type'
            and int_prospects_scored.customer_type = customer_type_labels.code
    left join code_labels as value_quadrant_labels
        on value_quadrant_labels.code_set = 'prospect_quadrant'
            and int_prospects_scored.value_quadrant = value_quadrant_labels.code
    left join code_labels as lifecycle_stage_labels
        on lifecycle_stage_labels.code_set = 'lifecycle_stage'
            and lifecycle_stage_labels.code = 'potential'
    left join int_service_strategies_resolved as strategies
        on strategies.strategy_dimension = 'prospect_quadrant'
            and coalesce(int_prospects_scored.branch_id, '*') = strategies.branch_id
            and int_prospects_scored.value_quadrant = strategies.code
)

select * from final
