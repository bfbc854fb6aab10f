{#- Every branch that manages a customer or pursues a prospect, plus `*` for records
    without a branch: the branches parameter overrides are resolved for (§6). -#}
with

stg_core__customers as (
    select branch_id from {{ ref('stg_core__customers') }}
),

stg_core__prospects as (
    select branch_id from {{ ref('stg_core__prospects') }}
),

branches as (
    select branch_id from stg_core__customers
    union
    select branch_id from stg_core__prospects
    union
    select '*' as branch_id
),

final as (
    select branch_id
    from branches
    where branch_id is not null
)

select * from final
