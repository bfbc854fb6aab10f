{#- METHODOLOGY.md §11: the lost_since_year_start count per (period, market_class, December
    tier) of mart_rm_worklist equals mart_tier_flows' ytd lost_customers − lost_upgraded_customers
    (§8: customers who moved up are not lost to the bank; customers with no customer-month in
    the period are) for every tier that every branch watches (a branch that un-watches a
    tier removes its customers from the list only). Returns the disagreements. -#}
with

mart_tier_flows as (
    select
        period_month,
        market_class,
        tier_code,
        lost_customers - lost_upgraded_customers as lost_customers
    from {{ ref('mart_tier_flows') }}
    where flow_type = 'ytd'
),

mart_rm_worklist as (
    select
        period_month,
        market_class,
        reference_tier_code as tier_code
    from {{ ref('mart_rm_worklist') }}
    where list_code = 'lost_since_year_start'
),

int_worklist_watched_tiers_resolved as (
    select * from {{ ref('int_worklist_watched_tiers_resolved') }}
),

int_branches_listed as (
    select branch_id from {{ ref('int_branches_listed') }}
),

watched_by_every_branch as (
    select
        int_worklist_watched_tiers_resolved.market_class,
        int_worklist_watched_tiers_resolved.tier_code
    from int_worklist_watched_tiers_resolved
    where int_worklist_watched_tiers_resolved.is_watched
    group by
        int_worklist_watched_tiers_resolved.market_class,
        int_worklist_watched_tiers_resolved.tier_code
    having count(distinct int_worklist_watched_tiers_resolved.branch_id) = (select count(*) from int_branches_listed)
),

flows as (
    select mart_tier_flows.*
    from mart_tier_flows
    inner join watched_by_every_branch
        on mart_tier_flows.market_class = watched_by_every_branch.market_class
            and mart_tier_flows.tier_code = watched_by_every_branch.tier_code
),

listed as (
    select
        mart_rm_worklist.period_month,
        mart_rm_worklist.market_class,
        mart_rm_worklist.tier_code,
        count(*) as listed_customers
    from mart_rm_worklist
    inner join watched_by_every_branch
        on mart_rm_worklist.market_class = watched_by_every_branch.market_class
            and mart_rm_worklist.tier_code = watched_by_every_branch.tier_code
    group by
        mart_rm_worklist.period_month,
        mart_rm_worklist.market_class,
        mart_rm_worklist.tier_code
),

final as (
    select
        coalesce(flows.period_month, listed.period_month) as period_month,
        coalesce(flows.market_class, listed.market_class) as market_class,
        coalesce(flows.tier_code, listed.tier_code) as tier_code,
        flows.lost_customers,
        listed.listed_customers
    from flows
    full outer join listed
        on flows.period_month = listed.period_month
            and flows.market_class = listed.market_class
            and flows.tier_code = listed.tier_code
    where coalesce(flows.lost_customers, -1) != coalesce(listed.listed_customers, 0)
)

select * from final
