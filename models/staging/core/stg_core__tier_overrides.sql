with

source as (
    select * from {{ ref('base_core__tier_overrides') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        override_id,
        customer_id,

        -- strings
        tier_code,
        reason,
        requested_by,
        approved_by,

        -- dates
        valid_from,
        valid_to
    from source
)

select * from renamed
