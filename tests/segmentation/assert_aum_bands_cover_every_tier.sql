{#- The asset-size bands of the segment profiles (seed aum_bands, doc `aum_band_overrides`):
    every (market_class, tier_code) of seed tier_families has bank-wide (`*`) bands, and no
    two bands of one branch and tier overlap (a customer-month falls in at most one band:
    half-open [min, max), a null bound open). Returns the tiers without bands and the
    overlapping pairs. -#}
with

tier_families as (
    select
        market_class,
        tier_code
    from {{ ref('tier_families') }}
),

int_aum_bands_resolved as (
    select * from {{ ref('int_aum_bands_resolved') }}
),

tiers_without_bands as (
    select
        '*' as branch_id,
        tier_families.market_class,
        tier_families.tier_code,
        cast(null as {{ dbt.type_string() }}) as aum_band,
        cast(null as {{ dbt.type_string() }}) as other_aum_band,
        'tier without bank-wide bands' as failure
    from tier_families
    left join int_aum_bands_resolved
        on int_aum_bands_resolved.branch_id = '*'
            and tier_families.market_class = int_aum_bands_resolved.market_class
            and tier_families.tier_code = int_aum_bands_resolved.tier_code
    where int_aum_bands_resolved.aum_band is null
),

overlapping_bands as (
    select
        bands.branch_id,
        bands.market_class,
        bands.tier_code,
        bands.aum_band,
        other_bands.aum_band as other_aum_band,
        'overlapping bands' as failure
    from int_aum_bands_resolved as bands
    inner join int_aum_bands_resolved as other_bands
        on bands.branch_id = other_bands.branch_id
            and bands.market_class = other_bands.market_class
            and bands.tier_code = other_bands.tier_code
            and bands.aum_band < other_bands.aum_band
    where
        (
            bands.max_avg_aum is null or other_bands.min_avg_aum is null
            or other_bands.min_avg_aum < bands.max_avg_aum
        )
        and (
            other_bands.max_avg_aum is null or bands.min_avg_aum is null
            or bands.min_avg_aum < other_bands.max_avg_aum
        )
),

final as (
    select * from tiers_without_bands
    union all
    select * from overlapping_bands
)

select * from final
