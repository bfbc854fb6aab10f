{#- Base periods of mart_tier_flows (METHODOLOGY.md §8): mom = the month before, ytd = the
    December before the period's year; every loaded period whose base month is loaded has
    both rows. Returns wrong base periods and missing (flow_type, period) pairs. -#}
with

mart_tier_flows as (
    select distinct
        flow_type,
        period_month,
        base_period_month
    from {{ ref('mart_tier_flows') }}
),

loaded_periods as (
    select distinct period_month from {{ ref('fct_customer_segment') }}
),

period_bases as (
    select
        period_month,
        cast({{ dbt.dateadd('month', '-1', 'period_month') }} as date) as month_before,
        cast({{ dbt.dateadd('month', '-1', dbt.date_trunc('year', 'period_month')) }} as date) as december_before
    from loaded_periods
),

expected_pairs as (
    select
        'mom' as flow_type,
        period_month,
        month_before as base_period_month
    from period_bases

    union all

    select
        'ytd' as flow_type,
        period_month,
        december_before as base_period_month
    from period_bases
),

expected_loaded_pairs as (
    select expected_pairs.*
    from expected_pairs
    inner join loaded_periods
        on expected_pairs.base_period_month = loaded_periods.period_month
),

final as (
    select
        coalesce(expected_loaded_pairs.flow_type, mart_tier_flows.flow_type) as flow_type,
        coalesce(expected_loaded_pairs.period_month, mart_tier_flows.period_month) as period_month,
        expected_loaded_pairs.base_period_month as expected_base_period_month,
        mart_tier_flows.base_period_month
    from expected_loaded_pairs
    full outer join mart_tier_flows
        on expected_loaded_pairs.flow_type = mart_tier_flows.flow_type
            and expected_loaded_pairs.period_month = mart_tier_flows.period_month
            and expected_loaded_pairs.base_period_month = mart_tier_flows.base_period_month
    where expected_loaded_pairs.flow_type is null or mart_tier_flows.flow_type is null
)

select * from final
