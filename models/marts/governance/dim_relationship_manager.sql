{#- One row per clean relationship manager (客户经理, INTERFACES.md §3, METHODOLOGY.md
    §14), grain rm_id: the staff a customer's owner, a worklist row and a user of scope
    `rm` point to. Staff data, not customer PII. Empty when the optional pair
    relationship_managers / customer_assignments is not landed. -#}
with

stg_core__relationship_managers as (
    select * from {{ ref('stg_core__relationship_managers') }}
),

final as (
    select
        rm_id,
        rm_name,
        branch_id,
        cast(hire_date as date) as hire_date,
        cast(leave_date as date) as leave_date
    from stg_core__relationship_managers
)

select * from final
