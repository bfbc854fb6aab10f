{{ config(materialized='table') }}
{#- One row per validated account with every account-level input of the contribution
    (METHODOLOGY.md §2), branch overrides applied through the owner's branch (§6):
    the customer rate, the matched-maturity FTP rate of fixed-term accounts, and for
    loans the risk weight ((customer_type, collateral_type), `*` collateral as the
    fallback), the LGD and the PD used while the customer is unrated; a loan with no
    collateral_type counts as unsecured. Plus the monthly account cost of its family. -#}
with

int_accounts_validated as (
    select * from {{ ref('int_accounts_validated') }}
),

stg_core__customers as (
    select
        customer_id,
        customer_type,
        branch_id
    from {{ ref('stg_core__customers') }}
),

int_accounts_ftp_matched as (
    select * from {{ ref('int_accounts_ftp_matched') }}
),

int_risk_weights_resolved as (
    select * from {{ ref('int_risk_weights_resolved') }}
),

int_loss_given_default_resolved as (
    select * from {{ ref('int_loss_given_default_resolved') }}
),

int_probability_of_default_resolved as (
    select * from {{ ref('int_probability_of_default_resolved') }}
),

int_account_unit_costs_resolved as (
    select * from {{ ref('int_account_unit_costs_resolved') }}
),

accounts as (
    select
        int_accounts_validated.account_id,
        int_accounts_validated.customer_id,
        stg_core__customers.customer_type,
        coalesce(stg_core__customers.branch_id, '*') as parameter_branch_id,
        int_accounts_validated.product_family,
        int_accounts_validated.currency,
        int_accounts_validated.open_date,
        int_accounts_validated.maturity_date,
        int_accounts_validated.close_date,
        int_accounts_validated.interest_rate as customer_rate,
        case
            when {{ contribution_in_families('int_accounts_validated.product_family', 'loan') }}
                then coalesce(int_accounts_validated.collateral_type, 'unsecured')
        end as effective_collateral_type
    from int_accounts_validated
    inner join stg_core__customers
        on int_accounts_validated.customer_id = stg_core__customers.customer_id
),

final as (
    select
        accounts.account_id,
        accounts.customer_id,
        accounts.customer_type,
        accounts.parameter_branch_id,
        accounts.product_family,
        accounts.currency,
        accounts.open_date,
        accounts.maturity_date,
        accounts.close_date,
        accounts.customer_rate,
        int_accounts_ftp_matched.account_id is not null as is_fixed_term,
        int_accounts_ftp_matched.original_term_months,
        int_accounts_ftp_matched.ftp_curve_effective_date,
        int_accounts_ftp_matched.ftp_term_months,
        int_accounts_ftp_matched.matched_ftp_rate,
        accounts.effective_collateral_type,
        case
            when {{ contribution_in_families('accounts.product_family', 'loan') }}
                then coalesce(exact_risk_weights.risk_weight, fallback_risk_weights.risk_weight)
        end as risk_weight,
        int_loss_given_default_resolved.loss_given_default,
        case
            when {{ contribution_in_families('accounts.product_family', 'loan') }}
                then coalesce(unrated_exact.probability_of_default, unrated_fallback.probability_of_default)
        end as unrated_probability_of_default,
        int_account_unit_costs_resolved.monthly_account_cost
    from accounts
    left join int_accounts_ftp_matched
        on accounts.account_id = int_accounts_ftp_matched.account_id
    left join int_risk_weights_resolved as exact_risk_weights
        on accounts.parameter_branch_id = exact_risk_weights.branch_id
            and accounts.customer_type = exact_risk_weights.customer_type
            and accounts.effective_collateral_type = exact_risk_weights.collateral_type
    left join int_risk_weights_resolved as fallback_risk_weights
        on accounts.parameter_branch_id = fallback_risk_weights.branch_id
            and accounts.customer_type = fallback_risk_weights.customer_type
            and fallback_risk_weights.collateral_type = '*'
    left join int_loss_given_default_resolved
        on accounts.parameter_branch_id = int_loss_given_default_resolved.branch_id
            and accounts.effective_collateral_type = int_loss_given_default_resolved.collateral_type
    left join int_probability_of_default_resolved as unrated_exact
        on accounts.parameter_branch_id = unrated_exact.branch_id
            and unrated_exact.rating = 'unrated'
            and accounts.customer_type = unrated_exact.customer_type
    left join int_probability_of_default_resolved as unrated_fallback
        on accounts.parameter_branch_id = unrated_fallback.branch_id
            and unrated_fallback.rating = 'unrated'
            and unrated_fallback.customer_type = '*'
    left join int_account_unit_costs_resolved
        on accounts.parameter_branch_id = int_account_unit_costs_resolved.branch_id
            and accounts.product_family = int_account_unit_costs_resolved.product_family
)

select * from final
