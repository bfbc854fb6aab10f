{#- `aum_bands` resolved per branch (METHODOLOGY.md §6, doc `aum_band_overrides`): one row per
    branch_id × market_class × tier_code × aum_band. Bands are a set per tier, so a branch
    with any row for a tier takes its own rows for that tier and none of the `*` rows;
    every other tier keeps the `*` set. -#}
with

int_branches_listed as (
    select branch_id from {{ ref('int_branches_listed') }}
),

aum_bands as (
    select * from {{ ref('aum_bands') }}
),

-- the tiers a branch gives its own band set
branch_band_sets as (
    select distinct
        branch_id,
        market_class,
        tier_code
    from aum_bands
    where branch_id != '*'
),

candidates as (
    select
        int_branches_listed.branch_id,
        aum_bands.market_class,
        aum_bands.tier_code,
        aum_bands.aum_band,
        aum_bands.min_avg_aum,
        aum_bands.max_avg_aum,
        aum_bands.branch_id as source_branch_id
    from int_branches_listed
    inner join aum_bands
        on int_branches_listed.branch_id = aum_bands.branch_id
            or aum_bands.branch_id = '*'
),

final as (
    select
        candidates.branch_id,
        candidates.market_class,
        candidates.tier_code,
        candidates.aum_band,
        candidates.min_avg_aum,
        candidates.max_avg_aum
    from candidates
    left join branch_band_sets
        on candidates.branch_id = branch_band_sets.branch_id
            and candidates.market_class = branch_band_sets.market_class
            and candidates.tier_code = branch_band_sets.tier_code
    where
        candidates.source_branch_id != '*'
        or branch_band_sets.branch_id is null
)

select * from final
