{#- Manual tier overrides that passed every check (METHODOLOGY.md §10): one row per
    override; the overrides of one customer never overlap. -#}
with

int_tier_overrides_checked as (
    select * from {{ ref('int_tier_overrides_checked') }}
),

final as (
    select
        override_id,
        customer_id,
        market_class,
        tier_code,
        reason,
        requested_by,
        approved_by,
        valid_from,
        valid_to
    from int_tier_overrides_checked
    where dq_reason_code is null
)

select * from final
