{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The two value dimensions and the quadrant of every customer-month (METHODOLOGY.md §5):
    x = contribution, high when > 0 and ≥ the exact median contribution of the customer's
    (market_class, tier_code) group in the period (bank-wide, all branches together);
    y = bank_value_score, high from the branch's bank_value_high_min_score. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        market_class,
        tier_code,
        contribution
    from {{ ref('int_customer_months_classified') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_scored as (
    select
        customer_id,
        period_month,
        bank_value_score
    from {{ ref('int_customer_months_scored') }}{{ incremental_period_filter(start_month) }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        bank_value_high_min_score
    from {{ ref('int_branch_parameters_pivoted') }}
),

group_medians as (
    select
        period_month,
        market_class,
        tier_code,
        {{ segmentation_exact_median('contribution') }} as contribution_group_median
    from int_customer_months_classified
    group by
        period_month,
        market_class,
        tier_code
),

dimensions as (
    select
        int_customer_months_classified.customer_id,
        int_customer_months_classified.period_month,
        int_customer_months_classified.contribution,
        group_medians.contribution_group_median,
        int_customer_months_scored.bank_value_score,
        coalesce(
            int_customer_months_classified.contribution > 0
            and int_customer_months_classified.contribution >= group_medians.contribution_group_median,
            false
        ) as is_contribution_high,
        coalesce(
            int_customer_months_scored.bank_value_score >= int_branch_parameters_pivoted.bank_value_high_min_score,
            false
        ) as is_bank_value_high
    from int_customer_months_classified
    left join group_medians
        on int_customer_months_classified.period_month = group_medians.period_month
            and int_customer_months_classified.market_class = group_medians.market_class
            and int_customer_months_classified.tier_code = group_medians.tier_code
    left join int_customer_months_scored
        on int_customer_months_classified.customer_id = int_customer_months_scored.customer_id
            and int_customer_months_classified.period_month = int_customer_months_scored.period_month
    left join int_branch_parameters_pivoted
        on int_customer_months_classified.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

final as (
    select
        customer_id,
        period_month,
        cast(contribution_group_median as decimal(38, 3)) as contribution_group_median,
        is_contribution_high,
        is_bank_value_high,
        case
            when is_contribution_high and is_bank_value_high then 'important'
            when is_contribution_high then 'quality'
            when is_bank_value_high then 'ordinary'
            else 'exit'
        end as value_quadrant
    from dimensions
)

select * from final
