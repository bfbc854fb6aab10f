with

source as (
    select * from {{ ref('base_core__relationship_surveys') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        customer_id,

        -- numerics
        satisfaction_score,
        wallet_share,

        -- booleans
        has_cooperation_agreement,
        is_executive_vip,

        -- dates
        survey_date
    from source
)

select * from renamed
