{#- Every staged customer assignment with the reason of the first failing cross-table
    rule (METHODOLOGY.md §9, §14, doc `customer_assignment_checks`), null when it passes:
    `orphan_reference` — the customer is not a clean customer or the RM not a clean
    relationship manager; `duplicate_key` — its [valid_from, valid_to) (a null valid_to is
    open-ended) overlaps another assignment of the same customer that passed every other
    rule (every overlapping row). Read by int_customer_assignments_validated (clean rows)
    and dq_quarantine (the rest). -#}
with

stg_core__customer_assignments as (
    select * from {{ ref('stg_core__customer_assignments') }}
),

stg_core__customers as (
    select customer_id from {{ ref('stg_core__customers') }}
),

stg_core__relationship_managers as (
    select rm_id from {{ ref('stg_core__relationship_managers') }}
),

single_checked as (
    select
        stg_core__customer_assignments.assignment_id,
        stg_core__customer_assignments.customer_id,
        stg_core__customer_assignments.rm_id,
        stg_core__customer_assignments.valid_from,
        stg_core__customer_assignments.valid_to,
        case
            when
                stg_core__customers.customer_id is null
                or stg_core__relationship_managers.rm_id is null
                then 'orphan_reference'
        end as dq_reason_code
    from stg_core__customer_assignments
    left join stg_core__customers
        on stg_core__customer_assignments.customer_id = stg_core__customers.customer_id
    left join stg_core__relationship_managers
        on stg_core__customer_assignments.rm_id = stg_core__relationship_managers.rm_id
),

passed as (
    select * from single_checked
    where dq_reason_code is null
),

-- Assignments of one customer whose day ranges [valid_from, valid_to) intersect; a null
-- valid_to never ends.
overlapping as (
    select distinct passed.assignment_id
    from passed
    inner join passed as other_assignments
        on passed.customer_id = other_assignments.customer_id
            and passed.assignment_id != other_assignments.assignment_id
            and (other_assignments.valid_to is null or passed.valid_from < other_assignments.valid_to)
            and (passed.valid_to is null or passed.valid_to > other_assignments.valid_from)
),

final as (
    select
        single_checked.assignment_id,
        single_checked.customer_id,
        single_checked.rm_id,
        single_checked.valid_from,
        single_checked.valid_to,
        coalesce(
            single_checked.dq_reason_code,
            case when overlapping.assignment_id is not null then 'duplicate_key' end
        ) as dq_reason_code
    from single_checked
    left join overlapping
        on single_checked.assignment_id = overlapping.assignment_id
)

select * from final
