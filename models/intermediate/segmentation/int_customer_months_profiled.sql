{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Behaviour, lifecycle and profile of every customer-month (METHODOLOGY.md §7): activity
    level, lifecycle stage, age, income and occupation bands (retail), risk grade
    (corporate, institution) and the asset-size band within the assessed tier (seed
    aum_bands, doc `aum_band_overrides`; `unbanded` when no band of the tier holds the
    avg_aum). Bands and windows come from the branch-resolved seeds (§6). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        period_end,
        market_class,
        parameter_branch_id,
        tier_code,
        avg_aum,
        occupation,
        annual_income,
        birth_date,
        onboard_date,
        close_date,
        open_accounts_at_period_end,
        has_high_risk_loan
    from {{ ref('int_customer_months_classified') }}{{ incremental_period_filter(start_month) }}
),

int_customer_month_transactions_counted as (
    select * from {{ ref('int_customer_month_transactions_counted') }}{{ incremental_period_filter(start_month) }}
),

int_credit_ratings_validated as (
    select * from {{ ref('int_credit_ratings_validated') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        new_customer_window_days,
        loyal_min_tenure_days
    from {{ ref('int_branch_parameters_pivoted') }}
),

int_activity_levels_resolved as (
    select * from {{ ref('int_activity_levels_resolved') }}
),

int_age_bands_resolved as (
    select * from {{ ref('int_age_bands_resolved') }}
),

int_income_bands_resolved as (
    select * from {{ ref('int_income_bands_resolved') }}
),

int_rating_risk_grades_resolved as (
    select * from {{ ref('int_rating_risk_grades_resolved') }}
),

int_aum_bands_resolved as (
    select * from {{ ref('int_aum_bands_resolved') }}
),

occupation_groups as (
    select * from {{ ref('occupation_groups') }}
),

-- A rating holds from its date until the next one (INTERFACES.md §2).
ratings_in_force as (
    select
        customer_id,
        rating,
        rating_date as valid_from,
        lead(rating_date) over (partition by customer_id order by rating_date, rating) as valid_to
    from int_credit_ratings_validated
),

customer_months as (
    select
        int_customer_months_classified.*,
        coalesce(int_customer_month_transactions_counted.activity_window_transactions, 0)
            as activity_window_transactions,
        coalesce(int_customer_month_transactions_counted.dormant_window_transactions, 0)
            as dormant_window_transactions,
        {{ dbt.datediff(
            'int_customer_months_classified.onboard_date',
            'int_customer_months_classified.period_end', 'day') }} as days_since_onboarding,
        {{ segmentation_completed_years(
            'int_customer_months_classified.birth_date',
            'int_customer_months_classified.period_end') }} as age_at_period_end,
        {{ segmentation_days_before(
            'int_branch_parameters_pivoted.new_customer_window_days',
            'int_customer_months_classified.period_end') }} as new_customer_window_after,
        int_branch_parameters_pivoted.loyal_min_tenure_days,
        ratings_in_force.rating as rating_in_force
    from int_customer_months_classified
    left join int_customer_month_transactions_counted
        on int_customer_months_classified.customer_id = int_customer_month_transactions_counted.customer_id
            and int_customer_months_classified.period_month = int_customer_month_transactions_counted.period_month
    left join int_branch_parameters_pivoted
        on int_customer_months_classified.parameter_branch_id = int_branch_parameters_pivoted.branch_id
    left join ratings_in_force
        on int_customer_months_classified.market_class in ('corporate', 'institution')
            and int_customer_months_classified.customer_id = ratings_in_force.customer_id
            and int_customer_months_classified.period_end >= ratings_in_force.valid_from
            and (
                ratings_in_force.valid_to is null
                or int_customer_months_classified.period_end < ratings_in_force.valid_to
            )
),

banded as (
    select
        customer_months.*,
        int_activity_levels_resolved.activity_level,
        int_age_bands_resolved.age_band as age_band_matched,
        int_income_bands_resolved.income_band as income_band_matched,
        occupation_groups.occupation_group as occupation_group_matched,
        int_rating_risk_grades_resolved.risk_grade as rating_risk_grade,
        int_aum_bands_resolved.aum_band as aum_band_matched
    from customer_months
    left join int_activity_levels_resolved
        on customer_months.parameter_branch_id = int_activity_levels_resolved.branch_id
            and {{ segmentation_in_band(
            'customer_months.activity_window_transactions',
            'int_activity_levels_resolved.min_transactions',
            'int_activity_levels_resolved.max_transactions') }}
    left join int_age_bands_resolved
        on customer_months.market_class = 'retail'
            and customer_months.parameter_branch_id = int_age_bands_resolved.branch_id
            and {{ segmentation_in_band(
            'customer_months.age_at_period_end',
            'int_age_bands_resolved.min_age',
            'int_age_bands_resolved.max_age') }}
    left join int_income_bands_resolved
        on customer_months.market_class = 'retail'
            and customer_months.parameter_branch_id = int_income_bands_resolved.branch_id
            and {{ segmentation_in_band(
            'customer_months.annual_income',
            'int_income_bands_resolved.min_annual_income',
            'int_income_bands_resolved.max_annual_income') }}
    left join occupation_groups
        on customer_months.market_class = 'retail'
            and customer_months.occupation = occupation_groups.occupation
    left join int_rating_risk_grades_resolved
        on customer_months.market_class in ('corporate', 'institution')
            and customer_months.parameter_branch_id = int_rating_risk_grades_resolved.branch_id
            and coalesce(customer_months.rating_in_force, 'unrated') = int_rating_risk_grades_resolved.rating
    left join int_aum_bands_resolved
        on customer_months.parameter_branch_id = int_aum_bands_resolved.branch_id
            and customer_months.market_class = int_aum_bands_resolved.market_class
            and customer_months.tier_code = int_aum_bands_resolved.tier_code
            and {{ segmentation_in_band(
            'customer_months.avg_aum',
            'int_aum_bands_resolved.min_avg_aum',
            'int_aum_bands_resolved.max_avg_aum') }}
),

final as (
    select
        customer_id,
        period_month,
        cast(activity_window_transactions as integer) as activity_window_transactions,
        cast(dormant_window_transactions as integer) as dormant_window_transactions,
        cast(days_since_onboarding as integer) as days_since_onboarding,
        activity_level,
        -- §7: first match wins
        case
            when close_date <= period_end or open_accounts_at_period_end = 0 then 'churned'
            when onboard_date > new_customer_window_after and onboard_date <= period_end then 'new'
            when dormant_window_transactions = 0 then 'dormant'
            when days_since_onboarding >= loyal_min_tenure_days
                and activity_level in ('active', 'moderate') then 'loyal'
            else 'growing'
        end as lifecycle_stage,
        case when market_class = 'retail' then cast(age_at_period_end as integer) end as age_at_period_end,
        age_band_matched as age_band,
        case
            when market_class != 'retail' then null
            when annual_income is null then 'unknown'
            else income_band_matched
        end as income_band,
        case
            when market_class = 'retail' then coalesce(occupation_group_matched, 'other')
        end as occupation_group,
        case when market_class in ('corporate', 'institution') then rating_in_force end as rating_in_force,
        case
            when market_class not in ('corporate', 'institution') then null
            when has_high_risk_loan then 'high'
            else rating_risk_grade
        end as risk_grade,
        coalesce(aum_band_matched, 'unbanded') as aum_band
    from banded
)

select * from final
