{#- mart_segment_profile adds up (INTERFACES.md §3, doc `segment_profile_rule`): for every
    period × market_class × tier of fct_customer_segment each of the seven dimensions is
    present, its customers add up to the tier's customers, its AUM and contribution to the
    tier's (0.01 CNY plus 1e-9 of the amount for summation order), and its shares to 1; and
    the mart has no tier the segment fact lacks. Returns the disagreements. -#}
{%- set dimension_count = 7 %}
with

mart_segment_profile as (
    select * from {{ ref('mart_segment_profile') }}
),

fct_customer_segment as (
    select
        period_month,
        market_class,
        tier_code,
        avg_aum,
        contribution
    from {{ ref('fct_customer_segment') }}
),

segment_tiers as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as customers,
        sum(avg_aum) as total_avg_aum,
        sum(contribution) as total_contribution
    from fct_customer_segment
    group by period_month, market_class, tier_code
),

profile_dimensions as (
    select
        period_month,
        market_class,
        tier_code,
        profile_dimension,
        sum(customers) as customers,
        sum(total_avg_aum) as total_avg_aum,
        sum(total_contribution) as total_contribution,
        sum(customer_share) as customer_share
    from mart_segment_profile
    group by period_month, market_class, tier_code, profile_dimension
),

profile_tiers as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as dimensions,
        min(customers) as min_customers,
        max(customers) as max_customers,
        min(total_avg_aum) as min_total_avg_aum,
        max(total_avg_aum) as max_total_avg_aum,
        min(total_contribution) as min_total_contribution,
        max(total_contribution) as max_total_contribution,
        max(abs(customer_share - 1)) as share_error
    from profile_dimensions
    group by period_month, market_class, tier_code
),

final as (
    select
        coalesce(segment_tiers.period_month, profile_tiers.period_month) as period_month,
        coalesce(segment_tiers.market_class, profile_tiers.market_class) as market_class,
        coalesce(segment_tiers.tier_code, profile_tiers.tier_code) as tier_code,
        segment_tiers.customers,
        profile_tiers.dimensions,
        profile_tiers.min_customers,
        profile_tiers.max_customers
    from segment_tiers
    full outer join profile_tiers
        on segment_tiers.period_month = profile_tiers.period_month
            and segment_tiers.market_class = profile_tiers.market_class
            and segment_tiers.tier_code = profile_tiers.tier_code
    where
        segment_tiers.customers is null
        or profile_tiers.dimensions is null
        or profile_tiers.dimensions != {{ dimension_count }}
        or profile_tiers.min_customers != segment_tiers.customers
        or profile_tiers.max_customers != segment_tiers.customers
        or abs(profile_tiers.min_total_avg_aum - segment_tiers.total_avg_aum)
        > 0.01 + 1e-9 * abs(segment_tiers.total_avg_aum)
        or abs(profile_tiers.max_total_avg_aum - segment_tiers.total_avg_aum)
        > 0.01 + 1e-9 * abs(segment_tiers.total_avg_aum)
        or abs(profile_tiers.min_total_contribution - segment_tiers.total_contribution)
        > 0.01 + 1e-9 * abs(segment_tiers.total_contribution)
        or abs(profile_tiers.max_total_contribution - segment_tiers.total_contribution)
        > 0.01 + 1e-9 * abs(segment_tiers.total_contribution)
        or profile_tiers.share_error > 1e-9
)

select * from final
