{#- One row per FTP curve (product family and effective date) with the date the next
    curve of the family takes over: a curve holds from its effective_date until the next
    one (METHODOLOGY.md §2). Read by the matched-maturity lookup at open_date and by the
    day-level bucket-0 rates. -#}
with

stg_core__ftp_rates as (
    select * from {{ ref('stg_core__ftp_rates') }}
),

curve_dates as (
    select distinct
        product_family,
        effective_date
    from stg_core__ftp_rates
),

final as (
    select
        product_family,
        effective_date,
        lead(effective_date) over (
            partition by product_family
            order by effective_date
        ) as next_effective_date
    from curve_dates
)

select * from final
