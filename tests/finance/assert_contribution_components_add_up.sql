{#- fct_customer_contribution (METHODOLOGY.md §2): contribution = loan FTP + deposit FTP +
    fee − capital − operating − credit; operating = account + transaction + tax;
    tax ≥ 0; costs ≥ 0; deposits are part of AUM. Returns the violating rows.
    Every amount is published rounded to 0.01 from its exact value (§13), so an identity
    between published amounts holds within half a fen per rounded term: contribution and
    its 6 terms → 7 × 0.005 = 0.035; operating cost and its 3 terms → 4 × 0.005 = 0.02. -#}
with

fct_customer_contribution as (
    select * from {{ ref('fct_customer_contribution') }}
),

final as (
    select
        customer_id,
        period_month,
        contribution,
        operating_cost,
        tax_amount,
        capital_cost,
        credit_cost,
        account_cost,
        transaction_cost,
        avg_aum,
        avg_deposit_balance
    from fct_customer_contribution
    where
        abs(
            contribution
            - (loan_ftp_income + deposit_ftp_income + fee_income - capital_cost - operating_cost - credit_cost)
        ) > 0.035
        or abs(operating_cost - (account_cost + transaction_cost + tax_amount)) > 0.02
        or tax_amount < 0
        or capital_cost < 0
        or credit_cost < 0
        or account_cost <= 0
        or transaction_cost < 0
        or avg_aum < avg_deposit_balance
)

select * from final
