{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- One row per customer × period_month of fct_customer_contribution (INTERFACES.md §3):
    classification and assessed tier (METHODOLOGY.md §3–4), value dimensions and quadrant
    (§5), behaviour and profile (§7), service tier, grace and override (§10), the
    explanation of tier and quadrant (§10), the service strategy of the service tier and
    the owner at the period end (§14), with a Chinese label beside every code. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_classified as (
    select * from {{ ref('int_customer_months_classified') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_profiled as (
    select * from {{ ref('int_customer_months_profiled') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_scored as (
    select * from {{ ref('int_customer_months_scored') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_valued as (
    select * from {{ ref('int_customer_months_valued') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_service_tiered as (
    select * from {{ ref('int_customer_months_service_tiered') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_explained as (
    select * from {{ ref('int_customer_months_explained') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_assigned as (
    select
        customer_id,
        period_month,
        rm_id,
        rm_status
    from {{ ref('int_customer_months_assigned') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_risk_scored as (
    select * from {{ ref('int_customer_months_risk_scored') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_contacted as (
    select * from {{ ref('int_customer_months_contacted') }}{{ incremental_period_filter(start_month) }}
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

segments as (
    select
        int_customer_months_classified.customer_id,
        int_customer_months_classified.period_month,
        int_customer_months_classified.period_end,
        int_customer_months_classified.customer_type,
        int_customer_months_classified.branch_id,
        int_customer_months_classified.parameter_branch_id,
        int_customer_months_classified.market_class,
        int_customer_months_classified.loan_status,
        int_customer_months_classified.corporate_category,
        int_customer_months_classified.tier_code,
        int_profiled.activity_level,
        int_profiled.lifecycle_stage,
        int_profiled.age_band,
        int_profiled.income_band,
        int_profiled.occupation_group,
        int_profiled.risk_grade,
        int_profiled.aum_band,
        int_profiled.rating_in_force,
        int_profiled.activity_window_transactions,
        int_customer_months_classified.avg_aum,
        int_customer_months_classified.avg_loan_balance,
        int_customer_months_classified.avg_deposit_balance,
        int_customer_months_classified.period_end_loan_balance,
        int_customer_months_classified.contribution,
        int_customer_months_valued.contribution_group_median,
        int_customer_months_valued.is_contribution_high,
        int_customer_months_scored.bank_value_score,
        int_customer_months_valued.is_bank_value_high,
        int_customer_months_scored.product_coverage_score,
        int_customer_months_scored.tenure_score,
        int_customer_months_scored.activity_score,
        int_customer_months_scored.satisfaction_score,
        int_customer_months_scored.agreement_score,
        int_customer_months_scored.executive_vip_score,
        int_customer_months_scored.asset_quality_score,
        int_customer_months_scored.wallet_share_score,
        int_customer_months_scored.growth_score,
        int_customer_months_valued.value_quadrant,
        service_tiered.service_tier_code,
        service_tiered.service_tier_rule,
        service_tiered.months_below,
        service_tiered.is_on_watch,
        service_tiered.grace_months_left,
        service_tiered.override_id,
        service_tiered.override_reason,
        service_tiered.override_approved_by,
        service_tiered.previous_service_tier_code,
        explained.tier_basis,
        explained.tier_basis_label_zh,
        explained.tier_basis_value,
        explained.tier_line_value,
        explained.next_tier_code,
        explained.next_tier_line_value,
        explained.gap_to_next_tier,
        explained.tier_reason_zh,
        explained.quadrant_reason_zh,
        owners.rm_id,
        coalesce(owners.rm_status, 'unassigned') as rm_status,
        contacted.last_contact_date,
        contacted.days_since_contact,
        risk.previous_avg_aum,
        risk.net_outflow,
        risk.period_transactions,
        risk.activity_base_transactions,
        risk.aum_drop_points,
        risk.outflow_points,
        risk.activity_drop_points,
        risk.low_satisfaction_points,
        risk.no_owner_points,
        risk.churn_risk_score,
        risk.churn_risk_band
    from int_customer_months_classified
    left join int_customer_months_profiled as int_profiled
        on int_customer_months_classified.customer_id = int_profiled.customer_id
            and int_customer_months_classified.period_month = int_profiled.period_month
    left join int_customer_months_scored
        on int_customer_months_classified.customer_id = int_customer_months_scored.customer_id
            and int_customer_months_classified.period_month = int_customer_months_scored.period_month
    left join int_customer_months_valued
        on int_customer_months_classified.customer_id = int_customer_months_valued.customer_id
            and int_customer_months_classified.period_month = int_customer_months_valued.period_month
    left join int_customer_months_service_tiered as service_tiered
        on int_customer_months_classified.customer_id = service_tiered.customer_id
            and int_customer_months_classified.period_month = service_tiered.period_month
    left join int_customer_months_explained as explained
        on int_customer_months_classified.customer_id = explained.customer_id
            and int_customer_months_classified.period_month = explained.period_month
    left join int_customer_months_assigned as owners
        on int_customer_months_classified.customer_id = owners.customer_id
            and int_customer_months_classified.period_month = owners.period_month
    left join int_customer_months_contacted as contacted
        on int_customer_months_classified.customer_id = contacted.customer_id
            and int_customer_months_classified.period_month = contacted.period_month
    left join int_customer_months_risk_scored as risk
        on int_customer_months_classified.customer_id = risk.customer_id
            and int_customer_months_classified.period_month = risk.period_month
),

final as (
    select
        -- keys
        segments.customer_id,
        cast(segments.period_month as date) as period_month,

        -- classification and tier (§3–4)
        segments.customer_type,
        customer_type_labels.label_zh as customer_type_label_zh,
        segments.branch_id,
        segments.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        segments.loan_status,
        loan_status_labels.label_zh as loan_status_label_zh,
        segments.corporate_category,
        corporate_category_labels.label_zh as corporate_category_label_zh,
        segments.tier_code,
        tier_labels.label_zh as tier_label_zh,

        -- behaviour and profile (§7)
        segments.activity_level,
        activity_level_labels.label_zh as activity_level_label_zh,
        segments.lifecycle_stage,
        lifecycle_stage_labels.label_zh as lifecycle_stage_label_zh,
        segments.age_band,
        age_band_labels.label_zh as age_band_label_zh,
        segments.income_band,
        income_band_labels.label_zh as income_band_label_zh,
        segments.occupation_group,
        occupation_group_labels.label_zh as occupation_group_label_zh,
        segments.risk_grade,
        risk_grade_labels.label_zh as risk_grade_label_zh,
        segments.aum_band,
        aum_band_labels.label_zh as aum_band_label_zh,
        segments.rating_in_force,
        cast(segments.activity_window_transactions as integer) as activity_window_transactions,

        -- balances and the value dimensions (§1, §5)
        {{ contribution_money('segments.avg_aum') }} as avg_aum,
        {{ contribution_money('segments.avg_loan_balance') }} as avg_loan_balance,
        {{ contribution_money('segments.avg_deposit_balance') }} as avg_deposit_balance,
        {{ contribution_money('segments.period_end_loan_balance') }} as period_end_loan_balance,
        {{ contribution_money('segments.contribution') }} as contribution,
        {{ contribution_money('segments.contribution_group_median') }} as contribution_group_median,
        cast(segments.is_contribution_high as boolean) as is_contribution_high,
        cast(segments.bank_value_score as double) as bank_value_score,
        cast(segments.is_bank_value_high as boolean) as is_bank_value_high,
        cast(segments.product_coverage_score as double) as product_coverage_score,
        cast(segments.tenure_score as double) as tenure_score,
        cast(segments.activity_score as double) as activity_score,
        cast(segments.satisfaction_score as double) as satisfaction_score,
        cast(segments.agreement_score as double) as agreement_score,
        cast(segments.executive_vip_score as double) as executive_vip_score,
        cast(segments.asset_quality_score as double) as asset_quality_score,
        cast(segments.wallet_share_score as double) as wallet_share_score,
        cast(segments.growth_score as double) as growth_score,
        segments.value_quadrant,
        value_quadrant_labels.label_zh as value_quadrant_label_zh,

        -- differentiated service (差别化服务策略): service-tier strategy；quadrant strategy
        tier_strategies.service_strategy_zh as tier_service_strategy_zh,
        quadrant_strategies.service_strategy_zh as quadrant_service_strategy_zh,
        case
            when tier_strategies.service_strategy_zh is null then quadrant_strategies.service_strategy_zh
            when quadrant_strategies.service_strategy_zh is null then tier_strategies.service_strategy_zh
            else {{ dbt.concat([
                'tier_strategies.service_strategy_zh', "'；'", 'quadrant_strategies.service_strategy_zh']) }}
        end as service_strategy_zh,

        -- service tier, grace and override (§10)
        segments.service_tier_code,
        service_tier_labels.label_zh as service_tier_label_zh,
        segments.service_tier_rule,
        service_tier_rule_labels.label_zh as service_tier_rule_label_zh,
        cast(segments.months_below as integer) as months_below,
        cast(segments.is_on_watch as boolean) as is_on_watch,
        cast(segments.grace_months_left as integer) as grace_months_left,
        segments.override_id,
        segments.override_reason,
        segments.override_approved_by,
        segments.previous_service_tier_code,

        -- why this tier and this quadrant (§10)
        segments.tier_basis,
        segments.tier_basis_label_zh,
        cast(segments.tier_basis_value as decimal(18, 2)) as tier_basis_value,
        cast(segments.tier_line_value as decimal(18, 2)) as tier_line_value,
        segments.next_tier_code,
        cast(segments.next_tier_line_value as decimal(18, 2)) as next_tier_line_value,
        cast(segments.gap_to_next_tier as decimal(18, 2)) as gap_to_next_tier,
        segments.tier_reason_zh,
        segments.quadrant_reason_zh,

        -- owner at the period end (§14)
        segments.rm_id,
        segments.rm_status,
        rm_status_labels.label_zh as rm_status_label_zh,

        -- early warning (§16): the indicators' points and their sum
        cast(segments.previous_avg_aum as decimal(18, 2)) as previous_avg_aum,
        cast(segments.net_outflow as decimal(18, 2)) as net_outflow,
        cast(segments.period_transactions as integer) as period_transactions,
        cast(segments.activity_base_transactions as double) as activity_base_transactions,
        cast(segments.aum_drop_points as decimal(9, 2)) as aum_drop_points,
        cast(segments.outflow_points as decimal(9, 2)) as outflow_points,
        cast(segments.activity_drop_points as decimal(9, 2)) as activity_drop_points,
        cast(segments.low_satisfaction_points as decimal(9, 2)) as low_satisfaction_points,
        cast(segments.no_owner_points as decimal(9, 2)) as no_owner_points,
        cast(segments.churn_risk_score as decimal(9, 2)) as churn_risk_score,
        segments.churn_risk_band,
        churn_risk_band_labels.label_zh as churn_risk_band_label_zh,

        -- contact cadence (§18)
        cast(segments.last_contact_date as date) as last_contact_date,
        cast(segments.days_since_contact as integer) as days_since_contact
    from segments
    left join code_labels as customer_type_labels
        on customer_type_labels.code_set = 'customer_type'
            and segments.customer_type = customer_type_labels.code
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and segments.market_class = market_class_labels.code
    left join code_labels as loan_status_labels
        on loan_status_labels.code_set = 'loan_status'
            and segments.loan_status = loan_status_labels.code
    left join code_labels as corporate_category_labels
        on corporate_category_labels.code_set = 'corporate_category'
            and segments.corporate_category = corporate_category_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and segments.tier_code = tier_labels.code
    left join code_labels as activity_level_labels
        on activity_level_labels.code_set = 'activity_level'
            and segments.activity_level = activity_level_labels.code
    left join code_labels as lifecycle_stage_labels
        on lifecycle_stage_labels.code_set = 'lifecycle_stage'
            and segments.lifecycle_stage = lifecycle_stage_labels.code
    left join code_labels as age_band_labels
        on age_band_labels.code_set = 'age_band'
            and segments.age_band = age_band_labels.code
    left join code_labels as income_band_labels
        on income_band_labels.code_set = 'income_band'
            and segments.income_band = income_band_labels.code
    left join code_labels as occupation_group_labels
        on occupation_group_labels.code_set = 'occupation_group'
            and segments.occupation_group = occupation_group_labels.code
    left join code_labels as risk_grade_labels
        on risk_grade_labels.code_set = 'risk_grade'
            and segments.risk_grade = risk_grade_labels.code
    left join code_labels as aum_band_labels
        on aum_band_labels.code_set = 'aum_band'
            and segments.aum_band = aum_band_labels.code
    left join code_labels as value_quadrant_labels
        on value_quadrant_labels.code_set = 'value_quadrant'
            and segments.value_quadrant = value_quadrant_labels.code
    left join code_labels as service_tier_labels
        on service_tier_labels.code_set = 'tier_code'
            and segments.service_tier_code = service_tier_labels.code
    left join code_labels as service_tier_rule_labels
        on service_tier_rule_labels.code_set = 'service_tier_rule'
            and segments.service_tier_rule = service_tier_rule_labels.code
    left join code_labels as rm_status_labels
        on rm_status_labels.code_set = 'rm_status'
            and segments.rm_status = rm_status_labels.code
    left join code_labels as churn_risk_band_labels
        on churn_risk_band_labels.code_set = 'churn_risk_band'
            and segments.churn_risk_band = churn_risk_band_labels.code
    left join int_service_strategies_resolved as tier_strategies
        on tier_strategies.strategy_dimension = 'tier_code'
            and segments.parameter_branch_id = tier_strategies.branch_id
            and segments.service_tier_code = tier_strategies.code
    left join int_service_strategies_resolved as quadrant_strategies
        on quadrant_strategies.strategy_dimension = 'value_quadrant'
            and segments.parameter_branch_id = quadrant_strategies.branch_id
            and segments.value_quadrant = quadrant_strategies.code
)

select * from final
