{#- Credit cost (信贷成本分摊) per customer and period = expected loss (METHODOLOGY.md §2):
    Σ b_loan × PD × LGD / basis, with the PD of the rating in force on each day (the
    unrated PD of the customer's type before the first rating) and the LGD of the
    loan's collateral (none = unsecured). -#}
with

int_customer_months_aggregated as (
    select
        customer_id,
        period_month,
        expected_loss_loan_balance_sum
    from {{ ref('int_customer_months_aggregated') }}
),

final as (
    select
        customer_id,
        period_month,
        expected_loss_loan_balance_sum / {{ contribution_day_count_basis() }} as credit_cost
    from int_customer_months_aggregated
)

select * from final
