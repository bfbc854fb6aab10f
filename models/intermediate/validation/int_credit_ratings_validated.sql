{#- Ratings of staged customers (orphans quarantined, METHODOLOGY.md §9). -#}
with

checked as (
    {{ validated_customer_children('stg_core__credit_ratings') }}
),

final as (
    select
        customer_id,
        rating,
        rating_date
    from checked
    where dq_reason_code is null
)

select * from final
