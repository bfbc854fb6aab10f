{#- Tax and surcharges per customer and period (METHODOLOGY.md §2):
    tax = tax rate × max(gross loan interest + fee income, 0), where gross loan
    interest = Σ b_loan × customer rate / basis; deposit interest is not deductible. -#}
with

int_customer_months_aggregated as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        loan_customer_rate_balance_sum
    from {{ ref('int_customer_months_aggregated') }}
),

int_customer_months_fees_summed as (
    select
        customer_id,
        period_month,
        fee_income
    from {{ ref('int_customer_months_fees_summed') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        tax_rate
    from {{ ref('int_branch_parameters_pivoted') }}
),

taxable as (
    select
        int_customer_months_aggregated.customer_id,
        int_customer_months_aggregated.period_month,
        int_customer_months_aggregated.parameter_branch_id,
        int_customer_months_aggregated.loan_customer_rate_balance_sum
        / {{ contribution_day_count_basis() }} as gross_loan_interest,
        coalesce(int_customer_months_fees_summed.fee_income, 0) as fee_income
    from int_customer_months_aggregated
    left join int_customer_months_fees_summed
        on int_customer_months_aggregated.customer_id = int_customer_months_fees_summed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_fees_summed.period_month
),

final as (
    select
        taxable.customer_id,
        taxable.period_month,
        taxable.gross_loan_interest,
        taxable.fee_income,
        int_branch_parameters_pivoted.tax_rate
        * greatest(taxable.gross_loan_interest + taxable.fee_income, 0) as tax_amount
    from taxable
    left join int_branch_parameters_pivoted
        on taxable.parameter_branch_id = int_branch_parameters_pivoted.branch_id
)

select * from final
