{#- The owner of a customer at every period end (METHODOLOGY.md §14, doc `rm_owner`): one
    row per customer and period (a period of the customer-month spine) whose period end
    pe falls within a clean assignment of that customer, valid_from ≤ pe and (valid_to
    null or pe < valid_to) — the clean assignments of a customer never overlap, so there
    is at most one. A customer without a customer-month in the period still has its row
    (the worklists name the owner of a customer lost since the year start). rm_status is
    `departed` when the RM's leave_date ≤ pe, else `active`; a customer-month without a row
    here is `unassigned` (the models reading this coalesce). -#}
with

int_customer_months_joined as (
    select distinct
        period_month,
        period_end
    from {{ ref('int_customer_months_joined') }}
),

int_customer_assignments_validated as (
    select * from {{ ref('int_customer_assignments_validated') }}
),

stg_core__relationship_managers as (
    select
        rm_id,
        branch_id,
        leave_date
    from {{ ref('stg_core__relationship_managers') }}
),

final as (
    select
        int_customer_assignments_validated.customer_id,
        int_customer_months_joined.period_month,
        int_customer_months_joined.period_end,
        int_customer_assignments_validated.assignment_id,
        int_customer_assignments_validated.rm_id,
        stg_core__relationship_managers.branch_id as rm_branch_id,
        stg_core__relationship_managers.leave_date as rm_leave_date,
        case
            when stg_core__relationship_managers.leave_date <= int_customer_months_joined.period_end
                then 'departed'
            else 'active'
        end as rm_status
    from int_customer_months_joined
    inner join int_customer_assignments_validated
        on int_customer_months_joined.period_end >= int_customer_assignments_validated.valid_from
            and (
                int_customer_assignments_validated.valid_to is null
                or int_customer_months_joined.period_end < int_customer_assignments_validated.valid_to
            )
    inner join stg_core__relationship_managers
        on int_customer_assignments_validated.rm_id = stg_core__relationship_managers.rm_id
)

select * from final
