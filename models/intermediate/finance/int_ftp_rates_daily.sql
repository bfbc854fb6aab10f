{{ config(materialized='table') }}
{#- One row per calendar day from the first FTP curve: for each FTP product family the
    bucket-0 (no maturity) rate of the family's curve in force that day, i.e. the
    curve with the latest effective_date on or before it (METHODOLOGY.md §2). Accounts
    without a maturity date are priced day by day through an equality join on the day
    alone (one column per family: a cheaper probe for 10⁸ balance rows than a
    (family, day) key). Null where the family has no curve in force yet, or its curve
    has no bucket-0 point. -#}
with

stg_core__ftp_rates as (
    select * from {{ ref('stg_core__ftp_rates') }}
),

int_calendar_days_listed as (
    select * from {{ ref('int_calendar_days_listed') }}
),

int_ftp_curves_spanned as (
    select * from {{ ref('int_ftp_curves_spanned') }}
),

bucket_zero_points as (
    select
        product_family,
        effective_date,
        ftp_rate
    from stg_core__ftp_rates
    where term_months = 0
),

curves_daily as (
    select
        int_ftp_curves_spanned.product_family,
        int_calendar_days_listed.calendar_date as rate_date,
        int_ftp_curves_spanned.effective_date as curve_effective_date,
        bucket_zero_points.ftp_rate
    from int_ftp_curves_spanned
    inner join int_calendar_days_listed
        on int_ftp_curves_spanned.effective_date <= int_calendar_days_listed.calendar_date
            and (
                int_ftp_curves_spanned.next_effective_date is null
                or int_ftp_curves_spanned.next_effective_date > int_calendar_days_listed.calendar_date
            )
    left join bucket_zero_points
        on int_ftp_curves_spanned.product_family = bucket_zero_points.product_family
            and int_ftp_curves_spanned.effective_date = bucket_zero_points.effective_date
),

final as (
    select
        rate_date,
        {{ contribution_ftp_family_pivot('curve_effective_date', 'curve_effective_date') }},
        {{ contribution_ftp_family_pivot('ftp_rate', 'ftp_rate') }}
    from curves_daily
    group by rate_date
)

select * from final
