{#- Transactions of validated accounts, with the owning customer (orphans quarantined, METHODOLOGY.md §9). -#}
with

checked as (
    {{ validated_transactions() }}
),

final as (
    select
        txn_id,
        account_id,
        customer_id,
        direction,
        channel,
        initiated_by,
        amount,
        is_customer_initiated,
        txn_ts,
        txn_date
    from checked
    where dq_reason_code is null
)

select * from final
