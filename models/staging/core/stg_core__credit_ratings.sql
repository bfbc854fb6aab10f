with

source as (
    select * from {{ ref('base_core__credit_ratings') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        customer_id,

        -- strings
        rating,

        -- dates
        rating_date
    from source
)

select * from renamed
