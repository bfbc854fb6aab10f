{{ config(severity='warn') }}
{#- METHODOLOGY.md §2: an account-day of a loan or deposit with no FTP curve in force
    (nothing effective on or before the day — on open_date for fixed-term accounts — or
    no bucket 0 in the curve) or with a null customer rate earns FTP income 0. This
    test lists every account-month that has such days, with how many: it warns, it
    does not stop the build. -#}
select
    account_id,
    customer_id,
    period_month,
    product_family,
    is_fixed_term,
    customer_rate,
    matched_ftp_rate,
    ftp_unpriced_days
from {{ ref('int_account_months_priced') }}
where ftp_unpriced_days > 0
