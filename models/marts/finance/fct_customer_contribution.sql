{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Profit contribution (利润贡献度) per customer and period (METHODOLOGY.md §2,
    INTERFACES.md §3): one row for every customer and calendar month covered by the
    balances in which at least one of the customer's accounts is open on a day.
    contribution = loan FTP + deposit FTP + fee income − capital cost − operating
    cost − credit cost; operating cost = account cost + transaction cost + tax.
    Incremental: a run recomputes every period from incremental_start_month()
    on (the latest period already loaded, or var('reprocess_from_month') when
    earlier) and replaces those periods whole (delete+insert on period_month). -#}
{%- set start_month = incremental_start_month() %}
{%- set period_filter -%}
{%- if start_month is not none %}
    where period_month >= cast('{{ start_month }}' as date)
{%- endif %}
{%- endset %}

with

int_customer_months_aggregated as (
    select
        customer_id,
        period_month,
        days_in_period,
        account_cost
    from {{ ref('int_customer_months_aggregated') }}{{ period_filter }}
),

int_customer_months_balances_averaged as (
    select * from {{ ref('int_customer_months_balances_averaged') }}{{ period_filter }}
),

int_customer_months_ftp_netted as (
    select * from {{ ref('int_customer_months_ftp_netted') }}{{ period_filter }}
),

int_customer_months_capital_costed as (
    select * from {{ ref('int_customer_months_capital_costed') }}{{ period_filter }}
),

int_customer_months_credit_costed as (
    select * from {{ ref('int_customer_months_credit_costed') }}{{ period_filter }}
),

int_customer_months_transactions_costed as (
    select * from {{ ref('int_customer_months_transactions_costed') }}{{ period_filter }}
),

int_customer_months_taxed as (
    select * from {{ ref('int_customer_months_taxed') }}{{ period_filter }}
),

components as (
    select
        int_customer_months_aggregated.customer_id,
        int_customer_months_aggregated.period_month,
        int_customer_months_aggregated.days_in_period,
        coalesce(int_customer_months_balances_averaged.avg_loan_balance, 0) as avg_loan_balance,
        coalesce(int_customer_months_balances_averaged.avg_deposit_balance, 0) as avg_deposit_balance,
        coalesce(int_customer_months_balances_averaged.avg_aum, 0) as avg_aum,
        coalesce(int_customer_months_ftp_netted.loan_ftp_income, 0) as loan_ftp_income,
        coalesce(int_customer_months_ftp_netted.deposit_ftp_income, 0) as deposit_ftp_income,
        coalesce(int_customer_months_taxed.fee_income, 0) as fee_income,
        coalesce(int_customer_months_capital_costed.capital_cost, 0) as capital_cost,
        coalesce(int_customer_months_taxed.tax_amount, 0) as tax_amount,
        coalesce(int_customer_months_credit_costed.credit_cost, 0) as credit_cost,
        int_customer_months_aggregated.account_cost,
        coalesce(int_customer_months_transactions_costed.transaction_cost, 0) as transaction_cost,
        coalesce(int_customer_months_taxed.gross_loan_interest, 0) as gross_loan_interest
    from int_customer_months_aggregated
    left join int_customer_months_balances_averaged
        on int_customer_months_aggregated.customer_id = int_customer_months_balances_averaged.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_balances_averaged.period_month
    left join int_customer_months_ftp_netted
        on int_customer_months_aggregated.customer_id = int_customer_months_ftp_netted.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_ftp_netted.period_month
    left join int_customer_months_capital_costed
        on int_customer_months_aggregated.customer_id = int_customer_months_capital_costed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_capital_costed.period_month
    left join int_customer_months_credit_costed
        on int_customer_months_aggregated.customer_id = int_customer_months_credit_costed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_credit_costed.period_month
    left join int_customer_months_transactions_costed
        on int_customer_months_aggregated.customer_id = int_customer_months_transactions_costed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_transactions_costed.period_month
    left join int_customer_months_taxed
        on int_customer_months_aggregated.customer_id = int_customer_months_taxed.customer_id
            and int_customer_months_aggregated.period_month = int_customer_months_taxed.period_month
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(period_month as date) as period_month,
        cast(days_in_period as integer) as days_in_period,
        cast(avg_loan_balance as double) as avg_loan_balance,
        cast(avg_deposit_balance as double) as avg_deposit_balance,
        cast(avg_aum as double) as avg_aum,
        cast(loan_ftp_income as double) as loan_ftp_income,
        cast(deposit_ftp_income as double) as deposit_ftp_income,
        cast(fee_income as double) as fee_income,
        cast(capital_cost as double) as capital_cost,
        cast(account_cost + transaction_cost + tax_amount as double) as operating_cost,
        cast(tax_amount as double) as tax_amount,
        cast(credit_cost as double) as credit_cost,
        cast(
            loan_ftp_income + deposit_ftp_income + fee_income
            - capital_cost - (account_cost + transaction_cost + tax_amount) - credit_cost
            as double
        ) as contribution,
        cast(account_cost as double) as account_cost,
        cast(transaction_cost as double) as transaction_cost,
        cast(gross_loan_interest as double) as gross_loan_interest
    from components
)

select * from final
