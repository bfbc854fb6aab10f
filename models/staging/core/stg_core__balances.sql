with

source as (
    select * from {{ ref('base_core__balances') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        account_id,

        -- numerics
        balance,

        -- dates
        balance_date
    from source
)

select * from renamed
