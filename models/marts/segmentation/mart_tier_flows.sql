{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Customer flows between tiers (客户流动, METHODOLOGY.md §8), grain flow_type ×
    period_month × market_class × tier_code. For period p and base period q (`mom`: the
    month before; `ytd`: the December before, 年初): start = in the tier at q; retained =
    in the tier at q and at p; lost = at q, not in the tier at p (another tier, or no
    customer-month at p); gained = in the tier at p, not at q; end = at p. AUM is the
    avg_aum of the period named. Lost and gained are split by cause (seed tier_families,
    macro segmentation_tier_move): lost = downgraded (a lower tier of the same family at p)
    + upgraded (a higher one) + left (no customer-month at p, or another family); gained =
    new (no customer-month at q, or another family) + upgraded (from a lower tier) +
    downgraded (from a higher tier). A row exists for every tier with a customer at q or at p
    (a tier emptied at p still reports its lost customers), and only for periods whose
    base period is loaded (a period of the marts). Incremental by month: a run writes the
    periods from incremental_start_month() on and reads fct_customer_segment from the
    December before the first one's year (the earliest base period it compares with). -#}
{%- set start_month = incremental_start_month() %}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        market_class,
        tier_code,
        avg_aum
    from {{ ref('fct_customer_segment') }}{{ incremental_period_filter(start_month, look_back='year_start_base') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

tier_families as (
    select
        market_class,
        tier_code,
        tier_family,
        tier_rank
    from {{ ref('tier_families') }}
),

-- each customer-month with the family and rank of its tier (seed tier_families)
segments as (
    select
        fct_customer_segment.*,
        tier_families.tier_family,
        tier_families.tier_rank
    from fct_customer_segment
    left join tier_families
        on fct_customer_segment.market_class = tier_families.market_class
            and fct_customer_segment.tier_code = tier_families.tier_code
),

loaded_periods as (
    select distinct period_month from fct_customer_segment
),

-- the periods this run writes (every loaded one on a full build)
written_periods as (
    select period_month from loaded_periods{{ incremental_period_filter(start_month) }}
),

period_pairs as (
    select
        'mom' as flow_type,
        period_month,
        cast({{ dbt.dateadd('month', '-1', 'period_month') }} as date) as base_period_month
    from written_periods

    union all

    select
        'ytd' as flow_type,
        period_month,
        cast({{ dbt.dateadd('month', '-1', dbt.date_trunc('year', 'period_month')) }} as date) as base_period_month
    from written_periods
),

loaded_pairs as (
    select period_pairs.*
    from period_pairs
    inner join loaded_periods
        on period_pairs.base_period_month = loaded_periods.period_month
),

-- One row per customer in a tier at q: counted in start, and in retained or lost.
base_memberships as (
    select
        loaded_pairs.flow_type,
        loaded_pairs.period_month,
        loaded_pairs.base_period_month,
        base_segments.market_class,
        base_segments.tier_code,
        base_segments.avg_aum as start_aum,
        current_segments.avg_aum as end_aum,
        coalesce(
            current_segments.market_class = base_segments.market_class
            and current_segments.tier_code = base_segments.tier_code,
            false
        ) as is_retained,
        {{ segmentation_tier_move('base_segments', 'current_segments') }} as tier_move
    from loaded_pairs
    inner join segments as base_segments
        on loaded_pairs.base_period_month = base_segments.period_month
    left join segments as current_segments
        on base_segments.customer_id = current_segments.customer_id
            and loaded_pairs.period_month = current_segments.period_month
),

-- One row per customer in a tier at p: counted in end, and in gained unless retained.
current_memberships as (
    select
        loaded_pairs.flow_type,
        loaded_pairs.period_month,
        loaded_pairs.base_period_month,
        current_segments.market_class,
        current_segments.tier_code,
        current_segments.avg_aum as end_aum,
        coalesce(
            base_segments.market_class = current_segments.market_class
            and base_segments.tier_code = current_segments.tier_code,
            false
        ) as is_retained,
        {{ segmentation_tier_move('base_segments', 'current_segments') }} as tier_move
    from loaded_pairs
    inner join segments as current_segments
        on loaded_pairs.period_month = current_segments.period_month
    left join segments as base_segments
        on current_segments.customer_id = base_segments.customer_id
            and loaded_pairs.base_period_month = base_segments.period_month
),

flow_rows as (
    select
        flow_type,
        period_month,
        base_period_month,
        market_class,
        tier_code,
        1 as start_customers,
        start_aum,
        case when is_retained then 1 else 0 end as retained_customers,
        case when is_retained then start_aum else 0 end as retained_start_aum,
        case when is_retained then end_aum else 0 end as retained_end_aum,
        case when is_retained then 0 else 1 end as lost_customers,
        case when is_retained then 0 else start_aum end as lost_start_aum,
        0 as gained_customers,
        0 as gained_end_aum,
        0 as end_customers,
        0 as end_aum,
        case when not is_retained and tier_move = 'down' then 1 else 0 end as lost_downgraded_customers,
        case when not is_retained and tier_move = 'up' then 1 else 0 end as lost_upgraded_customers,
        case when not is_retained and tier_move not in ('up', 'down') then 1 else 0 end as lost_left_customers,
        0 as gained_new_customers,
        0 as gained_upgraded_customers,
        0 as gained_downgraded_customers
    from base_memberships

    union all

    select
        flow_type,
        period_month,
        base_period_month,
        market_class,
        tier_code,
        0 as start_customers,
        0 as start_aum,
        0 as retained_customers,
        0 as retained_start_aum,
        0 as retained_end_aum,
        0 as lost_customers,
        0 as lost_start_aum,
        case when is_retained then 0 else 1 end as gained_customers,
        case when is_retained then 0 else end_aum end as gained_end_aum,
        1 as end_customers,
        end_aum,
        0 as lost_downgraded_customers,
        0 as lost_upgraded_customers,
        0 as lost_left_customers,
        case when not is_retained and tier_move not in ('up', 'down') then 1 else 0 end as gained_new_customers,
        case when not is_retained and tier_move = 'up' then 1 else 0 end as gained_upgraded_customers,
        case when not is_retained and tier_move = 'down' then 1 else 0 end as gained_downgraded_customers
    from current_memberships
),

flows as (
    select
        flow_type,
        period_month,
        base_period_month,
        market_class,
        tier_code,
        sum(start_customers) as start_customers,
        sum(start_aum) as start_aum,
        sum(retained_customers) as retained_customers,
        sum(retained_start_aum) as retained_start_aum,
        sum(retained_end_aum) as retained_end_aum,
        sum(lost_customers) as lost_customers,
        sum(lost_start_aum) as lost_start_aum,
        sum(gained_customers) as gained_customers,
        sum(gained_end_aum) as gained_end_aum,
        sum(end_customers) as end_customers,
        sum(end_aum) as end_aum,
        sum(lost_downgraded_customers) as lost_downgraded_customers,
        sum(lost_upgraded_customers) as lost_upgraded_customers,
        sum(lost_left_customers) as lost_left_customers,
        sum(gained_new_customers) as gained_new_customers,
        sum(gained_upgraded_customers) as gained_upgraded_customers,
        sum(gained_downgraded_customers) as gained_downgraded_customers
    from flow_rows
    group by
        flow_type,
        period_month,
        base_period_month,
        market_class,
        tier_code
),

final as (
    select
        flows.flow_type,
        flow_type_labels.label_zh as flow_type_label_zh,
        cast(flows.period_month as date) as period_month,
        cast(flows.base_period_month as date) as base_period_month,
        flows.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        flows.tier_code,
        tier_labels.label_zh as tier_label_zh,
        cast(flows.start_customers as bigint) as start_customers,
        {{ contribution_money('flows.start_aum', 38) }} as start_aum,
        cast(flows.retained_customers as bigint) as retained_customers,
        {{ contribution_money('flows.retained_start_aum', 38) }} as retained_start_aum,
        {{ contribution_money('flows.retained_end_aum', 38) }} as retained_end_aum,
        cast(flows.lost_customers as bigint) as lost_customers,
        {{ contribution_money('flows.lost_start_aum', 38) }} as lost_start_aum,
        cast(flows.gained_customers as bigint) as gained_customers,
        {{ contribution_money('flows.gained_end_aum', 38) }} as gained_end_aum,
        cast(flows.end_customers as bigint) as end_customers,
        {{ contribution_money('flows.end_aum', 38) }} as end_aum,
        cast(flows.end_customers - flows.start_customers as bigint) as net_customer_change,
        {{ contribution_money('flows.end_aum - flows.start_aum', 38) }} as net_aum_change,
        {{ contribution_money('flows.start_aum / nullif(flows.start_customers, 0)') }} as start_avg_aum_per_customer,
        {{ contribution_money('flows.end_aum / nullif(flows.end_customers, 0)') }} as end_avg_aum_per_customer,
        cast(flows.lost_downgraded_customers as bigint) as lost_downgraded_customers,
        cast(flows.lost_upgraded_customers as bigint) as lost_upgraded_customers,
        cast(flows.lost_left_customers as bigint) as lost_left_customers,
        cast(flows.gained_new_customers as bigint) as gained_new_customers,
        cast(flows.gained_upgraded_customers as bigint) as gained_upgraded_customers,
        cast(flows.gained_downgraded_customers as bigint) as gained_downgraded_customers
    from flows
    left join code_labels as flow_type_labels
        on flow_type_labels.code_set = 'flow_type'
            and flows.flow_type = flow_type_labels.code
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and flows.market_class = market_class_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and flows.tier_code = tier_labels.code
)

select * from final
