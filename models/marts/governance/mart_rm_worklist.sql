{{ config(
    materialized='incremental',
    pre_hook="{{ clear_incremental_window('period_month') }}",
    **incremental_by_month('period_month')
) }}
{#- Relationship-manager worklists (客户经理工作清单, METHODOLOGY.md §11, §14, INTERFACES.md §3),
    grain period_month × list_code × customer_id, every period (doc `rm_worklist_rule`):
    near_upgrade, on_watch, downgraded, lost_since_year_start, declining, handover (§14),
    large_outflow, churn_risk, win_back (§16), contact_overdue (§18); every row names the
    customer's owner at the period end (rm_id, rm_status). Watched tiers
    and ratios come from the branch-resolved seeds (§6). Boundaries are compared in
    DECIMAL on published amounts (0.01), so exactly 0.9 × a line is near_upgrade and a fall
    of exactly 20 % is declining whatever binary floating point would say. priority ranks
    the rows of a list in a period and branch by avg_aum, highest first, ties by
    customer_id. Incremental by month: a run writes the periods from
    incremental_start_month() on (also the months the transactions' pass rewrote: net
    outflow, churn risk and lifecycle follow them) and reads the customer-months from the
    December before the first one's year (lost_since_year_start compares with it, declining
    with the month before) or the win-back look-back (12 months), whichever is earlier; the
    window's months are cleared first (a month whose lists became empty loses its old rows). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
{%- set read_from = none %}
{%- if start_month is not none %}
{%- set read_from = [incremental_read_from(start_month, look_back='year_start_base'),
    engagement_read_from(start_month, ['win_back_lookback_months'])] | min %}
{%- endif %}
{%- set read_filter = '' if read_from is none else " where period_month >= cast('" ~ read_from ~ "' as date)" %}
with

fct_customer_segment as (
    select
        customer_id,
        period_month,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        previous_service_tier_code,
        avg_aum,
        avg_deposit_balance,
        months_below,
        is_on_watch,
        grace_months_left,
        tier_basis,
        tier_basis_value,
        next_tier_code,
        next_tier_line_value,
        days_since_contact,
        lifecycle_stage,
        previous_avg_aum,
        net_outflow,
        churn_risk_score,
        churn_risk_band
    from {{ ref('fct_customer_segment') }}{{ read_filter }}
),

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        annual_sales,
        large_min_annual_sales
    from {{ ref('int_customer_months_classified') }}{{ read_filter }}
),

int_customer_months_assigned as (
    select
        customer_id,
        period_month,
        rm_id,
        rm_status,
        rm_leave_date
    from {{ ref('int_customer_months_assigned') }}{{ incremental_period_filter(start_month) }}
),

tier_families as (
    select * from {{ ref('tier_families') }}
),

int_tier_lines_resolved as (
    select * from {{ ref('int_tier_lines_resolved') }}
),

int_worklist_watched_tiers_resolved as (
    select * from {{ ref('int_worklist_watched_tiers_resolved') }}
    where is_watched
),

int_contact_cadence_resolved as (
    select * from {{ ref('int_contact_cadence_resolved') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        near_line_ratio,
        decline_ratio,
        handover_notice_days,
        outflow_ratio,
        outflow_min_amount,
        win_back_lookback_months
    from {{ ref('int_branch_parameters_pivoted') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

customer_months as (
    select
        fct_customer_segment.customer_id,
        fct_customer_segment.period_month,
        fct_customer_segment.branch_id,
        coalesce(fct_customer_segment.branch_id, '*') as parameter_branch_id,
        fct_customer_segment.market_class,
        fct_customer_segment.tier_code,
        fct_customer_segment.service_tier_code,
        fct_customer_segment.previous_service_tier_code,
        {{ governance_money('fct_customer_segment.avg_aum') }} as avg_aum,
        {{ governance_money('fct_customer_segment.avg_deposit_balance') }} as avg_deposit_balance,
        {{ governance_money('int_customer_months_classified.annual_sales') }} as annual_sales,
        {{ governance_money('int_customer_months_classified.large_min_annual_sales') }} as large_min_annual_sales,
        fct_customer_segment.months_below,
        fct_customer_segment.is_on_watch,
        fct_customer_segment.grace_months_left,
        fct_customer_segment.days_since_contact,
        fct_customer_segment.lifecycle_stage,
        {{ governance_money('fct_customer_segment.previous_avg_aum') }} as previous_avg_aum,
        {{ governance_money('fct_customer_segment.net_outflow') }} as net_outflow,
        fct_customer_segment.churn_risk_score,
        fct_customer_segment.churn_risk_band,
        fct_customer_segment.tier_basis,
        {{ governance_money('fct_customer_segment.tier_basis_value') }} as tier_basis_value,
        fct_customer_segment.next_tier_code,
        {{ governance_money('fct_customer_segment.next_tier_line_value') }} as next_tier_line_value,
        {{ governance_ratio('int_branch_parameters_pivoted.near_line_ratio') }} as near_line_ratio,
        {{ governance_ratio('int_branch_parameters_pivoted.decline_ratio') }} as decline_ratio,
        cast(int_branch_parameters_pivoted.handover_notice_days as integer) as handover_notice_days,
        {{ governance_ratio('int_branch_parameters_pivoted.outflow_ratio') }} as outflow_ratio,
        {{ governance_money('int_branch_parameters_pivoted.outflow_min_amount') }} as outflow_min_amount,
        cast(int_branch_parameters_pivoted.win_back_lookback_months as integer) as win_back_lookback_months
    from fct_customer_segment
    left join int_customer_months_classified
        on fct_customer_segment.customer_id = int_customer_months_classified.customer_id
            and fct_customer_segment.period_month = int_customer_months_classified.period_month
    left join int_branch_parameters_pivoted
        on coalesce(fct_customer_segment.branch_id, '*') = int_branch_parameters_pivoted.branch_id
),

-- The line of the service tier and of last month's service tier for the customer (the
-- large line is the customer's section's), with the customer's amount of that basis.
tier_references as (
    select
        customer_months.*,
        service_families.tier_family as service_tier_family,
        service_families.tier_rank as service_tier_rank,
        previous_families.tier_family as previous_service_tier_family,
        previous_families.tier_rank as previous_service_tier_rank,
        {{ governance_money(governance_tier_line('service_families', 'service_lines', 'customer_months')) }}
            as service_tier_line_value,
        {{ governance_basis_amount('service_families.tier_basis', 'customer_months') }} as service_tier_basis_value,
        {{ governance_money(governance_tier_line('previous_families', 'previous_lines', 'customer_months')) }}
            as previous_tier_line_value,
        {{ governance_basis_amount('previous_families.tier_basis', 'customer_months') }} as previous_tier_basis_value
    from customer_months
    left join tier_families as service_families
        on customer_months.market_class = service_families.market_class
            and customer_months.service_tier_code = service_families.tier_code
    left join tier_families as previous_families
        on customer_months.market_class = previous_families.market_class
            and customer_months.previous_service_tier_code = previous_families.tier_code
    left join int_tier_lines_resolved as service_lines
        on customer_months.parameter_branch_id = service_lines.branch_id
            and customer_months.market_class = service_lines.market_class
            and customer_months.service_tier_code = service_lines.tier_code
    left join int_tier_lines_resolved as previous_lines
        on customer_months.parameter_branch_id = previous_lines.branch_id
            and customer_months.market_class = previous_lines.market_class
            and customer_months.previous_service_tier_code = previous_lines.tier_code
),

-- 临界提升: the assessed tier has a next higher line of the same amount basis and the
-- basis value is at least near_line_ratio × that line.
near_upgrade as (
    select
        period_month,
        'near_upgrade' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        next_tier_code as reference_tier_code,
        cast(null as date) as reference_period_month,
        next_tier_line_value as reference_value,
        next_tier_line_value - tier_basis_value as gap,
        months_below,
        grace_months_left
    from customer_months
    where
        tier_basis in ('avg_aum', 'avg_deposit_balance')
        and next_tier_line_value is not null
        and tier_basis_value >= near_line_ratio * next_tier_line_value
),

-- 保级关注: the service tier is kept within its grace; compared with its line.
on_watch as (
    select
        period_month,
        'on_watch' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        service_tier_code as reference_tier_code,
        cast(null as date) as reference_period_month,
        service_tier_line_value as reference_value,
        service_tier_line_value - service_tier_basis_value as gap,
        months_below,
        grace_months_left
    from tier_references
    where is_on_watch
),

-- 本月降级: the service tier ranks lower than last month's, in the same family.
downgraded as (
    select
        period_month,
        'downgraded' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        previous_service_tier_code as reference_tier_code,
        cast({{ dbt.dateadd('month', '-1', 'period_month') }} as date) as reference_period_month,
        previous_tier_line_value as reference_value,
        previous_tier_line_value - previous_tier_basis_value as gap,
        months_below,
        grace_months_left
    from tier_references
    where
        service_tier_family = previous_service_tier_family
        and service_tier_rank < previous_service_tier_rank
),

-- 年初以来流失: in a watched assessed tier at the December before (a loaded period), and
-- now without a customer-month, in another family or in a lower tier of the family (a
-- customer who moved up is not lost to the bank): mart_tier_flows' ytd lost_customers
-- less its lost_upgraded_customers (§8, the same macro segmentation_tier_move).
year_start_periods as (
    select distinct
        period_month,
        cast({{ dbt.dateadd('month', '-1', dbt.date_trunc('year', 'period_month')) }} as date) as base_period_month
    from customer_months
),

lost_since_year_start as (
    select
        year_start_periods.period_month,
        'lost_since_year_start' as list_code,
        base_months.customer_id,
        coalesce(current_months.branch_id, base_months.branch_id) as branch_id,
        base_months.market_class,
        current_months.tier_code,
        current_months.service_tier_code,
        current_months.avg_aum,
        base_months.tier_code as reference_tier_code,
        base_months.period_month as reference_period_month,
        base_months.avg_aum as reference_value,
        base_months.avg_aum - coalesce(current_months.avg_aum, 0) as gap,
        current_months.months_below,
        current_months.grace_months_left
    from year_start_periods
    inner join customer_months as base_months
        on year_start_periods.base_period_month = base_months.period_month
    inner join int_worklist_watched_tiers_resolved
        on base_months.parameter_branch_id = int_worklist_watched_tiers_resolved.branch_id
            and base_months.market_class = int_worklist_watched_tiers_resolved.market_class
            and base_months.tier_code = int_worklist_watched_tiers_resolved.tier_code
    left join customer_months as current_months
        on base_months.customer_id = current_months.customer_id
            and year_start_periods.period_month = current_months.period_month
    left join tier_families as base_families
        on base_months.market_class = base_families.market_class
            and base_months.tier_code = base_families.tier_code
    left join tier_families as current_families
        on current_months.market_class = current_families.market_class
            and current_months.tier_code = current_families.tier_code
    where
        not coalesce(
            current_months.market_class = base_months.market_class
            and current_months.tier_code = base_months.tier_code,
            false
        )
        and {{ segmentation_tier_move('base_families', 'current_families') }} != 'up'
),

-- 资产下滑: a watched assessed tier now, and avg_aum fell by at least decline_ratio from a
-- positive avg_aum the month before: now ≤ (1 − decline_ratio) × before.
declining as (
    select
        current_months.period_month,
        'declining' as list_code,
        current_months.customer_id,
        current_months.branch_id,
        current_months.market_class,
        current_months.tier_code,
        current_months.service_tier_code,
        current_months.avg_aum,
        cast(null as {{ dbt.type_string() }}) as reference_tier_code,
        previous_months.period_month as reference_period_month,
        previous_months.avg_aum as reference_value,
        previous_months.avg_aum - current_months.avg_aum as gap,
        current_months.months_below,
        current_months.grace_months_left
    from customer_months as current_months
    inner join int_worklist_watched_tiers_resolved
        on current_months.parameter_branch_id = int_worklist_watched_tiers_resolved.branch_id
            and current_months.market_class = int_worklist_watched_tiers_resolved.market_class
            and current_months.tier_code = int_worklist_watched_tiers_resolved.tier_code
    inner join customer_months as previous_months
        on current_months.customer_id = previous_months.customer_id
            and previous_months.period_month
            = cast({{ dbt.dateadd('month', '-1', 'current_months.period_month') }} as date)
    where
        previous_months.avg_aum > 0
        and current_months.avg_aum <= (1 - current_months.decline_ratio) * previous_months.avg_aum
),

-- The customer-months served at a tier their branch watches (§11): the lists of §14 and
-- §16 that act on the valuable customers read these.
watched_service_months as (
    select customer_months.*
    from customer_months
    inner join int_worklist_watched_tiers_resolved
        on customer_months.parameter_branch_id = int_worklist_watched_tiers_resolved.branch_id
            and customer_months.market_class = int_worklist_watched_tiers_resolved.market_class
            and customer_months.service_tier_code = int_worklist_watched_tiers_resolved.tier_code
),

-- 待交接 (§14): a watched service tier whose owner is not active at pe (departed, or no
-- owner at all), or leaves the bank within handover_notice_days after pe; compared with
-- the notice days, gap = days from pe to the owner's leave_date (null without an owner).
handover as (
    select
        customer_months.period_month,
        'handover' as list_code,
        customer_months.customer_id,
        customer_months.branch_id,
        customer_months.market_class,
        customer_months.tier_code,
        customer_months.service_tier_code,
        customer_months.avg_aum,
        cast(null as {{ dbt.type_string() }}) as reference_tier_code,
        cast(null as date) as reference_period_month,
        customer_months.handover_notice_days as reference_value,
        {{ dbt.datediff(dbt.last_day('customer_months.period_month', 'month'), 'owners.rm_leave_date', 'day') }}
            as gap,
        customer_months.months_below,
        customer_months.grace_months_left
    from watched_service_months as customer_months
    left join int_customer_months_assigned as owners
        on customer_months.customer_id = owners.customer_id
            and customer_months.period_month = owners.period_month
    where
        owners.rm_id is null
        or owners.rm_status != 'active'
        or owners.rm_leave_date <= cast({{ dbt.dateadd(
            'day', 'customer_months.handover_notice_days', dbt.last_day('customer_months.period_month', 'month')) }} as date)
),

-- 大额资金流出 (§16): a watched service tier, money out of the deposits of at least
-- outflow_ratio (0.3) of last month's avg_aum and at least outflow_min_amount (100,000 CNY);
-- compared with last month's avg_aum, gap = the net outflow.
large_outflow as (
    select
        period_month,
        'large_outflow' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        cast(null as {{ dbt.type_string() }}) as reference_tier_code,
        cast({{ dbt.dateadd('month', '-1', 'period_month') }} as date) as reference_period_month,
        previous_avg_aum as reference_value,
        net_outflow as gap,
        months_below,
        grace_months_left
    from watched_service_months
    where
        previous_avg_aum > 0
        and net_outflow >= outflow_ratio * previous_avg_aum
        and net_outflow >= outflow_min_amount
),

-- 流失高风险 (§16): a watched service tier in the high churn-risk band; the score is the
-- reference (its indicators are columns of fct_customer_segment).
churn_risk as (
    select
        period_month,
        'churn_risk' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        cast(null as {{ dbt.type_string() }}) as reference_tier_code,
        cast(null as date) as reference_period_month,
        churn_risk_score as reference_value,
        cast(null as decimal(18, 2)) as gap,
        months_below,
        grace_months_left
    from watched_service_months
    where churn_risk_band = 'high'
),

-- 唤醒挽回 (§16): dormant or churned this month after a month before that was neither, and
-- in a watched assessed tier in at least one customer-month of the win_back_lookback_months
-- (12) calendar months before; compared with the latest such month (its tier, month and
-- avg_aum), gap = that avg_aum − avg_aum now.
watched_assessed_months as (
    select
        customer_months.customer_id,
        customer_months.period_month,
        customer_months.tier_code,
        customer_months.avg_aum
    from customer_months
    inner join int_worklist_watched_tiers_resolved
        on customer_months.parameter_branch_id = int_worklist_watched_tiers_resolved.branch_id
            and customer_months.market_class = int_worklist_watched_tiers_resolved.market_class
            and customer_months.tier_code = int_worklist_watched_tiers_resolved.tier_code
),

lapsed as (
    select
        current_months.*,
        watched_months.tier_code as watched_tier_code,
        watched_months.period_month as watched_period_month,
        watched_months.avg_aum as watched_avg_aum,
        row_number() over (
            partition by current_months.customer_id, current_months.period_month
            order by watched_months.period_month desc
        ) as latest_watched
    from customer_months as current_months
    inner join customer_months as previous_months
        on current_months.customer_id = previous_months.customer_id
            and previous_months.period_month
            = cast({{ dbt.dateadd('month', '-1', 'current_months.period_month') }} as date)
    inner join watched_assessed_months as watched_months
        on current_months.customer_id = watched_months.customer_id
            and current_months.period_month > watched_months.period_month
            and watched_months.period_month >= cast({{ dbt.dateadd(
                'month', '-1 * current_months.win_back_lookback_months', 'current_months.period_month') }} as date)
    where
        current_months.lifecycle_stage in ('dormant', 'churned')
        and previous_months.lifecycle_stage not in ('dormant', 'churned')
),

win_back as (
    select
        period_month,
        'win_back' as list_code,
        customer_id,
        branch_id,
        market_class,
        tier_code,
        service_tier_code,
        avg_aum,
        watched_tier_code as reference_tier_code,
        watched_period_month as reference_period_month,
        watched_avg_aum as reference_value,
        watched_avg_aum - avg_aum as gap,
        months_below,
        grace_months_left
    from lapsed
    where latest_watched = 1
),

-- 超期未联系 (§18): the service tier has a contact cadence and the customer was never
-- contacted by pe, or its last contact is more than that many days before pe; compared
-- with the cadence, gap = days since the last contact − the cadence (null: never).
contact_overdue as (
    select
        customer_months.period_month,
        'contact_overdue' as list_code,
        customer_months.customer_id,
        customer_months.branch_id,
        customer_months.market_class,
        customer_months.tier_code,
        customer_months.service_tier_code,
        customer_months.avg_aum,
        cast(null as {{ dbt.type_string() }}) as reference_tier_code,
        cast(null as date) as reference_period_month,
        int_contact_cadence_resolved.max_days_between_contacts as reference_value,
        customer_months.days_since_contact - int_contact_cadence_resolved.max_days_between_contacts as gap,
        customer_months.months_below,
        customer_months.grace_months_left
    from customer_months
    inner join int_contact_cadence_resolved
        on customer_months.parameter_branch_id = int_contact_cadence_resolved.branch_id
            and customer_months.market_class = int_contact_cadence_resolved.market_class
            and customer_months.service_tier_code = int_contact_cadence_resolved.tier_code
    where
        customer_months.days_since_contact is null
        or customer_months.days_since_contact > int_contact_cadence_resolved.max_days_between_contacts
),

listed as (
    select * from near_upgrade
    union all
    select * from on_watch
    union all
    select * from downgraded
    union all
    select * from lost_since_year_start
    union all
    select * from declining
    union all
    select * from handover
    union all
    select * from large_outflow
    union all
    select * from churn_risk
    union all
    select * from win_back
    union all
    select * from contact_overdue
),

prioritised as (
    select
        listed.*,
        owners.rm_id,
        coalesce(owners.rm_status, 'unassigned') as rm_status,
        row_number() over (
            partition by listed.period_month, listed.list_code, listed.branch_id
            order by
                case when listed.avg_aum is null then 1 else 0 end asc,
                listed.avg_aum desc,
                listed.customer_id asc
        ) as priority
    from listed
    left join int_customer_months_assigned as owners
        on listed.customer_id = owners.customer_id
            and listed.period_month = owners.period_month
    {{- incremental_period_filter(start_month, column='listed.period_month') }}
),

final as (
    select
        cast(prioritised.period_month as date) as period_month,
        prioritised.list_code,
        list_labels.label_zh as list_label_zh,
        prioritised.customer_id,
        prioritised.branch_id,
        prioritised.market_class,
        market_class_labels.label_zh as market_class_label_zh,
        prioritised.tier_code,
        tier_labels.label_zh as tier_label_zh,
        prioritised.service_tier_code,
        service_tier_labels.label_zh as service_tier_label_zh,
        {{ governance_money('prioritised.avg_aum') }} as avg_aum,
        prioritised.reference_tier_code,
        reference_tier_labels.label_zh as reference_tier_label_zh,
        cast(prioritised.reference_period_month as date) as reference_period_month,
        {{ governance_money('prioritised.reference_value') }} as reference_value,
        {{ governance_money('prioritised.gap') }} as gap,
        cast(prioritised.months_below as integer) as months_below,
        cast(prioritised.grace_months_left as integer) as grace_months_left,
        cast(prioritised.priority as integer) as priority,
        prioritised.rm_id,
        prioritised.rm_status,
        rm_status_labels.label_zh as rm_status_label_zh
    from prioritised
    left join code_labels as list_labels
        on list_labels.code_set = 'worklist'
            and prioritised.list_code = list_labels.code
    left join code_labels as market_class_labels
        on market_class_labels.code_set = 'market_class'
            and prioritised.market_class = market_class_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and prioritised.tier_code = tier_labels.code
    left join code_labels as service_tier_labels
        on service_tier_labels.code_set = 'tier_code'
            and prioritised.service_tier_code = service_tier_labels.code
    left join code_labels as reference_tier_labels
        on reference_tier_labels.code_set = 'tier_code'
            and prioritised.reference_tier_code = reference_tier_labels.code
    left join code_labels as rm_status_labels
        on rm_status_labels.code_set = 'rm_status'
            and prioritised.rm_status = rm_status_labels.code
)

select * from final
