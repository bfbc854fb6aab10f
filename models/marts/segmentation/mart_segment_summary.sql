{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Customers, contribution and AUM per period_month × market_class × tier_code ×
    value_quadrant (METHODOLOGY.md §4–5). contribution_share = the segment's contribution
    ÷ the net contribution of its period × market_class (signed: the shares of a
    period × market_class sum to 1; null when that net total is 0). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_segment as (
    select
        period_month,
        market_class,
        tier_code,
        value_quadrant,
        contribution,
        avg_aum
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month) }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

segments as (
    select
        period_month,
        market_class,
        tier_code,
        value_quadrant,
        count(*) as customers,
        sum(contribution) as total_contribution,
        sum(avg_aum) as total_aum
    from fct_customer_segment
    group by
        period_month,
        market_class,
        tier_code,
        value_quadrant
),

shares as (
    select
        *,
        total_contribution / nullif(
            sum(total_contribution) over (partition by period_month, market_class), 0
        ) as contribution_share,
        cast(customers as double) / sum(customers) over (partition by period_month, market_class)
            as customer_share
    from segments
),

final as (
    select
        cast(shares.period_month as date) as period_month,
        shares.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        shares.tier_code,
        tier_labels.label_zh as tier_label_zh,
        shares.value_quadrant,
        value_quadrant_labels.label_zh as value_quadrant_label_zh,
        cast(shares.customers as bigint) as customers,
        cast(shares.customer_share as double) as customer_share,
        {{ contribution_money('shares.total_contribution', 38) }} as total_contribution,
        cast(shares.contribution_share as double) as contribution_share,
        {{ contribution_money('shares.total_aum', 38) }} as total_aum,
        {{ contribution_money('shares.total_aum / shares.customers') }} as avg_aum,
        {{ contribution_money('shares.total_contribution / shares.customers') }} as avg_contribution
    from shares
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and shares.market_class = market_class_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and shares.tier_code = tier_labels.code
    left join code_labels as value_quadrant_labels
        on value_quadrant_labels.code_set = 'value_quadrant'
            and shares.value_quadrant = value_quadrant_labels.code
)

select * from final
