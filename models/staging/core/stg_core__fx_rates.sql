with

source as (
    select * from {{ ref('base_core__fx_rates') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- strings
        currency,

        -- numerics
        cny_per_unit,

        -- dates
        rate_date
    from source
)

select * from renamed
