with

source as (
    select * from {{ ref('base_core__fees') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        fee_id,
        customer_id,
        account_id,

        -- strings
        fee_type,
        currency,

        -- numerics
        amount,

        -- dates
        fee_date
    from source
)

select * from renamed
