{#- Fees of staged customers (and of their own accounts when an account is named),
    converted to CNY at the fixing in force on fee_date (METHODOLOGY.md §1–2); orphans and
    fees with no fixing are quarantined (§9). -#}
with

checked as (
    {{ validated_fees() }}
),

final as (
    select
        fee_id,
        customer_id,
        account_id,
        fee_type,
        currency,
        amount,
        cny_per_unit,
        amount * cny_per_unit as amount_cny,
        fee_date
    from checked
    where dq_reason_code is null
)

select * from final
