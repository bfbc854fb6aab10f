{#- Does the early warning work? (METHODOLOGY.md §16, INTERFACES.md §3; doc
    `early_warning_backtest_rule`), grain period_month × market_class × churn_risk_band:
    over the customer-months served at a watched tier, how many were flagged in each band
    and how many were lost within warning_horizon_months (3) — no customer-month, a service
    tier of another family, or a lower one, in some month m+1 … m+3. A table rebuilt every
    run: each new month completes the horizon of the months before it. -#}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        coalesce(branch_id, '*') as parameter_branch_id,
        market_class,
        service_tier_code,
        churn_risk_band
    from {{ ref('fct_customer_segment') }}
),

int_worklist_watched_tiers_resolved as (
    select * from {{ ref('int_worklist_watched_tiers_resolved') }}
    where is_watched
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        warning_horizon_months
    from {{ ref('int_branch_parameters_pivoted') }}
),

tier_families as (
    select
        market_class,
        tier_code,
        tier_family,
        tier_rank
    from {{ ref('tier_families') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

latest_periods as (
    select max(period_month) as latest_period_month from fct_customer_segment
),

-- The bank-wide horizon (the mart has no branch) and the latest period.
horizons as (
    select
        cast(int_branch_parameters_pivoted.warning_horizon_months as integer) as horizon_months,
        latest_periods.latest_period_month
    from int_branch_parameters_pivoted
    cross join latest_periods
    where int_branch_parameters_pivoted.branch_id = '*'
),

served as (
    select
        fct_customer_segment.customer_id,
        fct_customer_segment.period_month,
        fct_customer_segment.parameter_branch_id,
        fct_customer_segment.market_class,
        fct_customer_segment.service_tier_code,
        fct_customer_segment.churn_risk_band,
        tier_families.tier_family,
        tier_families.tier_rank
    from fct_customer_segment
    left join tier_families
        on fct_customer_segment.market_class = tier_families.market_class
            and fct_customer_segment.service_tier_code = tier_families.tier_code
),

flagged as (
    select served.*
    from served
    inner join int_worklist_watched_tiers_resolved
        on served.parameter_branch_id = int_worklist_watched_tiers_resolved.branch_id
            and served.market_class = int_worklist_watched_tiers_resolved.market_class
            and served.service_tier_code = int_worklist_watched_tiers_resolved.tier_code
),

-- The months of the horizon in which the customer is still served in the same family at
-- an equal or higher rank; fewer than the horizon's months = lost.
kept_months as (
    select
        flagged.customer_id,
        flagged.period_month,
        count(later.period_month) as kept_months
    from flagged
    cross join horizons
    left join served as later
        on flagged.customer_id = later.customer_id
            and flagged.period_month < later.period_month
            and later.period_month
            <= cast({{ dbt.dateadd('month', 'horizons.horizon_months', 'flagged.period_month') }} as date)
            and flagged.tier_family = later.tier_family
            and flagged.tier_rank <= later.tier_rank
    group by
        flagged.customer_id,
        flagged.period_month
),

outcomes as (
    select
        flagged.period_month,
        flagged.market_class,
        flagged.churn_risk_band,
        cast({{ dbt.dateadd('month', 'horizons.horizon_months', 'flagged.period_month') }} as date)
        <= horizons.latest_period_month as is_horizon_complete,
        case when kept_months.kept_months < horizons.horizon_months then 1 else 0 end as is_lost
    from flagged
    inner join kept_months
        on flagged.customer_id = kept_months.customer_id
            and flagged.period_month = kept_months.period_month
    cross join horizons
),

counted as (
    select
        period_month,
        market_class,
        churn_risk_band,
        is_horizon_complete,
        count(*) as flagged_customers,
        sum(is_lost) as lost_customers
    from outcomes
    group by
        period_month,
        market_class,
        churn_risk_band,
        is_horizon_complete
),

final as (
    select
        cast(counted.period_month as date) as period_month,
        counted.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        counted.churn_risk_band,
        band_labels.label_zh as churn_risk_band_label_zh,
        cast(counted.flagged_customers as integer) as flagged_customers,
        cast(case when counted.is_horizon_complete then counted.lost_customers end as integer)
            as lost_customers,
        cast(case
            when counted.is_horizon_complete
                then round(cast(counted.lost_customers as double) / counted.flagged_customers, 4)
        end as double) as lost_share,
        counted.is_horizon_complete
    from counted
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and counted.market_class = market_class_labels.code
    left join code_labels as band_labels
        on band_labels.code_set = 'churn_risk_band'
            and counted.churn_risk_band = band_labels.code
)

select * from final
