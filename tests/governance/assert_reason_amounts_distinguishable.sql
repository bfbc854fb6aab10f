{#- METHODOLOGY.md §10 reasons keep money readable (doc `tier_explanation_rule`): no reason
    reads -0.00, and a reason reads 0.00万元 only for an amount that is exactly 0 — the
    value compared (contribution, the basis value or the annual sales), the group median or
    the line. Returns the offending customer-months with the text. -#}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        contribution,
        contribution_group_median,
        tier_basis_value,
        tier_line_value,
        next_tier_line_value,
        tier_reason_zh,
        quadrant_reason_zh
    from {{ ref('fct_customer_segment') }}
),

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        annual_sales,
        large_min_annual_sales
    from {{ ref('int_customer_months_classified') }}
),

reasons as (
    select
        fct_customer_segment.*,
        {{ governance_money('int_customer_months_classified.annual_sales') }} as annual_sales,
        {{ governance_money('int_customer_months_classified.large_min_annual_sales') }} as large_min_annual_sales
    from fct_customer_segment
    left join int_customer_months_classified
        on fct_customer_segment.customer_id = int_customer_months_classified.customer_id
            and fct_customer_segment.period_month = int_customer_months_classified.period_month
),

checked as (
    select
        customer_id,
        period_month,
        tier_reason_zh,
        quadrant_reason_zh,
        case
            when tier_reason_zh like '%-0.00元%' or tier_reason_zh like '%-0.00万元%'
                or quadrant_reason_zh like '%-0.00元%' or quadrant_reason_zh like '%-0.00万元%'
                then 'negative zero'
            when quadrant_reason_zh like '贡献度 0.00万元%' and contribution != 0
                then 'contribution reads 0.00万元'
            when quadrant_reason_zh like '%组中位数 0.00万元%' and contribution_group_median != 0
                then 'median reads 0.00万元'
            -- the value compared: `<basis> 0.00万元 ≥|<` (the sales of a medium or small corporate)
            when tier_reason_zh like '% 0.00万元 %'
                and coalesce(tier_basis_value, annual_sales, -1) != 0
                then 'value reads 0.00万元'
            when tier_reason_zh like '%线 0.00万元%'
                and coalesce(tier_line_value, -1) != 0
                and coalesce(next_tier_line_value, -1) != 0
                and coalesce(large_min_annual_sales, -1) != 0
                then 'line reads 0.00万元'
        end as failure
    from reasons
),

final as (
    select * from checked
    where failure is not null
)

select * from final
