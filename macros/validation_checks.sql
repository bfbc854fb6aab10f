{# Cross-table checks of the validation step (METHODOLOGY.md §9): the staged rows of
   one entity with `dq_reason_code` set to `orphan_reference` or `no_fx_rate` where a
   referenced row is missing. `int_<entity>_validated` keeps the rows where it is null;
   `dq_quarantine` reports the others, so both read one definition. #}

{% macro validated_balances() %}
    with

    stg_core__balances as (
        select * from {{ ref('stg_core__balances') }}
    ),

    int_accounts_validated as (
        select account_id, customer_id, product_family, currency, open_date, close_date
        from {{ ref('int_accounts_validated') }}
    ),

    int_fx_rates_daily as (
        select * from {{ ref('int_fx_rates_daily') }}
    ),

    checked as (
        select
            stg_core__balances.account_id,
            int_accounts_validated.customer_id,
            int_accounts_validated.product_family,
            int_accounts_validated.currency,
            stg_core__balances.balance_date,
            stg_core__balances.balance,
            case
                when int_accounts_validated.currency = 'CNY' then 1.0
                else int_fx_rates_daily.cny_per_unit
            end as cny_per_unit,
            case
                when int_accounts_validated.account_id is null then 'orphan_reference'
                {#- a balance on a day its account is not open (METHODOLOGY.md §2) #}
                when stg_core__balances.balance_date < int_accounts_validated.open_date
                    or stg_core__balances.balance_date >= int_accounts_validated.close_date
                    then 'date_order'
                when int_accounts_validated.currency != 'CNY' and int_fx_rates_daily.cny_per_unit is null
                    then 'no_fx_rate'
            end as dq_reason_code
        from stg_core__balances
        left join int_accounts_validated
            on stg_core__balances.account_id = int_accounts_validated.account_id
        left join int_fx_rates_daily
            on int_accounts_validated.currency = int_fx_rates_daily.currency
            and stg_core__balances.balance_date = int_fx_rates_daily.rate_date
    )

    select * from checked
{% endmacro %}

{% macro validated_transactions() %}
    with

    stg_core__transactions as (
        select * from {{ ref('stg_core__transactions') }}
    ),

    int_accounts_validated as (
        select account_id, customer_id from {{ ref('int_accounts_validated') }}
    ),

    checked as (
        select
            stg_core__transactions.txn_id,
            stg_core__transactions.account_id,
            int_accounts_validated.customer_id,
            stg_core__transactions.direction,
            stg_core__transactions.channel,
            stg_core__transactions.initiated_by,
            stg_core__transactions.amount,
            stg_core__transactions.is_customer_initiated,
            stg_core__transactions.txn_ts,
            stg_core__transactions.txn_date,
            case
                when int_accounts_validated.account_id is null then 'orphan_reference'
            end as dq_reason_code
        from stg_core__transactions
        left join int_accounts_validated
            on stg_core__transactions.account_id = int_accounts_validated.account_id
    )

    select * from checked
{% endmacro %}

{% macro validated_fees() %}
    with

    stg_core__fees as (
        select * from {{ ref('stg_core__fees') }}
    ),

    stg_core__customers as (
        select customer_id from {{ ref('stg_core__customers') }}
    ),

    int_accounts_validated as (
        select account_id, customer_id from {{ ref('int_accounts_validated') }}
    ),

    int_fx_rates_daily as (
        select * from {{ ref('int_fx_rates_daily') }}
    ),

    checked as (
        select
            stg_core__fees.*,
            case
                when stg_core__fees.currency = 'CNY' then 1.0
                else int_fx_rates_daily.cny_per_unit
            end as cny_per_unit,
            case
                when stg_core__customers.customer_id is null then 'orphan_reference'
                when stg_core__fees.account_id is not null and int_accounts_validated.account_id is null
                    then 'orphan_reference'
                when stg_core__fees.currency != 'CNY' and int_fx_rates_daily.cny_per_unit is null
                    then 'no_fx_rate'
            end as dq_reason_code
        from stg_core__fees
        left join stg_core__customers
            on stg_core__fees.customer_id = stg_core__customers.customer_id
        left join int_accounts_validated
            on stg_core__fees.account_id = int_accounts_validated.account_id
        left join int_fx_rates_daily
            on stg_core__fees.currency = int_fx_rates_daily.currency
            and stg_core__fees.fee_date = int_fx_rates_daily.rate_date
    )

    select * from checked
{% endmacro %}

{# Rows of `staged_model` whose customer_id is not a staged customer are orphans. #}
{% macro validated_customer_children(staged_model) %}
    with

    {{ staged_model }} as (
        select * from {{ ref(staged_model) }}
    ),

    stg_core__customers as (
        select customer_id from {{ ref('stg_core__customers') }}
    ),

    checked as (
        select
            {{ staged_model }}.*,
            case
                when stg_core__customers.customer_id is null then 'orphan_reference'
            end as dq_reason_code
        from {{ staged_model }}
        left join stg_core__customers
            on {{ staged_model }}.customer_id = stg_core__customers.customer_id
    )

    select * from checked
{% endmacro %}
