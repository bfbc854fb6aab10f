{{ config(
    materialized='incremental',
    pre_hook="{{ clear_incremental_window('period_month') }}",
    **incremental_by_month('period_month')
) }}
{#- Relationship managers' books (名下客户, METHODOLOGY.md §14, INTERFACES.md §3), grain
    period_month × rm_id × market_class × service_tier_code: the customers whose owner at
    the period end is the RM, counted and summed by market and service tier. Unassigned
    customers are in no book (they are on the handover list when served at a watched
    tier). Incremental by month like fct_customer_segment (its contribution follows the
    months the transactions rewrote, as the segment does); the window's months are
    cleared first (a book that emptied loses its old rows). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_segment as (
    select
        period_month,
        rm_id,
        rm_status,
        market_class,
        service_tier_code,
        avg_aum,
        contribution,
        is_on_watch
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month) }}
),

dim_relationship_manager as (
    select
        rm_id,
        rm_name,
        branch_id
    from {{ ref('dim_relationship_manager') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

books as (
    select
        period_month,
        rm_id,
        market_class,
        service_tier_code,
        max(rm_status) as rm_status,
        count(*) as customers,
        sum(avg_aum) as total_avg_aum,
        sum(contribution) as total_contribution,
        sum(case when is_on_watch then 1 else 0 end) as on_watch_customers
    from fct_customer_segment
    where rm_id is not null
    group by
        period_month,
        rm_id,
        market_class,
        service_tier_code
),

final as (
    select
        cast(books.period_month as date) as period_month,
        books.rm_id,
        dim_relationship_manager.rm_name,
        dim_relationship_manager.branch_id as rm_branch_id,
        books.rm_status,
        rm_status_labels.label_zh as rm_status_label_zh,
        books.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        books.service_tier_code,
        service_tier_labels.label_zh as service_tier_label_zh,
        cast(books.customers as integer) as customers,
        {{ contribution_money('books.total_avg_aum', 38) }} as total_avg_aum,
        {{ contribution_money('books.total_contribution', 38) }} as total_contribution,
        cast(books.on_watch_customers as integer) as on_watch_customers
    from books
    left join dim_relationship_manager
        on books.rm_id = dim_relationship_manager.rm_id
    left join code_labels as rm_status_labels
        on rm_status_labels.code_set = 'rm_status'
            and books.rm_status = rm_status_labels.code
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and books.market_class = market_class_labels.code
    left join code_labels as service_tier_labels
        on service_tier_labels.code_set = 'tier_code'
            and books.service_tier_code = service_tier_labels.code
)

select * from final
