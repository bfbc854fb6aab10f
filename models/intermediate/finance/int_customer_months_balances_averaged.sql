{#- Daily-average CNY balances per customer and period (月日均, METHODOLOGY.md §1): the
    sum of the daily balances of the family over the period ÷ calendar days in the
    period (a missing day is 0). Deposits = demand + time deposits; AUM = deposits +
    wealth management, funds, insurance and bonds. -#}
with

int_customer_months_aggregated as (
    select * from {{ ref('int_customer_months_aggregated') }}
),

final as (
    select
        customer_id,
        period_month,
        loan_balance_sum / days_in_period as avg_loan_balance,
        deposit_balance_sum / days_in_period as avg_deposit_balance,
        aum_balance_sum / days_in_period as avg_aum
    from int_customer_months_aggregated
)

select * from final
