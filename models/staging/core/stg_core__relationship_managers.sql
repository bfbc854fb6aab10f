with

source as (
    select * from {{ ref('base_core__relationship_managers') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        rm_id,
        branch_id,

        -- strings
        rm_name,

        -- dates
        hire_date,
        leave_date
    from source
)

select * from renamed
