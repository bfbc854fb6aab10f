{#- Tier migration matrix (客户迁移矩阵): for each market class, how many customers moved
    from each tier in the month before to each tier in the latest month, with the AUM
    they hold now. Compile with `dbt compile --select tier_migration_matrix` and run the
    SQL in target/compiled against the warehouse. Complements mart_tier_flows, which
    reports per tier only (METHODOLOGY.md §8). -#}
with

fct_customer_segment as (
    select * from {{ ref('fct_customer_segment') }}
),

fct_customer_contribution as (
    select * from {{ ref('fct_customer_contribution') }}
),

latest as (
    select max(period_month) as period_month
    from fct_customer_segment
),

current_month as (
    select
        fct_customer_segment.customer_id,
        fct_customer_segment.period_month,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        fct_customer_contribution.avg_aum
    from fct_customer_segment
    inner join latest
        on fct_customer_segment.period_month = latest.period_month
    inner join fct_customer_contribution
        on
            fct_customer_segment.customer_id = fct_customer_contribution.customer_id
            and fct_customer_segment.period_month = fct_customer_contribution.period_month
),

previous_month as (
    select
        fct_customer_segment.customer_id,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code
    from fct_customer_segment
    inner join latest
        on fct_customer_segment.period_month = cast({{ dbt.dateadd('month', -1, 'latest.period_month') }} as date)
),

final as (
    select
        current_month.market_class,
        coalesce(previous_month.tier_code, '(new)') as from_tier_code,
        current_month.tier_code as to_tier_code,
        count(*) as customers,
        sum(current_month.avg_aum) as end_aum
    from current_month
    left join previous_month
        on current_month.customer_id = previous_month.customer_id
    group by
        current_month.market_class,
        coalesce(previous_month.tier_code, '(new)'),
        current_month.tier_code
)

select * from final
