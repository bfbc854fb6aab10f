{#- What the worklists achieve (成效, METHODOLOGY.md §18, INTERFACES.md §3; doc
    `worklist_outcomes_rule`), grain period_month × list_code × branch_id: the entries of
    each list, those contacted within outcome_contact_days (30) after the period end, those
    retained outcome_horizon_months (3) later — a customer-month whose service tier is of
    the same family and ranks at least as high as at m — and those both contacted and
    retained. The counts are null until m + 3 months is loaded. A table rebuilt every run:
    each new month completes the outcomes of the months before it. -#}
with

mart_rm_worklist as (
    select
        period_month,
        list_code,
        customer_id,
        branch_id,
        coalesce(branch_id, '*') as parameter_branch_id,
        market_class,
        service_tier_code
    from {{ ref('mart_rm_worklist') }}
),

fct_customer_segment as (
    select
        customer_id,
        period_month,
        market_class,
        service_tier_code
    from {{ ref('fct_customer_segment') }}
),

int_contacts_validated as (
    select
        customer_id,
        contact_date
    from {{ ref('int_contacts_validated') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        outcome_contact_days,
        outcome_horizon_months
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

entries as (
    select
        mart_rm_worklist.*,
        cast({{ dbt.last_day('mart_rm_worklist.period_month', 'month') }} as date) as period_end,
        cast(int_branch_parameters_pivoted.outcome_contact_days as integer) as contact_days,
        cast(int_branch_parameters_pivoted.outcome_horizon_months as integer) as horizon_months,
        entry_families.tier_family,
        entry_families.tier_rank
    from mart_rm_worklist
    inner join int_branch_parameters_pivoted
        on mart_rm_worklist.parameter_branch_id = int_branch_parameters_pivoted.branch_id
    left join tier_families as entry_families
        on mart_rm_worklist.market_class = entry_families.market_class
            and mart_rm_worklist.service_tier_code = entry_families.tier_code
),

-- A clean contact dated in (pe, pe + contact_days].
contacted as (
    select distinct
        entries.period_month,
        entries.list_code,
        entries.customer_id
    from entries
    inner join int_contacts_validated
        on entries.customer_id = int_contacts_validated.customer_id
            and entries.period_end < int_contacts_validated.contact_date
            and int_contacts_validated.contact_date
            <= cast({{ dbt.dateadd('day', 'entries.contact_days', 'entries.period_end') }} as date)
),

-- horizon_months later: served in the same family at an equal or higher rank (an entry
-- without a customer-month at m has no service tier and is never retained).
retained as (
    select
        entries.period_month,
        entries.list_code,
        entries.customer_id
    from entries
    inner join fct_customer_segment as later
        on entries.customer_id = later.customer_id
            and later.period_month
            = cast({{ dbt.dateadd('month', 'entries.horizon_months', 'entries.period_month') }} as date)
    inner join tier_families as later_families
        on later.market_class = later_families.market_class
            and later.service_tier_code = later_families.tier_code
    where
        later_families.tier_family = entries.tier_family
        and later_families.tier_rank >= entries.tier_rank
),

flagged as (
    select
        entries.period_month,
        entries.list_code,
        entries.branch_id,
        cast({{ dbt.dateadd('month', 'entries.horizon_months', 'entries.period_month') }} as date)
        <= latest_periods.latest_period_month as is_horizon_complete,
        case when contacted.customer_id is not null then 1 else 0 end as is_contacted,
        case when retained.customer_id is not null then 1 else 0 end as is_retained
    from entries
    cross join latest_periods
    left join contacted
        on entries.period_month = contacted.period_month
            and entries.list_code = contacted.list_code
            and entries.customer_id = contacted.customer_id
    left join retained
        on entries.period_month = retained.period_month
            and entries.list_code = retained.list_code
            and entries.customer_id = retained.customer_id
),

counted as (
    select
        period_month,
        list_code,
        branch_id,
        is_horizon_complete,
        count(*) as entries,
        sum(is_contacted) as contacted_entries,
        sum(is_retained) as retained_entries,
        sum(is_contacted * is_retained) as retained_contacted_entries
    from flagged
    group by
        period_month,
        list_code,
        branch_id,
        is_horizon_complete
),

final as (
    select
        cast(counted.period_month as date) as period_month,
        counted.list_code,
        list_labels.label_zh as list_label_zh,
        counted.branch_id,
        cast(counted.entries as integer) as entries,
        cast(case when counted.is_horizon_complete then counted.contacted_entries end as integer)
            as contacted_entries,
        cast(case when counted.is_horizon_complete then counted.retained_entries end as integer)
            as retained_entries,
        cast(case when counted.is_horizon_complete then counted.retained_contacted_entries end as integer)
            as retained_contacted_entries,
        counted.is_horizon_complete
    from counted
    left join code_labels as list_labels
        on list_labels.code_set = 'worklist'
            and counted.list_code = list_labels.code
)

select * from final
