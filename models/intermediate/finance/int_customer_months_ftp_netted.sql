{#- Net FTP income per customer and period (METHODOLOGY.md §2):
    loan FTP net income (贷款内部转移净收入) = Σ b × (customer rate − FTP rate) / basis
    over loan days; deposit FTP net income (存款内部转移净收入) = Σ b × (FTP rate −
    customer rate) / basis over demand and time deposit days. Days without an FTP
    rate or a customer rate contribute 0. -#}
with

int_customer_months_aggregated as (
    select * from {{ ref('int_customer_months_aggregated') }}
),

final as (
    select
        customer_id,
        period_month,
        loan_rate_spread_balance_sum / {{ contribution_day_count_basis() }} as loan_ftp_income,
        -deposit_rate_spread_balance_sum / {{ contribution_day_count_basis() }} as deposit_ftp_income
    from int_customer_months_aggregated
)

select * from final
