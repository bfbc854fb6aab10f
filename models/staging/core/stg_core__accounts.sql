with

source as (
    select * from {{ ref('base_core__accounts') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        account_id,
        customer_id,

        -- strings
        product_family,
        product_code,
        currency,
        risk_class,
        collateral_type,

        -- numerics
        interest_rate,

        -- dates
        open_date,
        maturity_date,
        close_date
    from source
)

select * from renamed
