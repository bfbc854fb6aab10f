{#- One row per calendar day from the earliest FX fixing or FTP curve date to today
    (or the latest of those dates, if later): the spine of the day-level lookup tables
    that replace as-of joins on the large balances table. -#}
with

stg_core__fx_rates as (
    select rate_date as anchor_date from {{ ref('stg_core__fx_rates') }}
),

stg_core__ftp_rates as (
    select effective_date as anchor_date from {{ ref('stg_core__ftp_rates') }}
),

anchors as (
    select anchor_date from stg_core__fx_rates
    union all
    select anchor_date from stg_core__ftp_rates
),

bounds as (
    select
        min(anchor_date) as first_date,
        max(anchor_date) as last_anchor_date
    from anchors
),

day_numbers as (
    {{ dbt.generate_series(var('calendar_max_days')) }}
),

days as (
    select
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'bounds.first_date') }} as date)
            as calendar_date,
        bounds.last_anchor_date
    from bounds
    cross join day_numbers
),

final as (
    select calendar_date
    from days
    where
        calendar_date <= last_anchor_date
        or calendar_date <= cast({{ dbt.current_timestamp() }} as date)
)

select * from final
