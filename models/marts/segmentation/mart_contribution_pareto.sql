{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Concentration of contribution (二八定律) per period_month × market_class
    (INTERFACES.md §3): the share of the net contribution earned by the top
    pareto_top_customer_share (20 %) of customers — the ceil(0.2 × n) customers with the
    highest contribution, ties broken by customer_id — and the smallest share of customers
    that earns pareto_contribution_share (80 %) of it: k / n for the smallest k whose
    cumulative contribution (ranked the same way) reaches 0.8 × the net total. Both shares
    are null when the net total is ≤ 0 (a share of a loss is not meaningful); the counts
    and totals are still reported. Parameters: branch `*` of int_branch_parameters_pivoted. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        market_class,
        contribution
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month) }}
),

int_branch_parameters_pivoted as (
    select
        pareto_top_customer_share,
        pareto_contribution_share
    from {{ ref('int_branch_parameters_pivoted') }}
    where branch_id = '*'
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

ranked as (
    select
        fct_customer_segment.period_month,
        fct_customer_segment.market_class,
        fct_customer_segment.contribution,
        row_number() over (
            partition by fct_customer_segment.period_month, fct_customer_segment.market_class
            order by fct_customer_segment.contribution desc, fct_customer_segment.customer_id asc
        ) as contribution_rank,
        sum(fct_customer_segment.contribution) over (
            partition by fct_customer_segment.period_month, fct_customer_segment.market_class
            order by fct_customer_segment.contribution desc, fct_customer_segment.customer_id asc
            rows between unbounded preceding and current row
        ) as cumulative_contribution,
        count(*) over (
            partition by fct_customer_segment.period_month, fct_customer_segment.market_class
        ) as customers,
        sum(fct_customer_segment.contribution) over (
            partition by fct_customer_segment.period_month, fct_customer_segment.market_class
        ) as total_contribution
    from fct_customer_segment
),

ranked_with_targets as (
    select
        ranked.*,
        int_branch_parameters_pivoted.pareto_top_customer_share as top_customer_share,
        int_branch_parameters_pivoted.pareto_contribution_share as target_contribution_share,
        -- rounded before ceil: 0.2 × 35 is 7.000000000000001 in binary floating point
        ceil(round(int_branch_parameters_pivoted.pareto_top_customer_share * ranked.customers, 9))
            as top_customers
    from ranked
    cross join int_branch_parameters_pivoted
),

concentration as (
    select
        period_month,
        market_class,
        max(customers) as customers,
        max(total_contribution) as total_contribution,
        max(top_customer_share) as top_customer_share,
        max(top_customers) as top_customers,
        sum(case when contribution_rank <= top_customers then contribution else 0 end)
            as top_customers_contribution,
        max(target_contribution_share) as target_contribution_share,
        -- compared at 6 decimals so that exactly 80 % is reached despite binary rounding
        min(
            case
                when total_contribution > 0
                    and round(cumulative_contribution, 6) >= round(target_contribution_share * total_contribution, 6)
                    then contribution_rank
            end
        ) as customers_for_target_share
    from ranked_with_targets
    group by
        period_month,
        market_class
),

final as (
    select
        cast(concentration.period_month as date) as period_month,
        concentration.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        cast(concentration.customers as bigint) as customers,
        {{ contribution_money('concentration.total_contribution', 38) }} as total_contribution,
        cast(concentration.top_customer_share as double) as top_customer_share,
        cast(concentration.top_customers as bigint) as top_customers,
        {{ contribution_money('concentration.top_customers_contribution', 38) }} as top_customers_contribution,
        cast(
            case
                when concentration.total_contribution > 0
                    then concentration.top_customers_contribution / concentration.total_contribution
            end
            as double
        ) as top_customers_contribution_share,
        cast(concentration.target_contribution_share as double) as target_contribution_share,
        cast(concentration.customers_for_target_share as bigint) as customers_for_target_share,
        cast(
            cast(concentration.customers_for_target_share as double) / concentration.customers
            as double
        ) as customer_share_for_target
    from concentration
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and concentration.market_class = market_class_labels.code
)

select * from final
