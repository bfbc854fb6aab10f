{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Churn risk of every customer-month (流失预警, METHODOLOGY.md §16, doc `churn_risk_rule`):
    the five indicators' points — AUM drop, net outflow, activity drop, low satisfaction,
    no owner — each kept as a column so a person sees why, their sum churn_risk_score
    (0.01) and the band. Amounts are compared as published (DECIMAL, 0.01). Incremental by
    month: a run writes the periods of its window and reads the month before (the
    previous avg_aum) and the activity base's months before (transaction counts); the net
    outflow is the month's of the one pass over the transactions
    (int_customer_months_transactions_costed, 0 without a transaction). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        avg_aum
    from {{ ref('int_customer_months_classified') }}
    {{- incremental_period_filter(start_month, look_back='previous_month') }}
),

int_customer_month_transactions_counted as (
    select
        customer_id,
        period_month,
        period_transactions
    from {{ ref('int_customer_month_transactions_counted') }}
    {{- engagement_period_filter(start_month, ['churn_activity_base_months']) }}
),

int_customer_months_transactions_costed as (
    select
        customer_id,
        period_month,
        net_outflow
    from {{ ref('int_customer_months_transactions_costed') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_scored as (
    select
        customer_id,
        period_month,
        survey_satisfaction_score
    from {{ ref('int_customer_months_scored') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_assigned as (
    select
        customer_id,
        period_month,
        rm_status
    from {{ ref('int_customer_months_assigned') }}{{ incremental_period_filter(start_month) }}
),

int_branch_parameters_pivoted as (
    select * from {{ ref('int_branch_parameters_pivoted') }}
),

-- The window's customer-months with the calendar month before's avg_aum (§16: null when
-- that customer-month does not exist).
customer_months as (
    select
        current_months.customer_id,
        current_months.period_month,
        current_months.parameter_branch_id,
        {{ governance_money('current_months.avg_aum') }} as avg_aum,
        {{ governance_money('previous_months.avg_aum') }} as previous_avg_aum
    from int_customer_months_classified as current_months
    left join int_customer_months_classified as previous_months
        on current_months.customer_id = previous_months.customer_id
            and previous_months.period_month
            = cast({{ dbt.dateadd('month', '-1', 'current_months.period_month') }} as date)
    {{- incremental_period_filter(start_month, column='current_months.period_month') }}
),

-- Customer-initiated transactions of the months before, summed over the branch's base
-- months (a month without any counts 0).
activity_bases as (
    select
        customer_months.customer_id,
        customer_months.period_month,
        coalesce(sum(int_customer_month_transactions_counted.period_transactions), 0) as base_transactions
    from customer_months
    inner join int_branch_parameters_pivoted
        on customer_months.parameter_branch_id = int_branch_parameters_pivoted.branch_id
    left join int_customer_month_transactions_counted
        on customer_months.customer_id = int_customer_month_transactions_counted.customer_id
            and customer_months.period_month > int_customer_month_transactions_counted.period_month
            and int_customer_month_transactions_counted.period_month >= cast({{ dbt.dateadd(
                'month',
                '-1 * cast(int_branch_parameters_pivoted.churn_activity_base_months as integer)',
                'customer_months.period_month') }} as date)
    group by
        customer_months.customer_id,
        customer_months.period_month
),

indicators as (
    select
        customer_months.customer_id,
        customer_months.period_month,
        customer_months.avg_aum,
        customer_months.previous_avg_aum,
        {{ governance_money('coalesce(outflows.net_outflow, 0)') }} as net_outflow,
        coalesce(counts.period_transactions, 0) as period_transactions,
        activity_bases.base_transactions,
        cast(branch_parameters.churn_activity_base_months as integer) as base_months,
        scored_months.survey_satisfaction_score,
        coalesce(owners.rm_status, 'unassigned') as rm_status,
        branch_parameters.churn_aum_drop_points,
        branch_parameters.churn_aum_drop_full_ratio,
        branch_parameters.churn_outflow_points,
        branch_parameters.churn_outflow_full_ratio,
        branch_parameters.churn_activity_drop_points,
        branch_parameters.churn_activity_base_min,
        branch_parameters.churn_activity_drop_ratio,
        branch_parameters.churn_low_satisfaction_points,
        branch_parameters.churn_low_satisfaction_below,
        branch_parameters.churn_no_owner_points,
        branch_parameters.churn_band_high_min_score,
        branch_parameters.churn_band_medium_min_score
    from customer_months
    inner join int_branch_parameters_pivoted as branch_parameters
        on customer_months.parameter_branch_id = branch_parameters.branch_id
    left join int_customer_month_transactions_counted as counts
        on customer_months.customer_id = counts.customer_id
            and customer_months.period_month = counts.period_month
    left join int_customer_months_transactions_costed as outflows
        on customer_months.customer_id = outflows.customer_id
            and customer_months.period_month = outflows.period_month
    left join activity_bases
        on customer_months.customer_id = activity_bases.customer_id
            and customer_months.period_month = activity_bases.period_month
    left join int_customer_months_scored as scored_months
        on customer_months.customer_id = scored_months.customer_id
            and customer_months.period_month = scored_months.period_month
    left join int_customer_months_assigned as owners
        on customer_months.customer_id = owners.customer_id
            and customer_months.period_month = owners.period_month
),

points as (
    select
        customer_id,
        period_month,
        previous_avg_aum,
        net_outflow,
        period_transactions,
        base_transactions,
        base_months,
        rm_status,
        churn_band_high_min_score,
        churn_band_medium_min_score,
        {{ churn_linear_points(
            'churn_aum_drop_points',
            '(previous_avg_aum - avg_aum) / previous_avg_aum',
            'churn_aum_drop_full_ratio',
            'previous_avg_aum') }} as aum_drop_points,
        {{ churn_linear_points(
            'churn_outflow_points',
            'net_outflow / previous_avg_aum',
            'churn_outflow_full_ratio',
            'previous_avg_aum') }} as outflow_points,
        -- base = base_transactions ÷ base_months: base ≥ min ⇔ base_transactions ≥ min ×
        -- months, and n < ratio × base ⇔ n × months < ratio × base_transactions (exact)
        case
            when
                base_transactions >= churn_activity_base_min * base_months
                and period_transactions * base_months
                < {{ governance_ratio('churn_activity_drop_ratio') }} * base_transactions
                then churn_activity_drop_points
            else 0
        end as activity_drop_points,
        case
            when survey_satisfaction_score < churn_low_satisfaction_below then churn_low_satisfaction_points
            else 0
        end as low_satisfaction_points,
        case when rm_status != 'active' then churn_no_owner_points else 0 end as no_owner_points
    from indicators
),

scored as (
    select
        *,
        cast(round(
            aum_drop_points + outflow_points + activity_drop_points + low_satisfaction_points + no_owner_points,
            2
        ) as decimal(9, 2)) as churn_risk_score
    from points
),

final as (
    select
        customer_id,
        period_month,
        cast(previous_avg_aum as decimal(18, 2)) as previous_avg_aum,
        cast(net_outflow as decimal(18, 2)) as net_outflow,
        cast(period_transactions as integer) as period_transactions,
        cast(round(cast(base_transactions as double) / base_months, 4) as double) as activity_base_transactions,
        cast(round(aum_drop_points, 2) as decimal(9, 2)) as aum_drop_points,
        cast(round(outflow_points, 2) as decimal(9, 2)) as outflow_points,
        cast(activity_drop_points as decimal(9, 2)) as activity_drop_points,
        cast(low_satisfaction_points as decimal(9, 2)) as low_satisfaction_points,
        cast(no_owner_points as decimal(9, 2)) as no_owner_points,
        churn_risk_score,
        case
            when churn_risk_score >= churn_band_high_min_score then 'high'
            when churn_risk_score >= churn_band_medium_min_score then 'medium'
            else 'low'
        end as churn_risk_band
    from scored
)

select * from final
