{#- One row per account-month of int_account_months_aggregated with the account-level
    rates applied to its period sums (METHODOLOGY.md §2):
    - FTP rate of each day: fixed-term accounts (time deposits and loans with a
      maturity date) the matched-maturity rate of the curve in force on open_date;
      other accounts of the FTP families bucket 0 of the curve in force on the day.
      rate_spread_balance_sum = Σ b × (customer rate − FTP rate) over the days that
      have both rates; the other days (no curve in force, null customer rate) add 0
      and are counted in ftp_unpriced_days.
    - customer_rate_balance_sum = Σ b × customer rate (loans: gross interest × basis).
    - default_probability_balance_sum (loans) = Σ b × PD, the PD of the rating in
      force each day, the unrated PD of the customer's type on unrated days;
      expected_loss_balance_sum = that × LGD.
    - risk_weighted_balance_sum (loans) = Σ b × risk weight.
    Because these rates are constant per account over the period, applying them to
    the period sums equals applying them day by day. -#}
with

int_account_months_aggregated as (
    select * from {{ ref('int_account_months_aggregated') }}
),

int_accounts_parameterized as (
    select
        account_id,
        parameter_branch_id,
        customer_rate,
        is_fixed_term,
        matched_ftp_rate,
        risk_weight,
        loss_given_default,
        unrated_probability_of_default,
        monthly_account_cost
    from {{ ref('int_accounts_parameterized') }}
),

joined as (
    select
        int_account_months_aggregated.*,
        int_accounts_parameterized.parameter_branch_id,
        int_accounts_parameterized.customer_rate,
        int_accounts_parameterized.is_fixed_term,
        int_accounts_parameterized.matched_ftp_rate,
        int_accounts_parameterized.risk_weight,
        int_accounts_parameterized.loss_given_default,
        int_accounts_parameterized.unrated_probability_of_default,
        int_accounts_parameterized.monthly_account_cost,
        {{ contribution_in_families('int_account_months_aggregated.product_family', 'ftp') }} as is_ftp_family,
        {{ contribution_in_families('int_account_months_aggregated.product_family', 'loan') }} as is_loan
    from int_account_months_aggregated
    inner join int_accounts_parameterized
        on int_account_months_aggregated.account_id = int_accounts_parameterized.account_id
),

final as (
    select
        account_id,
        customer_id,
        period_month,
        product_family,
        parameter_branch_id,
        days_in_period,
        balance_days,
        balance_cny_sum,
        avg_balance_cny,
        period_end_balance_cny,
        is_open_at_period_end,
        customer_rate,
        is_fixed_term,
        matched_ftp_rate,
        risk_weight,
        loss_given_default,
        monthly_account_cost,
        case
            when not is_ftp_family or customer_rate is null then 0
            when is_fixed_term then coalesce((customer_rate - matched_ftp_rate) * balance_cny_sum, 0)
            else customer_rate * bucket_zero_priced_balance_sum - bucket_zero_ftp_balance_sum
        end as rate_spread_balance_sum,
        coalesce(customer_rate * balance_cny_sum, 0) as customer_rate_balance_sum,
        case
            when is_loan
                then rated_default_probability_balance_sum
                    + coalesce(unrated_probability_of_default * unrated_balance_sum, 0)
            else 0
        end as default_probability_balance_sum,
        case when is_loan then balance_cny_sum * risk_weight else 0 end as risk_weighted_balance_sum,
        case
            when is_loan
                then (
                    rated_default_probability_balance_sum
                    + coalesce(unrated_probability_of_default * unrated_balance_sum, 0)
                ) * loss_given_default
            else 0
        end as expected_loss_balance_sum,
        case
            when not is_ftp_family then 0
            when customer_rate is null then balance_days
            when is_fixed_term then case when matched_ftp_rate is null then balance_days else 0 end
            else bucket_zero_unpriced_days
        end as ftp_unpriced_days
    from joined
)

select * from final
