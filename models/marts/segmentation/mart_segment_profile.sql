{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Segment profiles (客群画像, INTERFACES.md §3, doc `segment_profile_rule`), grain
    period_month × market_class × tier_code × profile_dimension × profile_value: how the
    customers of an assessed tier are distributed over each profile dimension of
    fct_customer_segment (METHODOLOGY.md §7 bands, lifecycle and activity; the asset-size
    band within the tier, seed aum_bands), with customers, their share of the tier, AUM and
    contribution. A null value is a value of its own — `not_applicable` where the dimension
    does not apply to the market class (§7: the age, income and occupation bands are retail,
    the risk grade corporate and institution), else `unknown` — so that for every dimension
    the customers add up to the tier's. One scan of the segment fact (unpivoted against the
    list of dimensions). Incremental by month like the other segmentation marts. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_segment as (
    select
        period_month,
        market_class,
        tier_code,
        avg_aum,
        contribution,
        age_band,
        income_band,
        occupation_group,
        risk_grade,
        lifecycle_stage,
        activity_level,
        aum_band
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month) }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh,
        sort_order
    from {{ ref('code_labels') }}
),

-- the dimensions, and whether each applies to retail and to corporate / institution (§7)
profile_dimensions as (
    select
        'age_band' as profile_dimension,
        true as applies_to_retail,
        false as applies_to_others
    union all
    select
        'income_band' as profile_dimension,
        true as applies_to_retail,
        false as applies_to_others
    union all
    select
        'occupation_group' as profile_dimension,
        true as applies_to_retail,
        false as applies_to_others
    union all
    select
        'risk_grade' as profile_dimension,
        false as applies_to_retail,
        true as applies_to_others
    union all
    select
        'lifecycle_stage' as profile_dimension,
        true as applies_to_retail,
        true as applies_to_others
    union all
    select
        'activity_level' as profile_dimension,
        true as applies_to_retail,
        true as applies_to_others
    union all
    select
        'aum_band' as profile_dimension,
        true as applies_to_retail,
        true as applies_to_others
),

-- one row per customer-month and dimension
dimension_values as (
    select
        fct_customer_segment.period_month,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        fct_customer_segment.avg_aum,
        fct_customer_segment.contribution,
        profile_dimensions.profile_dimension,
        case
            when fct_customer_segment.market_class = 'retail' then profile_dimensions.applies_to_retail
            else profile_dimensions.applies_to_others
        end as is_applicable,
        case profile_dimensions.profile_dimension
            when 'age_band' then fct_customer_segment.age_band
            when 'income_band' then fct_customer_segment.income_band
            when 'occupation_group' then fct_customer_segment.occupation_group
            when 'risk_grade' then fct_customer_segment.risk_grade
            when 'lifecycle_stage' then fct_customer_segment.lifecycle_stage
            when 'activity_level' then fct_customer_segment.activity_level
            when 'aum_band' then fct_customer_segment.aum_band
        end as dimension_value
    from fct_customer_segment
    cross join profile_dimensions
),

profile_values as (
    select
        period_month,
        market_class,
        tier_code,
        profile_dimension,
        coalesce(
            dimension_value,
            case when is_applicable then 'unknown' else 'not_applicable' end
        ) as profile_value,
        avg_aum,
        contribution
    from dimension_values
),

profiles as (
    select
        period_month,
        market_class,
        tier_code,
        profile_dimension,
        profile_value,
        count(*) as customers,
        sum(avg_aum) as total_avg_aum,
        sum(contribution) as total_contribution
    from profile_values
    group by
        period_month,
        market_class,
        tier_code,
        profile_dimension,
        profile_value
),

shares as (
    select
        *,
        cast(customers as double) / sum(customers) over (
            partition by period_month, market_class, tier_code, profile_dimension
        ) as customer_share
    from profiles
),

final as (
    select
        cast(shares.period_month as date) as period_month,
        shares.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        shares.tier_code,
        tier_labels.label_zh as tier_label_zh,
        shares.profile_dimension,
        dimension_labels.label_zh as profile_dimension_label_zh,
        shares.profile_value,
        coalesce(value_labels.label_zh, generic_value_labels.label_zh) as profile_value_label_zh,
        cast(coalesce(value_labels.sort_order, generic_value_labels.sort_order) as integer)
            as profile_value_sort_order,
        cast(shares.customers as bigint) as customers,
        cast(shares.customer_share as double) as customer_share,
        {{ contribution_money('shares.total_avg_aum', 38) }} as total_avg_aum,
        {{ contribution_money('shares.total_avg_aum / shares.customers') }} as mean_avg_aum,
        {{ contribution_money('shares.total_contribution', 38) }} as total_contribution
    from shares
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and shares.market_class = market_class_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and shares.tier_code = tier_labels.code
    left join code_labels as dimension_labels
        on dimension_labels.code_set = 'profile_dimension'
            and shares.profile_dimension = dimension_labels.code
    left join code_labels as value_labels
        on shares.profile_dimension = value_labels.code_set
            and shares.profile_value = value_labels.code
    left join code_labels as generic_value_labels
        on generic_value_labels.code_set = 'profile_value'
            and shares.profile_value = generic_value_labels.code
)

select * from final
