{#- Clean transactions of validated accounts, with the owning customer (METHODOLOGY.md §9):
    the rows of int_transactions_checked without a reason. -#}
with

int_transactions_checked as (
    select * from {{ ref('int_transactions_checked') }}
    where dq_reason_code is null
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
    from int_transactions_checked
)

select * from final
