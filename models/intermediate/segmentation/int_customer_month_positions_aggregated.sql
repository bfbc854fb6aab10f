{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- One row per customer × period_month with at least one account open on a day of the
    period: what the customer holds on the period's last day (METHODOLOGY.md §3, §5, §7).
    Reads the account-month aggregate, never the daily balances. -#}
{%- set start_month = incremental_start_month() %}
with

int_account_months_aggregated as (
    select
        account_id,
        customer_id,
        period_month,
        product_family,
        period_end_balance_cny,
        is_open_at_period_end
    from {{ ref('int_account_months_aggregated') }}{{ incremental_period_filter(start_month) }}
),

int_accounts_validated as (
    select
        account_id,
        risk_class
    from {{ ref('int_accounts_validated') }}
),

stg_core__customers as (
    select
        customer_id,
        branch_id
    from {{ ref('stg_core__customers') }}
),

int_asset_quality_scores_resolved as (
    select * from {{ ref('int_asset_quality_scores_resolved') }}
),

account_months as (
    select
        int_account_months_aggregated.account_id,
        int_account_months_aggregated.customer_id,
        int_account_months_aggregated.period_month,
        int_account_months_aggregated.product_family,
        int_account_months_aggregated.period_end_balance_cny,
        int_account_months_aggregated.is_open_at_period_end,
        int_accounts_validated.risk_class,
        coalesce(stg_core__customers.branch_id, '*') as parameter_branch_id
    from int_account_months_aggregated
    left join int_accounts_validated
        on int_account_months_aggregated.account_id = int_accounts_validated.account_id
    left join stg_core__customers
        on int_account_months_aggregated.customer_id = stg_core__customers.customer_id
),

-- Loans open on the period's last day, with the class's score and severity (§5, §7).
open_loans_rated as (
    select
        account_months.customer_id,
        account_months.period_month,
        account_months.risk_class,
        int_asset_quality_scores_resolved.asset_quality_score,
        int_asset_quality_scores_resolved.is_high_risk,
        row_number() over (
            partition by account_months.customer_id, account_months.period_month
            order by int_asset_quality_scores_resolved.severity_rank desc, account_months.risk_class asc
        ) as severity_order,
        max(case when int_asset_quality_scores_resolved.is_high_risk then 1 else 0 end) over (
            partition by account_months.customer_id, account_months.period_month
        ) as has_high_risk_loan_flag
    from account_months
    inner join int_asset_quality_scores_resolved
        on account_months.parameter_branch_id = int_asset_quality_scores_resolved.branch_id
            and account_months.risk_class = int_asset_quality_scores_resolved.risk_class
    where
        account_months.product_family = 'loan'
        and account_months.is_open_at_period_end
),

worst_open_loans as (
    select
        customer_id,
        period_month,
        risk_class as worst_loan_risk_class,
        asset_quality_score as worst_loan_asset_quality_score,
        has_high_risk_loan_flag = 1 as has_high_risk_loan
    from open_loans_rated
    where severity_order = 1
),

positions as (
    select
        customer_id,
        period_month,
        sum(case when product_family = 'loan' then period_end_balance_cny else 0 end)
            as period_end_loan_balance,
        count(distinct case when is_open_at_period_end then product_family end)
            as open_product_families,
        sum(case when is_open_at_period_end then 1 else 0 end) as open_accounts_at_period_end,
        sum(case when is_open_at_period_end and product_family = 'loan' then 1 else 0 end)
            as open_loans_at_period_end
    from account_months
    group by
        customer_id,
        period_month
),

final as (
    select
        positions.customer_id,
        positions.period_month,
        cast(positions.period_end_loan_balance as double) as period_end_loan_balance,
        cast(positions.open_product_families as integer) as open_product_families,
        cast(positions.open_accounts_at_period_end as integer) as open_accounts_at_period_end,
        cast(positions.open_loans_at_period_end as integer) as open_loans_at_period_end,
        worst_open_loans.worst_loan_risk_class,
        worst_open_loans.worst_loan_asset_quality_score,
        coalesce(worst_open_loans.has_high_risk_loan, false) as has_high_risk_loan
    from positions
    left join worst_open_loans
        on positions.customer_id = worst_open_loans.customer_id
            and positions.period_month = worst_open_loans.period_month
)

select * from final
