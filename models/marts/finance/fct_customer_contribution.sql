{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Profit contribution (利润贡献度) per customer and period (METHODOLOGY.md §1–2,
    INTERFACES.md §3): one row for every customer and calendar month covered by the
    balances in which at least one of the customer's accounts is open on a day, built from
    the exact period sums of int_customer_months_aggregated:
    - daily averages (月日均) = Σ daily CNY balances of the family ÷ calendar days;
    - loan FTP = Σ b × (customer − FTP rate) / basis; deposit FTP = Σ b × (FTP − customer
      rate) / basis;
    - capital cost = Σ b_loan × risk weight × capital ratio × cost of capital / basis;
    - credit cost = Σ b_loan × PD × LGD / basis;
    - tax = tax rate × max(gross loan interest + fee income, 0), gross loan interest =
      Σ b_loan × customer rate / basis;
    - operating cost = account cost + transaction cost + tax;
    - contribution = loan FTP + deposit FTP + fee − capital − operating − credit.
    Every amount is published rounded to 0.01 from its exact value (§13). Incremental: a
    run recomputes every period from incremental_start_month() on and replaces those
    periods whole (delete+insert on period_month). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
{%- set period_filter -%}
{%- if start_month is not none %}
    where period_month >= cast('{{ start_month }}' as date)
{%- endif %}
{%- endset %}
{%- set basis = contribution_day_count_basis() %}

with

int_customer_months_aggregated as (
    select * from {{ ref('int_customer_months_aggregated') }}{{ period_filter }}
),

int_customer_months_fees_summed as (
    select
        customer_id,
        period_month,
        fee_income
    from {{ ref('int_customer_months_fees_summed') }}{{ period_filter }}
),

int_customer_months_transactions_costed as (
    select
        customer_id,
        period_month,
        transaction_cost
    from {{ ref('int_customer_months_transactions_costed') }}{{ period_filter }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        capital_ratio,
        cost_of_capital,
        tax_rate
    from {{ ref('int_branch_parameters_pivoted') }}
),

components as (
    select
        int_customer_months_aggregated.customer_id,
        int_customer_months_aggregated.period_month,
        int_customer_months_aggregated.days_in_period,
        int_customer_months_aggregated.loan_balance_sum / int_customer_months_aggregated.days_in_period
            as avg_loan_balance,
        int_customer_months_aggregated.deposit_balance_sum / int_customer_months_aggregated.days_in_period
            as avg_deposit_balance,
        int_customer_months_aggregated.aum_balance_sum / int_customer_months_aggregated.days_in_period as avg_aum,
        int_customer_months_aggregated.loan_rate_spread_balance_sum / {{ basis }} as loan_ftp_income,
        -int_customer_months_aggregated.deposit_rate_spread_balance_sum / {{ basis }} as deposit_ftp_income,
        coalesce(int_customer_months_fees_summed.fee_income, 0) as fee_income,
        int_customer_months_aggregated.risk_weighted_loan_balance_sum
        * int_branch_parameters_pivoted.capital_ratio
        * int_branch_parameters_pivoted.cost_of_capital
        / {{ basis }} as capital_cost,
        int_customer_months_aggregated.expected_loss_loan_balance_sum / {{ basis }} as credit_cost,
        int_customer_months_aggregated.account_cost,
        coalesce(int_customer_months_transactions_costed.transaction_cost, 0) as transaction_cost,
        int_customer_months_aggregated.loan_customer_rate_balance_sum / {{ basis }} as gross_loan_interest,
        int_branch_parameters_pivoted.tax_rate
    from int_customer_months_aggregated
    left join int_customer_months_fees_summed
        on int_customer_months_aggregated.customer_id = int_customer_months_fees_summed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_fees_summed.period_month
    left join int_customer_months_transactions_costed
        on int_customer_months_aggregated.customer_id = int_customer_months_transactions_costed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_transactions_costed.period_month
    left join int_branch_parameters_pivoted
        on int_customer_months_aggregated.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

taxed as (
    select
        *,
        tax_rate * greatest(gross_loan_interest + fee_income, 0) as tax_amount
    from components
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(period_month as date) as period_month,
        cast(days_in_period as integer) as days_in_period,
        {{ contribution_money('avg_loan_balance') }} as avg_loan_balance,
        {{ contribution_money('avg_deposit_balance') }} as avg_deposit_balance,
        {{ contribution_money('avg_aum') }} as avg_aum,
        {{ contribution_money('loan_ftp_income') }} as loan_ftp_income,
        {{ contribution_money('deposit_ftp_income') }} as deposit_ftp_income,
        {{ contribution_money('fee_income') }} as fee_income,
        {{ contribution_money('capital_cost') }} as capital_cost,
        {{ contribution_money('account_cost + transaction_cost + tax_amount') }} as operating_cost,
        {{ contribution_money('tax_amount') }} as tax_amount,
        {{ contribution_money('credit_cost') }} as credit_cost,
        {{ contribution_money(
            'loan_ftp_income + deposit_ftp_income + fee_income - capital_cost'
            ~ ' - (account_cost + transaction_cost + tax_amount) - credit_cost') }} as contribution,
        {{ contribution_money('account_cost') }} as account_cost,
        {{ contribution_money('transaction_cost') }} as transaction_cost,
        {{ contribution_money('gross_loan_interest') }} as gross_loan_interest
    from taxed
)

select * from final
