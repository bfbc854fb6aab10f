{#- mart_contribution_pareto agrees with fct_customer_segment: one row per period ×
    market_class with its customer count and net contribution; top_customers = ceil(share ×
    n) lies in [1, n]; k lies in [1, n] exactly when the net total is > 0. -#}
with

mart_contribution_pareto as (
    select * from {{ ref('mart_contribution_pareto') }}
),

segment_totals as (
    select
        period_month,
        market_class,
        count(*) as customers,
        sum(contribution) as total_contribution
    from {{ ref('fct_customer_segment') }}
    group by period_month, market_class
),

final as (
    select
        coalesce(segment_totals.period_month, mart_contribution_pareto.period_month) as period_month,
        coalesce(segment_totals.market_class, mart_contribution_pareto.market_class) as market_class,
        mart_contribution_pareto.customers,
        mart_contribution_pareto.top_customers,
        mart_contribution_pareto.customers_for_target_share
    from segment_totals
    full outer join mart_contribution_pareto
        on segment_totals.period_month = mart_contribution_pareto.period_month
            and segment_totals.market_class = mart_contribution_pareto.market_class
    where
        segment_totals.customers is null
        or mart_contribution_pareto.customers is null
        or segment_totals.customers != mart_contribution_pareto.customers
        or abs(segment_totals.total_contribution - mart_contribution_pareto.total_contribution)
        > 0.01 + 1e-9 * abs(segment_totals.total_contribution)
        or mart_contribution_pareto.top_customers < 1
        or mart_contribution_pareto.top_customers > mart_contribution_pareto.customers
        or (mart_contribution_pareto.total_contribution > 0 and (
            mart_contribution_pareto.customers_for_target_share is null
            or mart_contribution_pareto.customers_for_target_share < 1
            or mart_contribution_pareto.customers_for_target_share > mart_contribution_pareto.customers
        ))
        or (
            mart_contribution_pareto.total_contribution <= 0
            and mart_contribution_pareto.customers_for_target_share is not null
        )
)

select * from final
