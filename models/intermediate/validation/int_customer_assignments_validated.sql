{#- Customer assignments that passed every check (METHODOLOGY.md §14): one row per
    assignment; the assignments of one customer never overlap, so at most one is in
    force on any day. -#}
with

int_customer_assignments_checked as (
    select * from {{ ref('int_customer_assignments_checked') }}
),

final as (
    select
        assignment_id,
        customer_id,
        rm_id,
        valid_from,
        valid_to
    from int_customer_assignments_checked
    where dq_reason_code is null
)

select * from final
