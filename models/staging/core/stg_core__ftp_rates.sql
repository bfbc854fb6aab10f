with

source as (
    select * from {{ ref('base_core__ftp_rates') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- strings
        product_family,

        -- numerics
        term_months,
        ftp_rate,

        -- dates
        effective_date
    from source
)

select * from renamed
