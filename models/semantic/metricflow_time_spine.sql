{#- One row per calendar day: MetricFlow's time spine (day grain). It spans the
    warehouse calendar (int_calendar_days_listed: from the earliest FX fixing or FTP
    curve date to today), which covers every period_month of the marts. -#}
with

int_calendar_days_listed as (
    select calendar_date from {{ ref('int_calendar_days_listed') }}
),

final as (
    select cast(calendar_date as date) as date_day
    from int_calendar_days_listed
)

select * from final
