{#- Every customer-month of fct_customer_contribution has exactly one row in
    fct_customer_segment with one tier and one quadrant, and the segment fact has no other
    rows (INTERFACES.md §3). Returns the offending customer-months. -#}
with

fct_customer_contribution as (
    select
        customer_id,
        period_month
    from {{ ref('fct_customer_contribution') }}
),

fct_customer_segment as (
    select
        customer_id,
        period_month,
        tier_code,
        value_quadrant
    from {{ ref('fct_customer_segment') }}
),

segment_counts as (
    select
        customer_id,
        period_month,
        count(*) as segment_rows,
        count(tier_code) as tiered_rows,
        count(value_quadrant) as quadrant_rows
    from fct_customer_segment
    group by customer_id, period_month
),

final as (
    select
        coalesce(fct_customer_contribution.customer_id, segment_counts.customer_id) as customer_id,
        coalesce(fct_customer_contribution.period_month, segment_counts.period_month) as period_month,
        case
            when segment_counts.customer_id is null then 'no segment row'
            when fct_customer_contribution.customer_id is null then 'segment row without contribution row'
            when segment_counts.segment_rows != 1 then 'several segment rows'
            when segment_counts.tiered_rows != 1 then 'no tier'
            when segment_counts.quadrant_rows != 1 then 'no quadrant'
        end as failure
    from fct_customer_contribution
    full outer join segment_counts
        on fct_customer_contribution.customer_id = segment_counts.customer_id
            and fct_customer_contribution.period_month = segment_counts.period_month
)

select * from final
where failure is not null
