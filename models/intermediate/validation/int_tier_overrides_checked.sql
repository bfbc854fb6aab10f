{#- Every staged tier override with the reason of the first failing cross-table rule
    (METHODOLOGY.md §9–10, doc `tier_override_checks`), null when it passes:
    `orphan_reference` — the customer is not a clean customer; `unknown_code` — the tier is
    not a tier of the customer's market_class (seed tier_families); `override_rule` — it
    lasts longer than override_max_months of the customer's branch; `duplicate_key` — it
    overlaps another override of the same customer that passed every other rule (every
    overlapping row). Read by int_tier_overrides_validated (clean rows) and dq_quarantine
    (the rest). -#}
with

stg_core__tier_overrides as (
    select * from {{ ref('stg_core__tier_overrides') }}
),

stg_core__customers as (
    select
        customer_id,
        customer_type,
        branch_id
    from {{ ref('stg_core__customers') }}
),

tier_families as (
    select
        market_class,
        tier_code
    from {{ ref('tier_families') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        override_max_months
    from {{ ref('int_branch_parameters_pivoted') }}
),

single_checked as (
    select
        stg_core__tier_overrides.override_id,
        stg_core__tier_overrides.customer_id,
        stg_core__customers.customer_type as market_class,
        stg_core__tier_overrides.tier_code,
        stg_core__tier_overrides.reason,
        stg_core__tier_overrides.requested_by,
        stg_core__tier_overrides.approved_by,
        stg_core__tier_overrides.valid_from,
        stg_core__tier_overrides.valid_to,
        case
            when stg_core__customers.customer_id is null then 'orphan_reference'
            when tier_families.tier_code is null then 'unknown_code'
            when
                stg_core__tier_overrides.valid_to > cast({{ dbt.dateadd(
                    'month',
                    'cast(int_branch_parameters_pivoted.override_max_months as integer)',
                    'stg_core__tier_overrides.valid_from') }} as date)
                then 'override_rule'
        end as dq_reason_code
    from stg_core__tier_overrides
    left join stg_core__customers
        on stg_core__tier_overrides.customer_id = stg_core__customers.customer_id
    left join tier_families
        on stg_core__customers.customer_type = tier_families.market_class
            and stg_core__tier_overrides.tier_code = tier_families.tier_code
    left join int_branch_parameters_pivoted
        on coalesce(stg_core__customers.branch_id, '*') = int_branch_parameters_pivoted.branch_id
),

passed as (
    select * from single_checked
    where dq_reason_code is null
),

-- Overrides of one customer whose month ranges [valid_from, valid_to) intersect.
overlapping as (
    select distinct passed.override_id
    from passed
    inner join passed as other_overrides
        on passed.customer_id = other_overrides.customer_id
            and passed.override_id != other_overrides.override_id
            and passed.valid_from < other_overrides.valid_to
            and passed.valid_to > other_overrides.valid_from
),

final as (
    select
        single_checked.override_id,
        single_checked.customer_id,
        single_checked.market_class,
        single_checked.tier_code,
        single_checked.reason,
        single_checked.requested_by,
        single_checked.approved_by,
        single_checked.valid_from,
        single_checked.valid_to,
        coalesce(
            single_checked.dq_reason_code,
            case when overlapping.override_id is not null then 'duplicate_key' end
        ) as dq_reason_code
    from single_checked
    left join overlapping
        on single_checked.override_id = overlapping.override_id
)

select * from final
