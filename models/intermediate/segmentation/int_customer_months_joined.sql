{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The customer-month spine of the segmentation (INTERFACES.md §3): one row per row of
    fct_customer_contribution (customer × period with an account open on ≥ 1 day), with
    the customer's attributes, the period end and the period-end positions. A left join
    keeps a spine row whose customer is unknown: its tier is then null and the coverage
    test fails loudly instead of the row vanishing. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

fct_customer_contribution as (
    select
        customer_id,
        period_month,
        days_in_period,
        avg_loan_balance,
        avg_deposit_balance,
        avg_aum,
        contribution
    from {{ ref('fct_customer_contribution') }}{{ incremental_period_filter(start_month) }}
),

stg_core__customers as (
    select
        customer_id,
        group_id,
        branch_id,
        customer_type,
        gender,
        occupation,
        industry_code,
        industry_section,
        emerging_tag,
        annual_income,
        annual_sales,
        total_assets,
        employee_count,
        birth_date,
        onboard_date,
        close_date
    from {{ ref('stg_core__customers') }}
),

int_customer_month_positions_aggregated as (
    select * from {{ ref('int_customer_month_positions_aggregated') }}{{ incremental_period_filter(start_month) }}
),

final as (
    select
        -- keys
        fct_customer_contribution.customer_id,
        fct_customer_contribution.period_month,
        cast({{ dbt.last_day('fct_customer_contribution.period_month', 'month') }} as date) as period_end,

        -- customer attributes (latest state)
        stg_core__customers.customer_type,
        stg_core__customers.branch_id,
        coalesce(stg_core__customers.branch_id, '*') as parameter_branch_id,
        stg_core__customers.group_id,
        stg_core__customers.gender,
        stg_core__customers.occupation,
        stg_core__customers.industry_code,
        stg_core__customers.industry_section,
        stg_core__customers.emerging_tag,
        stg_core__customers.annual_income,
        stg_core__customers.annual_sales,
        stg_core__customers.total_assets,
        stg_core__customers.employee_count,
        stg_core__customers.birth_date,
        stg_core__customers.onboard_date,
        stg_core__customers.close_date,

        -- period averages and contribution (METHODOLOGY.md §1–2)
        fct_customer_contribution.days_in_period,
        fct_customer_contribution.avg_loan_balance,
        fct_customer_contribution.avg_deposit_balance,
        fct_customer_contribution.avg_aum,
        fct_customer_contribution.contribution,

        -- positions on the period's last day
        coalesce(int_customer_month_positions_aggregated.period_end_loan_balance, 0)
            as period_end_loan_balance,
        coalesce(int_customer_month_positions_aggregated.open_product_families, 0)
            as open_product_families,
        coalesce(int_customer_month_positions_aggregated.open_accounts_at_period_end, 0)
            as open_accounts_at_period_end,
        coalesce(int_customer_month_positions_aggregated.open_loans_at_period_end, 0)
            as open_loans_at_period_end,
        int_customer_month_positions_aggregated.worst_loan_risk_class,
        int_customer_month_positions_aggregated.worst_loan_asset_quality_score,
        coalesce(int_customer_month_positions_aggregated.has_high_risk_loan, false)
            as has_high_risk_loan
    from fct_customer_contribution
    left join stg_core__customers
        on fct_customer_contribution.customer_id = stg_core__customers.customer_id
    left join int_customer_month_positions_aggregated
        on fct_customer_contribution.customer_id = int_customer_month_positions_aggregated.customer_id
            and fct_customer_contribution.period_month = int_customer_month_positions_aggregated.period_month
)

select * from final
