{#- METHODOLOGY.md §8 identities of every flow row: start = retained + lost and
    end = retained + gained, for customers and for AUM (AUM with a tolerance of 1e-9 of the
    amounts plus 0.01 CNY for floating-point summation order); and the split by cause adds
    up: lost = downgraded + upgraded + left, gained = new + upgraded + downgraded. -#}
with

mart_tier_flows as (
    select * from {{ ref('mart_tier_flows') }}
),

final as (
    select
        flow_type,
        period_month,
        market_class,
        tier_code,
        start_customers,
        retained_customers,
        lost_customers,
        gained_customers,
        end_customers,
        start_aum,
        retained_start_aum,
        lost_start_aum,
        retained_end_aum,
        gained_end_aum,
        end_aum,
        lost_downgraded_customers,
        lost_upgraded_customers,
        lost_left_customers,
        gained_new_customers,
        gained_upgraded_customers,
        gained_downgraded_customers
    from mart_tier_flows
    where
        start_customers != retained_customers + lost_customers
        or end_customers != retained_customers + gained_customers
        or abs(start_aum - (retained_start_aum + lost_start_aum)) > 0.01 + 1e-9 * abs(start_aum)
        or abs(end_aum - (retained_end_aum + gained_end_aum)) > 0.01 + 1e-9 * abs(end_aum)
        or start_customers + end_customers = 0
        or lost_customers != lost_downgraded_customers + lost_upgraded_customers + lost_left_customers
        or gained_customers != gained_new_customers + gained_upgraded_customers + gained_downgraded_customers
)

select * from final
