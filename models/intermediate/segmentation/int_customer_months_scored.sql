{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The bank's value to the customer (银行对客户价值, METHODOLOGY.md §5): the nine
    sub-scores, each 0–100, and bank_value_score = their weighted sum with the branch's
    weights. Every cap, default and weight comes from the branch-resolved seeds (§6). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_joined as (
    select
        customer_id,
        period_month,
        period_end,
        parameter_branch_id,
        onboard_date,
        avg_aum,
        avg_loan_balance,
        open_product_families,
        worst_loan_asset_quality_score
    from {{ ref('int_customer_months_joined') }}{{ incremental_period_filter(start_month, look_back='previous_month') }}
),

int_customer_month_transactions_counted as (
    select
        customer_id,
        period_month,
        period_transactions
    from {{ ref('int_customer_month_transactions_counted') }}{{ incremental_period_filter(start_month) }}
),

int_relationship_surveys_validated as (
    select * from {{ ref('int_relationship_surveys_validated') }}
),

int_branch_parameters_pivoted as (
    select * from {{ ref('int_branch_parameters_pivoted') }}
),

int_bank_value_weights_resolved as (
    select * from {{ ref('int_bank_value_weights_resolved') }}
),

weights as (
    select
        branch_id,
        max(case when sub_score = 'product_coverage' then weight end) as product_coverage_weight,
        max(case when sub_score = 'tenure' then weight end) as tenure_weight,
        max(case when sub_score = 'activity' then weight end) as activity_weight,
        max(case when sub_score = 'satisfaction' then weight end) as satisfaction_weight,
        max(case when sub_score = 'agreement' then weight end) as agreement_weight,
        max(case when sub_score = 'executive_vip' then weight end) as executive_vip_weight,
        max(case when sub_score = 'asset_quality' then weight end) as asset_quality_weight,
        max(case when sub_score = 'wallet_share' then weight end) as wallet_share_weight,
        max(case when sub_score = 'growth' then weight end) as growth_weight
    from int_bank_value_weights_resolved
    group by branch_id
),

-- The latest survey on or before the period end holds, as a whole: a null value in it
-- counts as none (§5).
surveys_in_force as (
    select
        customer_id,
        satisfaction_score,
        wallet_share,
        has_cooperation_agreement,
        is_executive_vip,
        survey_date as valid_from,
        lead(survey_date) over (partition by customer_id order by survey_date) as valid_to
    from int_relationship_surveys_validated
),

-- Growth base: the same customer's avg_aum + avg_loan_balance in the calendar month before
-- (an incremental run reads the month before its window for it).
growth_bases as (
    select
        customer_id,
        cast({{ dbt.dateadd('month', '1', 'period_month') }} as date) as next_period_month,
        avg_aum + avg_loan_balance as growth_base
    from int_customer_months_joined
),

customer_months as (
    select
        int_customer_months_joined.*,
        coalesce(int_customer_month_transactions_counted.period_transactions, 0) as period_transactions,
        {{ dbt.datediff('int_customer_months_joined.onboard_date', 'int_customer_months_joined.period_end', 'day') }}
            as days_since_onboarding,
        surveys_in_force.satisfaction_score,
        surveys_in_force.wallet_share,
        surveys_in_force.has_cooperation_agreement,
        surveys_in_force.is_executive_vip,
        growth_bases.growth_base as previous_growth_base
    from int_customer_months_joined
    left join int_customer_month_transactions_counted
        on int_customer_months_joined.customer_id = int_customer_month_transactions_counted.customer_id
            and int_customer_months_joined.period_month = int_customer_month_transactions_counted.period_month
    left join surveys_in_force
        on int_customer_months_joined.customer_id = surveys_in_force.customer_id
            and int_customer_months_joined.period_end >= surveys_in_force.valid_from
            and (surveys_in_force.valid_to is null or int_customer_months_joined.period_end < surveys_in_force.valid_to)
    left join growth_bases
        on int_customer_months_joined.customer_id = growth_bases.customer_id
            and int_customer_months_joined.period_month = growth_bases.next_period_month
    -- the window only: the month before it was read for its growth base
    {{- incremental_period_filter(start_month, column='int_customer_months_joined.period_month') }}
),

sub_scores as (
    select
        customer_months.customer_id,
        customer_months.period_month,
        customer_months.parameter_branch_id,
        cast(customer_months.open_product_families as double) * 100
        / int_branch_parameters_pivoted.product_family_count as product_coverage_score,
        -- an onboarding after the period end counts as 0 days, not negative tenure
        least(
            greatest(customer_months.days_since_onboarding, 0) / int_branch_parameters_pivoted.tenure_days_per_year,
            int_branch_parameters_pivoted.tenure_cap_years
        ) * int_branch_parameters_pivoted.tenure_points_per_year as tenure_score,
        least(customer_months.period_transactions, int_branch_parameters_pivoted.activity_cap_transactions)
        * int_branch_parameters_pivoted.activity_points_per_transaction as activity_score,
        customer_months.satisfaction_score as survey_satisfaction_score,
        coalesce(customer_months.satisfaction_score, int_branch_parameters_pivoted.default_satisfaction_score)
            as satisfaction_score,
        case
            when customer_months.has_cooperation_agreement then int_branch_parameters_pivoted.agreement_signed_score
            else 0
        end as agreement_score,
        case
            when customer_months.is_executive_vip then int_branch_parameters_pivoted.executive_vip_score
            else 0
        end as executive_vip_score,
        coalesce(
            customer_months.worst_loan_asset_quality_score,
            int_branch_parameters_pivoted.no_loan_asset_quality_score
        ) as asset_quality_score,
        coalesce(customer_months.wallet_share * 100, int_branch_parameters_pivoted.default_wallet_share_score)
            as wallet_share_score,
        case
            when customer_months.previous_growth_base is null or customer_months.previous_growth_base = 0
                then int_branch_parameters_pivoted.growth_score_base
            else {{ segmentation_clamp(
                'int_branch_parameters_pivoted.growth_score_base + int_branch_parameters_pivoted.growth_score_slope'
                ~ ' * (customer_months.avg_aum + customer_months.avg_loan_balance - customer_months.previous_growth_base)'
                ~ ' / customer_months.previous_growth_base', 0, 100) }}
        end as growth_score
    from customer_months
    left join int_branch_parameters_pivoted
        on customer_months.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

final as (
    select
        sub_scores.customer_id,
        sub_scores.period_month,
        cast(sub_scores.product_coverage_score as double) as product_coverage_score,
        cast(sub_scores.tenure_score as double) as tenure_score,
        cast(sub_scores.activity_score as double) as activity_score,
        cast(sub_scores.satisfaction_score as double) as satisfaction_score,
        cast(sub_scores.survey_satisfaction_score as double) as survey_satisfaction_score,
        cast(sub_scores.agreement_score as double) as agreement_score,
        cast(sub_scores.executive_vip_score as double) as executive_vip_score,
        cast(sub_scores.asset_quality_score as double) as asset_quality_score,
        cast(sub_scores.wallet_share_score as double) as wallet_share_score,
        cast(sub_scores.growth_score as double) as growth_score,
        -- rounded to 4 decimals so that a score of exactly 60 in decimal arithmetic is not
        -- 59.99999999 in binary floating point at the y-high boundary
        cast(round(
            weights.product_coverage_weight * sub_scores.product_coverage_score
            + weights.tenure_weight * sub_scores.tenure_score
            + weights.activity_weight * sub_scores.activity_score
            + weights.satisfaction_weight * sub_scores.satisfaction_score
            + weights.agreement_weight * sub_scores.agreement_score
            + weights.executive_vip_weight * sub_scores.executive_vip_score
            + weights.asset_quality_weight * sub_scores.asset_quality_score
            + weights.wallet_share_weight * sub_scores.wallet_share_score
            + weights.growth_weight * sub_scores.growth_score,
            4
        ) as double) as bank_value_score
    from sub_scores
    left join weights
        on sub_scores.parameter_branch_id = weights.branch_id
)

select * from final
