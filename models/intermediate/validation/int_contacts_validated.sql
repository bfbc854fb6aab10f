{#- Clean contacts of clean customers (METHODOLOGY.md §18, doc `contact_checks`): one row
    per contact_id; a contact naming an unknown customer, or an RM that is not a clean
    relationship manager while that table is landed, is quarantined (orphan_reference). -#}
with

checked as (
    {{ validated_contacts() }}
),

final as (
    select
        contact_id,
        customer_id,
        rm_id,
        channel,
        contact_date
    from checked
    where dq_reason_code is null
)

select * from final
