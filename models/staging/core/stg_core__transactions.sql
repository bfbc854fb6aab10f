with

source as (
    select * from {{ ref('base_core__transactions') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        txn_id,
        account_id,

        -- strings
        direction,
        channel,
        initiated_by,

        -- numerics
        amount,

        -- booleans
        is_customer_initiated,

        -- timestamps and dates
        txn_ts,
        txn_date
    from source
)

select * from renamed
