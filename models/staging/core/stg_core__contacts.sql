with

source as (
    select * from {{ ref('base_core__contacts') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        contact_id,
        customer_id,
        rm_id,

        -- strings
        channel,

        -- dates
        contact_date
    from source
)

select * from renamed
