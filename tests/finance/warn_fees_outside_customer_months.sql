{{ config(severity='warn') }}
{#- Fees dated in a loaded period of a customer who has no account open on any day of
    that period: they have no customer-month (INTERFACES.md §3), so they are not in
    fct_customer_contribution's fee income. Lists them; warns. -#}
with

int_customer_months_fees_summed as (
    select * from {{ ref('int_customer_months_fees_summed') }}
),

int_customer_months_aggregated as (
    select
        customer_id,
        period_month
    from {{ ref('int_customer_months_aggregated') }}
),

loaded_periods as (
    select distinct period_month
    from int_customer_months_aggregated
),

final as (
    select
        int_customer_months_fees_summed.customer_id,
        int_customer_months_fees_summed.period_month,
        int_customer_months_fees_summed.fees,
        int_customer_months_fees_summed.fee_income
    from int_customer_months_fees_summed
    inner join loaded_periods
        on int_customer_months_fees_summed.period_month = loaded_periods.period_month
    left join int_customer_months_aggregated
        on int_customer_months_fees_summed.customer_id = int_customer_months_aggregated.customer_id
            and int_customer_months_fees_summed.period_month = int_customer_months_aggregated.period_month
    where int_customer_months_aggregated.customer_id is null
)

select * from final
