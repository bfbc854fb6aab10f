{#- METHODOLOGY.md §10 invariants on a real build: without an override, service tier =
    assessed tier, or (on watch) a higher tier of the same family with 1 ≤ months_below ≤
    grace and grace_months_left = grace − months_below; with an override, its id, reason
    and approver are carried and months_below is 0. Returns the violating rows. -#}
with

int_customer_months_service_tiered as (
    select * from {{ ref('int_customer_months_service_tiered') }}
),

final as (
    select
        customer_id,
        period_month,
        tier_code,
        service_tier_code,
        service_tier_rule,
        months_below,
        grace_months,
        grace_months_left,
        override_id
    from int_customer_months_service_tiered
    where
        (
            override_id is null
            and not is_on_watch
            and (service_tier_code != tier_code or months_below != 0 or grace_months_left is not null)
        )
        or (
            override_id is null
            and is_on_watch
            and (
                service_tier_family != tier_family
                or service_tier_rank <= tier_rank
                or months_below < 1
                or months_below > grace_months
                or grace_months_left != grace_months - months_below
            )
        )
        or (
            override_id is not null
            and (
                service_tier_rule != 'override'
                or months_below != 0
                or is_on_watch
                or override_reason is null
                or override_approved_by is null
            )
        )
)

select * from final
