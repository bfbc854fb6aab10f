{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The customer-month grain of the contribution facts (INTERFACES.md §3): one row for
    every customer and period in which at least one of the customer's accounts is open
    on at least one day, with the period sums of its priced account-months by product
    family group (METHODOLOGY.md §1–2) in one pass, and the account cost — the
    monthly cost of every account open on a day of the period. Every sum adds exact
    DECIMAL summands (contribution_exact(), §13). fct_customer_contribution turns these
    sums into amounts. Incremental like int_account_months_aggregated
    (incremental_start_month()). -#}
{%- set start_month = incremental_start_month() %}

with

int_account_months_priced as (
    select * from {{ ref('int_account_months_priced') }}
    {%- if start_month is not none %}
    where period_month >= cast('{{ start_month }}' as date)
    {%- endif %}
),

stg_core__customers as (
    select
        customer_id,
        customer_type,
        branch_id
    from {{ ref('stg_core__customers') }}
),

customer_periods as (
    select
        customer_id,
        period_month,
        days_in_period,
        count(*) as open_accounts,
        sum(case when is_open_at_period_end then 1 else 0 end) as open_accounts_at_period_end,
        {%- for family_group in ['loan', 'deposit', 'aum'] %}
        sum(case when {{ contribution_in_families('product_family', family_group) }} then balance_cny_sum else 0 end)
            as {{ family_group }}_balance_sum,
        {%- endfor %}
        sum(
            case
                when {{ contribution_in_families('product_family', 'loan') }}
                    then {{ contribution_exact('rate_spread_balance_sum') }}
                else 0
            end
        ) as loan_rate_spread_balance_sum,
        sum(
            case
                when {{ contribution_in_families('product_family', 'deposit') }}
                    then {{ contribution_exact('rate_spread_balance_sum') }}
                else 0
            end
        ) as deposit_rate_spread_balance_sum,
        sum(
            case
                when {{ contribution_in_families('product_family', 'loan') }}
                    then {{ contribution_exact('customer_rate_balance_sum') }}
                else 0
            end
        ) as loan_customer_rate_balance_sum,
        sum({{ contribution_exact('risk_weighted_balance_sum') }}) as risk_weighted_loan_balance_sum,
        sum({{ contribution_exact('expected_loss_balance_sum') }}) as expected_loss_loan_balance_sum,
        sum({{ contribution_exact('monthly_account_cost') }}) as account_cost,
        sum(ftp_unpriced_days) as ftp_unpriced_days
    from int_account_months_priced
    group by
        customer_id,
        period_month,
        days_in_period
),

final as (
    select
        customer_periods.customer_id,
        customer_periods.period_month,
        {{ contribution_month_end('customer_periods.period_month') }} as period_end_date,
        customer_periods.days_in_period,
        stg_core__customers.customer_type,
        coalesce(stg_core__customers.branch_id, '*') as parameter_branch_id,
        cast(customer_periods.open_accounts as integer) as open_accounts,
        cast(customer_periods.open_accounts_at_period_end as integer) as open_accounts_at_period_end,
        customer_periods.loan_balance_sum,
        customer_periods.deposit_balance_sum,
        customer_periods.aum_balance_sum,
        customer_periods.loan_rate_spread_balance_sum,
        customer_periods.deposit_rate_spread_balance_sum,
        customer_periods.loan_customer_rate_balance_sum,
        customer_periods.risk_weighted_loan_balance_sum,
        customer_periods.expected_loss_loan_balance_sum,
        coalesce(customer_periods.account_cost, 0) as account_cost,
        cast(customer_periods.ftp_unpriced_days as integer) as ftp_unpriced_days
    from customer_periods
    inner join stg_core__customers
        on customer_periods.customer_id = stg_core__customers.customer_id
)

select * from final
