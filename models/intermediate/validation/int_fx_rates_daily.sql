{{ config(materialized='table') }}
{#- One row per currency and calendar day from its first fixing: the rate in force
    that day, i.e. the latest fixing on or before it (METHODOLOGY.md §1). Balances and
    fees join it by equality on (currency, day) instead of an as-of join. CNY has no
    rows: its rate is 1. A table (small): the one pass over the balances probes it for
    every row. -#}
with

stg_core__fx_rates as (
    select * from {{ ref('stg_core__fx_rates') }}
),

int_calendar_days_listed as (
    select * from {{ ref('int_calendar_days_listed') }}
),

fixings as (
    select
        currency,
        cny_per_unit,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_to
    from stg_core__fx_rates
    where currency != 'CNY'
),

final as (
    select
        fixings.currency,
        int_calendar_days_listed.calendar_date as rate_date,
        fixings.cny_per_unit
    from fixings
    inner join int_calendar_days_listed
        on
            fixings.valid_from <= int_calendar_days_listed.calendar_date
            and (fixings.valid_to is null or fixings.valid_to > int_calendar_days_listed.calendar_date)
)

select * from final
