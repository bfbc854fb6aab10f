{#- METHODOLOGY.md §10: every tier of seed tier_families has a bank-wide (`*`) row in seed
    tier_downgrade_grace (0 = no grace), so no service tier ever lacks its grace period, and
    every grace row names a tier of its market class. Returns the offending tiers. -#}
with

tier_families as (
    select
        market_class,
        tier_code
    from {{ ref('tier_families') }}
),

tier_downgrade_grace as (
    select
        branch_id,
        market_class,
        tier_code
    from {{ ref('tier_downgrade_grace') }}
),

bank_wide_grace as (
    select * from tier_downgrade_grace
    where branch_id = '*'
),

final as (
    select
        tier_families.market_class,
        tier_families.tier_code,
        'no bank-wide grace row' as problem
    from tier_families
    left join bank_wide_grace
        on tier_families.market_class = bank_wide_grace.market_class
            and tier_families.tier_code = bank_wide_grace.tier_code
    where bank_wide_grace.tier_code is null

    union all

    select
        tier_downgrade_grace.market_class,
        tier_downgrade_grace.tier_code,
        'grace row for a tier not in tier_families' as problem
    from tier_downgrade_grace
    left join tier_families
        on tier_downgrade_grace.market_class = tier_families.market_class
            and tier_downgrade_grace.tier_code = tier_families.tier_code
    where tier_families.tier_code is null
)

select * from final
