{#- Quadrant counts sum to the customers (METHODOLOGY.md §5): per period × market_class ×
    tier, the four quadrants of fct_customer_segment count every customer once, and the
    quadrant agrees with the two flags (x high ⇔ important/quality, y high ⇔
    important/ordinary). -#}
with

fct_customer_segment as (
    select * from {{ ref('fct_customer_segment') }}
),

tier_quadrants as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as customers,
        sum(case when value_quadrant = 'important' then 1 else 0 end)
        + sum(case when value_quadrant = 'quality' then 1 else 0 end)
        + sum(case when value_quadrant = 'ordinary' then 1 else 0 end)
        + sum(case when value_quadrant = 'exit' then 1 else 0 end) as quadrant_customers,
        sum(
            case
                when (value_quadrant in ('important', 'quality')) != is_contribution_high then 1
                when (value_quadrant in ('important', 'ordinary')) != is_bank_value_high then 1
                else 0
            end
        ) as inconsistent_rows
    from fct_customer_segment
    group by period_month, market_class, tier_code
),

final as (
    select *
    from tier_quadrants
    where customers != quadrant_customers or inconsistent_rows > 0
)

select * from final
