{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The service tier (服务等级) of every customer-month (METHODOLOGY.md §10, doc
    `service_tier_rule`): a month-to-month state machine — state(m) = transition(state(m−1),
    assessed tier(m), override in force(m)) — unrolled by Jinja into one CTE per month to
    compute (no recursion, portable). A full build computes every period from no state; an
    incremental run recomputes the periods from incremental_start_month() on, seeded by
    the stored state of the month before it. Both run the same step macro
    (governance_service_tier_step), so they give the same table. Incremental by month:
    delete+insert on period_month (Spark: insert_overwrite of the month partitions). -#}
{%- set start_month = incremental_start_month() %}
{%- set months = governance_months_to_process(ref('int_customer_months_classified'), start_month) %}

with

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        market_class,
        tier_code
    from {{ ref('int_customer_months_classified') }}
    {%- if start_month is not none %}
    where period_month >= cast('{{ start_month }}' as date)
    {%- endif %}
),

tier_families as (
    select * from {{ ref('tier_families') }}
),

int_tier_downgrade_grace_resolved as (
    select * from {{ ref('int_tier_downgrade_grace_resolved') }}
),

int_tier_overrides_validated as (
    select * from {{ ref('int_tier_overrides_validated') }}
),

-- The inputs of every step: the assessed tier's family and rank, and the override in
-- force (valid_from ≤ m < valid_to; validated overrides of a customer never overlap).
assessed as (
    select
        int_customer_months_classified.customer_id,
        int_customer_months_classified.period_month,
        int_customer_months_classified.parameter_branch_id,
        int_customer_months_classified.market_class,
        int_customer_months_classified.tier_code,
        assessed_families.tier_family,
        assessed_families.tier_rank,
        int_tier_overrides_validated.override_id,
        int_tier_overrides_validated.tier_code as override_tier_code,
        override_families.tier_family as override_tier_family,
        override_families.tier_rank as override_tier_rank,
        int_tier_overrides_validated.reason as override_reason,
        int_tier_overrides_validated.approved_by as override_approved_by
    from int_customer_months_classified
    left join tier_families as assessed_families
        on int_customer_months_classified.market_class = assessed_families.market_class
            and int_customer_months_classified.tier_code = assessed_families.tier_code
    left join int_tier_overrides_validated
        on int_customer_months_classified.customer_id = int_tier_overrides_validated.customer_id
            and int_customer_months_classified.period_month >= int_tier_overrides_validated.valid_from
            and int_customer_months_classified.period_month < int_tier_overrides_validated.valid_to
    left join tier_families as override_families
        on int_customer_months_classified.market_class = override_families.market_class
            and int_tier_overrides_validated.tier_code = override_families.tier_code
),

-- The state before the first month to compute: the stored month before it on an
-- incremental run, nothing on a full build.
state_0 as (
    {%- if start_month is not none %}
    select
        customer_id,
        period_month,
        service_tier_code,
        service_tier_family,
        service_tier_rank,
        months_below,
        override_id
    from {{ this }}
    where
        period_month
        = cast({{ dbt.dateadd('month', '-1', "cast('" ~ start_month ~ "' as date)") }} as date)
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as date) as period_month,
        cast(null as {{ dbt.type_string() }}) as service_tier_code,
        cast(null as {{ dbt.type_string() }}) as service_tier_family,
        cast(null as integer) as service_tier_rank,
        cast(null as integer) as months_below,
        cast(null as {{ dbt.type_string() }}) as override_id
    where 1 = 0
    {%- endif %}
),
{%- for period_month in months %}

-- {{ period_month }}
state_{{ loop.index }} as (
    {{ governance_service_tier_step(
        'assessed', 'state_' ~ loop.index0, 'int_tier_downgrade_grace_resolved', period_month) }}
),
{%- endfor %}

computed as (
    {%- for period_month in months %}
    select * from state_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    {{ governance_service_tier_step(
        'assessed', 'state_0', 'int_tier_downgrade_grace_resolved', '1900-01-01') }}
    {%- endfor %}
),

final as (
    select
        customer_id,
        cast(period_month as date) as period_month,
        parameter_branch_id,
        market_class,
        tier_code,
        tier_family,
        cast(tier_rank as integer) as tier_rank,
        service_tier_code,
        service_tier_family,
        cast(service_tier_rank as integer) as service_tier_rank,
        service_tier_rule,
        cast(months_below as integer) as months_below,
        cast(is_on_watch as boolean) as is_on_watch,
        cast(grace_months as integer) as grace_months,
        cast(grace_months_left as integer) as grace_months_left,
        override_id,
        override_reason,
        override_approved_by,
        previous_service_tier_code
    from computed
)

select * from final
