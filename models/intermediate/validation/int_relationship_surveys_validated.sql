{#- Surveys of staged customers (orphans quarantined, METHODOLOGY.md §9). -#}
with

checked as (
    {{ validated_customer_children('stg_core__relationship_surveys') }}
),

final as (
    select
        customer_id,
        satisfaction_score,
        wallet_share,
        has_cooperation_agreement,
        is_executive_vip,
        survey_date
    from checked
    where dq_reason_code is null
)

select * from final
