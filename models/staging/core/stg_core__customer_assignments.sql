with

source as (
    select * from {{ ref('base_core__customer_assignments') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        assignment_id,
        customer_id,
        rm_id,

        -- dates
        valid_from,
        valid_to
    from source
)

select * from renamed
