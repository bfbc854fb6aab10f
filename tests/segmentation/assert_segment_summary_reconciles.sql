{#- mart_segment_summary adds up to fct_customer_segment: per period × market_class × tier
    the quadrant customers sum to the tier's customers, the contributions and AUM to theirs;
    and the contribution shares of a period × market_class sum to 1 where defined. -#}
with

mart_segment_summary as (
    select * from {{ ref('mart_segment_summary') }}
),

fct_customer_segment as (
    select
        period_month,
        market_class,
        tier_code,
        contribution,
        avg_aum
    from {{ ref('fct_customer_segment') }}
),

summary_tiers as (
    select
        period_month,
        market_class,
        tier_code,
        sum(customers) as customers,
        sum(total_contribution) as total_contribution,
        sum(total_aum) as total_aum
    from mart_segment_summary
    group by period_month, market_class, tier_code
),

segment_tiers as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as customers,
        sum(contribution) as total_contribution,
        sum(avg_aum) as total_aum
    from fct_customer_segment
    group by period_month, market_class, tier_code
),

tier_differences as (
    select
        coalesce(segment_tiers.period_month, summary_tiers.period_month) as period_month,
        coalesce(segment_tiers.market_class, summary_tiers.market_class) as market_class,
        coalesce(segment_tiers.tier_code, summary_tiers.tier_code) as tier_code,
        'tier totals differ' as failure
    from segment_tiers
    full outer join summary_tiers
        on segment_tiers.period_month = summary_tiers.period_month
            and segment_tiers.market_class = summary_tiers.market_class
            and segment_tiers.tier_code = summary_tiers.tier_code
    where
        segment_tiers.customers is null
        or summary_tiers.customers is null
        or segment_tiers.customers != summary_tiers.customers
        or abs(segment_tiers.total_contribution - summary_tiers.total_contribution)
        > 0.01 + 1e-9 * abs(segment_tiers.total_contribution)
        or abs(segment_tiers.total_aum - summary_tiers.total_aum) > 0.01 + 1e-9 * abs(segment_tiers.total_aum)
),

share_sums as (
    select
        period_month,
        market_class,
        cast(null as {{ dbt.type_string() }}) as tier_code,
        'contribution shares do not sum to 1' as failure
    from mart_segment_summary
    group by period_month, market_class
    having count(contribution_share) > 0 and abs(sum(contribution_share) - 1) > 1e-6
),

final as (
    select * from tier_differences
    union all
    select * from share_sums
)

select * from final
