{#- One row per fixed-term account (a time deposit or loan with a maturity date): its
    matched-maturity FTP rate (METHODOLOGY.md §2). The original term in months is
    12 × (maturity year − open year) + (maturity month − open month), plus 1 when the
    maturity's day of month is later than the open date's; the rate is that of the
    curve in force on open_date at the smallest term_months bucket ≥ the term, or at
    the largest bucket when none is. No curve in force on open_date → null rate. -#}
with

int_accounts_validated as (
    select * from {{ ref('int_accounts_validated') }}
),

stg_core__ftp_rates as (
    select * from {{ ref('stg_core__ftp_rates') }}
),

fixed_term_accounts as (
    select
        account_id,
        product_family,
        open_date,
        maturity_date,
        12 * (extract(year from maturity_date) - extract(year from open_date))
        + (extract(month from maturity_date) - extract(month from open_date))
        + case
            when extract(day from maturity_date) > extract(day from open_date) then 1
            else 0
        end as original_term_months
    from int_accounts_validated
    where
        maturity_date is not null
        and {{ contribution_in_families('product_family', 'fixed_term') }}
),

int_ftp_curves_spanned as (
    select * from {{ ref('int_ftp_curves_spanned') }}
),

curves_at_open as (
    select
        fixed_term_accounts.account_id,
        fixed_term_accounts.original_term_months,
        int_ftp_curves_spanned.product_family,
        int_ftp_curves_spanned.effective_date as ftp_curve_effective_date
    from fixed_term_accounts
    inner join int_ftp_curves_spanned
        on fixed_term_accounts.product_family = int_ftp_curves_spanned.product_family
            and fixed_term_accounts.open_date >= int_ftp_curves_spanned.effective_date
            and (
                int_ftp_curves_spanned.next_effective_date is null
                or fixed_term_accounts.open_date < int_ftp_curves_spanned.next_effective_date
            )
),

-- The smallest bucket at or above the original term; the largest bucket when none is.
matched_terms as (
    select
        curves_at_open.account_id,
        curves_at_open.product_family,
        curves_at_open.ftp_curve_effective_date,
        coalesce(
            min(
                case
                    when stg_core__ftp_rates.term_months >= curves_at_open.original_term_months
                        then stg_core__ftp_rates.term_months
                end
            ),
            max(stg_core__ftp_rates.term_months)
        ) as ftp_term_months
    from curves_at_open
    inner join stg_core__ftp_rates
        on curves_at_open.product_family = stg_core__ftp_rates.product_family
            and curves_at_open.ftp_curve_effective_date = stg_core__ftp_rates.effective_date
    group by
        curves_at_open.account_id,
        curves_at_open.product_family,
        curves_at_open.ftp_curve_effective_date
),

matched_buckets as (
    select
        matched_terms.account_id,
        matched_terms.ftp_curve_effective_date,
        matched_terms.ftp_term_months,
        stg_core__ftp_rates.ftp_rate
    from matched_terms
    inner join stg_core__ftp_rates
        on matched_terms.product_family = stg_core__ftp_rates.product_family
            and matched_terms.ftp_curve_effective_date = stg_core__ftp_rates.effective_date
            and matched_terms.ftp_term_months = stg_core__ftp_rates.term_months
),

final as (
    select
        fixed_term_accounts.account_id,
        fixed_term_accounts.product_family,
        fixed_term_accounts.open_date,
        fixed_term_accounts.maturity_date,
        cast(fixed_term_accounts.original_term_months as integer) as original_term_months,
        matched_buckets.ftp_curve_effective_date,
        matched_buckets.ftp_term_months,
        matched_buckets.ftp_rate as matched_ftp_rate
    from fixed_term_accounts
    left join matched_buckets
        on fixed_term_accounts.account_id = matched_buckets.account_id
)

select * from final
