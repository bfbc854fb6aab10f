{#- mart_tier_flows agrees with fct_customer_segment (METHODOLOGY.md §8): for every flow
    row, start = the tier's customers at the base period and end = its customers at the
    period; and every tier with customers at either period of a loaded (period, base) pair
    has a row. Returns the disagreements. -#}
with

mart_tier_flows as (
    select
        flow_type,
        period_month,
        base_period_month,
        market_class,
        tier_code,
        start_customers,
        end_customers
    from {{ ref('mart_tier_flows') }}
),

fct_customer_segment as (
    select
        period_month,
        market_class,
        tier_code
    from {{ ref('fct_customer_segment') }}
),

tier_counts as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as customers
    from fct_customer_segment
    group by period_month, market_class, tier_code
),

loaded_pairs as (
    select distinct
        flow_type,
        period_month,
        base_period_month
    from mart_tier_flows
),

tiers as (
    select distinct
        market_class,
        tier_code
    from tier_counts
),

expected as (
    select
        loaded_pairs.flow_type,
        loaded_pairs.period_month,
        loaded_pairs.base_period_month,
        tiers.market_class,
        tiers.tier_code,
        coalesce(base_counts.customers, 0) as start_customers,
        coalesce(current_counts.customers, 0) as end_customers
    from loaded_pairs
    cross join tiers
    left join tier_counts as base_counts
        on loaded_pairs.base_period_month = base_counts.period_month
            and tiers.market_class = base_counts.market_class
            and tiers.tier_code = base_counts.tier_code
    left join tier_counts as current_counts
        on loaded_pairs.period_month = current_counts.period_month
            and tiers.market_class = current_counts.market_class
            and tiers.tier_code = current_counts.tier_code
    where base_counts.customers is not null or current_counts.customers is not null
),

final as (
    select
        coalesce(expected.flow_type, mart_tier_flows.flow_type) as flow_type,
        coalesce(expected.period_month, mart_tier_flows.period_month) as period_month,
        coalesce(expected.market_class, mart_tier_flows.market_class) as market_class,
        coalesce(expected.tier_code, mart_tier_flows.tier_code) as tier_code,
        expected.start_customers as expected_start,
        mart_tier_flows.start_customers,
        expected.end_customers as expected_end,
        mart_tier_flows.end_customers
    from expected
    full outer join mart_tier_flows
        on expected.flow_type = mart_tier_flows.flow_type
            and expected.period_month = mart_tier_flows.period_month
            and expected.market_class = mart_tier_flows.market_class
            and expected.tier_code = mart_tier_flows.tier_code
    where
        expected.flow_type is null
        or mart_tier_flows.flow_type is null
        or expected.start_customers != mart_tier_flows.start_customers
        or expected.end_customers != mart_tier_flows.end_customers
)

select * from final
