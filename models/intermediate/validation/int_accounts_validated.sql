{#- Accounts whose owner is a staged customer (orphans quarantined, METHODOLOGY.md §9). -#}
with

checked as (
    {{ validated_customer_children('stg_core__accounts') }}
),

final as (
    select
        account_id,
        customer_id,
        product_family,
        product_code,
        currency,
        risk_class,
        collateral_type,
        interest_rate,
        open_date,
        maturity_date,
        close_date
    from checked
    where dq_reason_code is null
)

select * from final
