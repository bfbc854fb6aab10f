{#- One row per balance row (account × day — the large grain; a view, never
    materialised) with the two rates of METHODOLOGY.md §2 that can change from one
    day to the next, looked up against small tables:
    - bucket_zero_ftp_rate: bucket 0 of the FTP curve of the account's family in force
      on the day (an equality join on the day to int_ftp_rates_daily); the rate of
      every account without a maturity date. Null when no curve is in force.
      Fixed-term accounts ignore it: their matched-maturity rate is fixed at
      open_date and applied per account-month (int_account_months_priced).
    - rated_probability_of_default (loans only): the PD of the customer's latest
      rating on or before the day (a range join on the per-customer rating spans
      that only loan rows probe); null while the customer is unrated.
    Account-level rates are applied after aggregating to account-months. -#}
with

int_balances_validated as (
    select
        account_id,
        customer_id,
        product_family,
        balance_date,
        balance_cny
    from {{ ref('int_balances_validated') }}
),

int_ftp_rates_daily as (
    select
        rate_date,
        {{ contribution_ftp_family_columns('ftp_rate') }}
    from {{ ref('int_ftp_rates_daily') }}
),

int_credit_ratings_spanned as (
    select
        customer_id,
        valid_from,
        valid_to,
        probability_of_default
    from {{ ref('int_credit_ratings_spanned') }}
),

final as (
    select
        int_balances_validated.account_id,
        int_balances_validated.customer_id,
        int_balances_validated.product_family,
        int_balances_validated.balance_date,
        {{ contribution_month_start('int_balances_validated.balance_date') }} as period_month,
        int_balances_validated.balance_cny,
        {{ contribution_ftp_family_value('int_balances_validated.product_family', 'int_ftp_rates_daily', 'ftp_rate') }}
            as bucket_zero_ftp_rate,
        int_credit_ratings_spanned.probability_of_default as rated_probability_of_default
    from int_balances_validated
    left join int_ftp_rates_daily
        on int_balances_validated.balance_date = int_ftp_rates_daily.rate_date
    -- Only loan rows carry a join key: the other rows (most of the table) skip the probe.
    left join int_credit_ratings_spanned
        on case
                when {{ contribution_in_families('int_balances_validated.product_family', 'loan') }}
                    then int_balances_validated.customer_id
            end = int_credit_ratings_spanned.customer_id
            and int_balances_validated.balance_date >= int_credit_ratings_spanned.valid_from
            and (
                int_credit_ratings_spanned.valid_to is null
                or int_balances_validated.balance_date < int_credit_ratings_spanned.valid_to
            )
)

select * from final
