{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Cross-sell recommendations (交叉销售, METHODOLOGY.md §17, INTERFACES.md §3), grain
    period_month × customer_id × product_family (doc `cross_sell_rule`): for every
    customer-month whose lifecycle stage is not churned, each product family it does not
    hold at the period end that at least cross_sell_min_holding_rate (0.5) of its peers —
    the customers of the same period, market_class and assessed tier, bank-wide — hold,
    ranked by peer holders (most first, ties by product_family) and kept while the rank
    is ≤ cross_sell_max_products (3). A period depends on that period only: an incremental
    run recomputes the periods of its window. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        branch_id,
        coalesce(branch_id, '*') as parameter_branch_id,
        rm_id,
        market_class,
        tier_code,
        lifecycle_stage
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month) }}
),

int_account_months_aggregated as (
    select
        customer_id,
        period_month,
        product_family,
        is_open_at_period_end
    from {{ ref('int_account_months_aggregated') }}{{ incremental_period_filter(start_month) }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        cross_sell_min_holding_rate,
        cross_sell_max_products
    from {{ ref('int_branch_parameters_pivoted') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

-- The families a customer holds on the period end: an account of the family open that day.
holdings as (
    select distinct
        customer_id,
        period_month,
        product_family
    from int_account_months_aggregated
    where is_open_at_period_end
),

peer_groups as (
    select
        period_month,
        market_class,
        tier_code,
        count(*) as peer_customers
    from fct_customer_segment
    group by
        period_month,
        market_class,
        tier_code
),

peer_holders as (
    select
        fct_customer_segment.period_month,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        holdings.product_family,
        count(*) as peer_holders
    from fct_customer_segment
    inner join holdings
        on fct_customer_segment.customer_id = holdings.customer_id
            and fct_customer_segment.period_month = holdings.period_month
    group by
        fct_customer_segment.period_month,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        holdings.product_family
),

-- Families held by at least the branch's share of the customer's peers and not by the
-- customer; compared exactly: holders ≥ rate × peers (exactly 0.5 is in).
candidates as (
    select
        fct_customer_segment.customer_id,
        fct_customer_segment.period_month,
        fct_customer_segment.branch_id,
        fct_customer_segment.rm_id,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        peer_holders.product_family,
        peer_holders.peer_holders,
        peer_groups.peer_customers,
        cast(int_branch_parameters_pivoted.cross_sell_max_products as integer) as max_products
    from fct_customer_segment
    inner join peer_groups
        on fct_customer_segment.period_month = peer_groups.period_month
            and fct_customer_segment.market_class = peer_groups.market_class
            and fct_customer_segment.tier_code = peer_groups.tier_code
    inner join peer_holders
        on fct_customer_segment.period_month = peer_holders.period_month
            and fct_customer_segment.market_class = peer_holders.market_class
            and fct_customer_segment.tier_code = peer_holders.tier_code
    inner join int_branch_parameters_pivoted
        on fct_customer_segment.parameter_branch_id = int_branch_parameters_pivoted.branch_id
    left join holdings
        on fct_customer_segment.customer_id = holdings.customer_id
            and fct_customer_segment.period_month = holdings.period_month
            and peer_holders.product_family = holdings.product_family
    where
        fct_customer_segment.lifecycle_stage != 'churned'
        and holdings.product_family is null
        and peer_holders.peer_holders
        >= {{ governance_ratio('int_branch_parameters_pivoted.cross_sell_min_holding_rate') }}
        * peer_groups.peer_customers
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, period_month
            order by peer_holders desc, product_family asc
        ) as recommendation_rank
    from candidates
),

final as (
    select
        cast(ranked.period_month as date) as period_month,
        ranked.customer_id,
        ranked.branch_id,
        ranked.rm_id,
        ranked.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        ranked.tier_code,
        tier_labels.label_zh as tier_label_zh,
        ranked.product_family,
        family_labels.label_zh as product_family_label_zh,
        cast(ranked.peer_holders as integer) as peer_holders,
        cast(ranked.peer_customers as integer) as peer_customers,
        cast(round(cast(ranked.peer_holders as double) / ranked.peer_customers, 4) as double)
            as peer_holding_rate,
        cast(ranked.recommendation_rank as integer) as recommendation_rank
    from ranked
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and ranked.market_class = market_class_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and ranked.tier_code = tier_labels.code
    left join code_labels as family_labels
        on family_labels.code_set = 'product_family'
            and ranked.product_family = family_labels.code
    where ranked.recommendation_rank <= ranked.max_products
)

select * from final
