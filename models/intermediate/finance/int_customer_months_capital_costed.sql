{#- Capital cost (资本成本分摊) per customer and period (METHODOLOGY.md §2):
    Σ b_loan × risk weight × capital ratio × cost of capital / basis, with the risk
    weight of each loan's (customer_type, collateral_type) and the capital ratio and
    cost of capital of the customer's branch. -#}
with

int_customer_months_aggregated as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        risk_weighted_loan_balance_sum
    from {{ ref('int_customer_months_aggregated') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        capital_ratio,
        cost_of_capital
    from {{ ref('int_branch_parameters_pivoted') }}
),

final as (
    select
        int_customer_months_aggregated.customer_id,
        int_customer_months_aggregated.period_month,
        int_customer_months_aggregated.risk_weighted_loan_balance_sum
        * int_branch_parameters_pivoted.capital_ratio
        * int_branch_parameters_pivoted.cost_of_capital
        / {{ contribution_day_count_basis() }} as capital_cost
    from int_customer_months_aggregated
    left join int_branch_parameters_pivoted
        on int_customer_months_aggregated.parameter_branch_id = int_branch_parameters_pivoted.branch_id
)

select * from final
