{#- Daily balances of validated accounts, converted to CNY with the fixing in force that
    day (METHODOLOGY.md §1); balances of unknown accounts (orphan_reference) or with no
    fixing on or before the day (no_fx_rate) are quarantined (§9). The FX lookup is the
    no_fx_rate check, so conversion happens here once. -#}
with

checked as (
    {{ validated_balances() }}
),

final as (
    select
        account_id,
        customer_id,
        product_family,
        currency,
        balance_date,
        balance,
        cny_per_unit,
        balance * cny_per_unit as balance_cny
    from checked
    where dq_reason_code is null
)

select * from final
