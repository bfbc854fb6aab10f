{# Cross-table checks of the validation step (METHODOLOGY.md §9): the staged rows of
   one entity with `dq_reason_code` set to `orphan_reference` or `no_fx_rate` where a
   referenced row is missing. `int_<entity>_validated` keeps the rows where it is null;
   `dq_quarantine` reports the others, so both read one definition. The balances are
   checked at account-month grain instead (balance_rows_checked below). #}

{# Every dated landed balance row (base_core__balances; undated rows are quarantined by
   dq_quarantine directly) with what the account-month models need from it
   (METHODOLOGY.md §1–2, §9):
   - `row_reason_code`: the single-row reason of staging (null = passed);
   - `account_reason_code`: for rows that passed, the cross-table reason — the account is
     not a validated account (`orphan_reference`), the day is outside the account's open
     range (`date_order`), or a foreign currency has no fixing on or before the day
     (`no_fx_rate`);
   - `is_clean`: neither (duplicates are decided by int_balances_rechecked);
   - `balance_cny` (balance × the fixing in force that day, 1 for CNY),
     `bucket_zero_ftp_rate` (bucket 0 of the family's curve in force that day) and, for
     loans, `rated_probability_of_default` (the PD of the rating in force that day).
   Every lookup is an equality join on a small table; account attributes are computed on
   the account side (331k rows), not per balance row; CNY rows and non-loan rows carry a
   null key and skip the FX and rating probes.
   Read with a window: `start_month` ('YYYY-MM-DD', or none for every month) and
   optionally `months`, a list of 'YYYY-MM-DD' month starts; both reach the Parquet scan as
   date ranges. Shared by the one pass (int_balance_months_profiled) and the quarantine
   re-read (int_balances_rechecked), so both classify and price a row the same way. #}
{% macro balance_rows_checked(start_month=none, months=none) %}
    with

    base_core__balances as {{ cte_not_materialized() }} (
        select * from {{ ref('base_core__balances') }}
        where
            balance_date is not null
            {%- if start_month is not none %}
            and balance_date >= cast('{{ start_month }}' as date)
            {%- endif %}
            {%- if months is not none %}
            and ({% for month in months %}
                (balance_date >= cast('{{ month }}' as date)
                    and balance_date < cast({{ dbt.dateadd('month', '1', "cast('" ~ month ~ "' as date)") }} as date))
                {{- ' or' if not loop.last }}{% endfor %}
            )
            {%- endif %}
    ),

    int_accounts_validated as (
        select
            account_id,
            customer_id,
            product_family,
            currency,
            open_date,
            close_date,
            case when currency != 'CNY' then currency end as fx_currency,
            {{ contribution_in_families('product_family', 'ftp') }} as is_ftp_family,
            {{ contribution_in_families('product_family', 'loan') }} as is_loan,
            case when {{ contribution_in_families('product_family', 'loan') }} then customer_id end as rated_customer_id
        from {{ ref('int_accounts_validated') }}
    ),

    int_fx_rates_daily as (
        select * from {{ ref('int_fx_rates_daily') }}
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

    checked as {{ cte_not_materialized() }} (
        select
            base_core__balances.account_id,
            base_core__balances.balance_date,
            base_core__balances.period_month,
            base_core__balances.balance,
            base_core__balances.raw__account_id,
            base_core__balances.raw__balance_date,
            base_core__balances.raw__balance,
            base_core__balances.dq_reason_code as row_reason_code,
            case
                when base_core__balances.dq_reason_code is not null then null
                when int_accounts_validated.account_id is null then 'orphan_reference'
                {#- a balance on a day its account is not open (METHODOLOGY.md §2) #}
                when base_core__balances.balance_date < int_accounts_validated.open_date
                    or base_core__balances.balance_date >= int_accounts_validated.close_date
                    then 'date_order'
                when int_accounts_validated.fx_currency is not null and int_fx_rates_daily.cny_per_unit is null
                    then 'no_fx_rate'
            end as account_reason_code,
            int_accounts_validated.customer_id,
            int_accounts_validated.product_family,
            int_accounts_validated.is_ftp_family,
            int_accounts_validated.is_loan,
            base_core__balances.balance * coalesce(int_fx_rates_daily.cny_per_unit, 1.0) as balance_cny,
            {{ contribution_ftp_family_value('int_accounts_validated.product_family', 'int_ftp_rates_daily', 'ftp_rate') }}
                as bucket_zero_ftp_rate,
            int_credit_ratings_spanned.probability_of_default as rated_probability_of_default
        from base_core__balances
        left join int_accounts_validated
            on base_core__balances.account_id = int_accounts_validated.account_id
        -- CNY accounts carry a null key: most rows skip the FX probe (their rate is 1)
        left join int_fx_rates_daily
            on int_accounts_validated.fx_currency = int_fx_rates_daily.currency
                and base_core__balances.balance_date = int_fx_rates_daily.rate_date
        left join int_ftp_rates_daily
            on base_core__balances.balance_date = int_ftp_rates_daily.rate_date
        -- only loans carry a key: the other rows (most of the table) skip the rating probe
        left join int_credit_ratings_spanned
            on int_accounts_validated.rated_customer_id = int_credit_ratings_spanned.customer_id
                and base_core__balances.balance_date >= int_credit_ratings_spanned.valid_from
                and (
                    int_credit_ratings_spanned.valid_to is null
                    or base_core__balances.balance_date < int_credit_ratings_spanned.valid_to
                )
    ),

    final as {{ cte_not_materialized() }} (
        select
            *,
            row_reason_code is null and account_reason_code is null as is_clean
        from checked
    )

    select * from final
{% endmacro %}

{# The account-month sums of METHODOLOGY.md §1–2 over the rows of balance_rows_checked for
   which `clean_condition` holds: their count (balance_days), Σ CNY balance, the latest
   clean day and its CNY balance (the period-end balance when that day is the month's
   last: balance_month_period_end()), Σ b × bucket-0 FTP rate, Σ b over the days without
   a bucket-0 rate (few: the priced Σ b is Σ b minus it) and the count of FTP-family days
   without one, and for loans Σ b × PD of the rated days and Σ b of the unrated days. Every summand is cast to the exact type of
   contribution_exact() before it is added, so the sums do not depend on the order the
   threads add them in (METHODOLOGY.md §13). Shared by int_balance_months_profiled (one
   pass) and int_account_months_aggregated (account-months with a repeated day). #}
{% macro balance_month_sums(clean_condition) -%}
    {%- set clean_and = clean_condition ~ ' and ' -%}
    cast(count(*) filter (where {{ clean_condition }}) as integer) as balance_days,
    {{ balance_month_exact_sum(clean_condition, 'balance_cny') }} as balance_cny_sum,
    max(balance_date) filter (where {{ clean_condition }}) as last_clean_balance_date,
    {{ arg_max('balance_cny', 'balance_date') }} filter (where {{ clean_condition }}) as last_clean_balance_cny,
    {{ balance_month_exact_sum(clean_condition, 'balance_cny * bucket_zero_ftp_rate') }}
        as bucket_zero_ftp_balance_sum,
    {{ balance_month_exact_sum(clean_and ~ 'bucket_zero_ftp_rate is null', 'balance_cny') }}
        as bucket_zero_unpriced_balance_sum,
    cast(
        count(*) filter (where {{ clean_and }}is_ftp_family and bucket_zero_ftp_rate is null) as integer
    ) as bucket_zero_unpriced_days,
    {{ balance_month_exact_sum(clean_and ~ 'is_loan', 'balance_cny * rated_probability_of_default') }}
        as rated_default_probability_balance_sum,
    {{ balance_month_exact_sum(clean_and ~ 'is_loan and rated_probability_of_default is null', 'balance_cny') }}
        as unrated_balance_sum
{%- endmacro %}

{# Σ of `value` over the rows meeting `condition`, each summand exact
   (contribution_exact), 0 when none. The value is taken inside a CASE, not under a
   FILTER clause: a failing row may hold NaN or 1e300, which must never reach the
   DECIMAL cast. #}
{% macro balance_month_exact_sum(condition, value) -%}
    coalesce(sum({{ contribution_exact('case when ' ~ condition ~ ' then ' ~ value ~ ' end') }}), 0)
{%- endmacro %}

{# The CNY balance on the period's last day from balance_month_sums(): the balance of the
   latest clean day when that day is the month's last, else 0 (no row that day). #}
{% macro balance_month_period_end(relation_name) -%}
    case
        when {{ relation_name }}.last_clean_balance_date = {{ contribution_month_end(relation_name ~ '.period_month') }}
            then {{ contribution_exact(relation_name ~ '.last_clean_balance_cny') }}
        else 0
    end
{%- endmacro %}

{# The value of `value` on the row with the largest `by` of a group (an aggregate;
   DuckDB arg_max, Spark max_by). Dispatched. #}
{% macro arg_max(value, by) -%}
    {{ return(adapter.dispatch('arg_max', 'bank_tiering')(value, by)) }}
{%- endmacro %}

{% macro default__arg_max(value, by) -%}
    max_by({{ value }}, {{ by }})
{%- endmacro %}

{% macro duckdb__arg_max(value, by) -%}
    arg_max({{ value }}, {{ by }})
{%- endmacro %}

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

{# Staged contacts with the cross-table rule of METHODOLOGY.md §18 (doc `contact_checks`):
   `orphan_reference` when the customer is not a clean customer, or when the contact names
   an RM that is not a clean relationship manager while the optional relationship_managers
   table is landed (with the RM pair absent an rm_id cannot be checked and is kept). #}
{% macro validated_contacts() %}
    with

    stg_core__contacts as (
        select * from {{ ref('stg_core__contacts') }}
    ),

    stg_core__customers as (
        select customer_id from {{ ref('stg_core__customers') }}
    ),

    stg_core__relationship_managers as (
        select rm_id from {{ ref('stg_core__relationship_managers') }}
    ),

    stg_core__landed_row_counts as (
        select raw_rows > 0 as has_relationship_managers
        from {{ ref('stg_core__landed_row_counts') }}
        where source_table = 'relationship_managers'
    ),

    checked as (
        select
            stg_core__contacts.*,
            case
                when stg_core__customers.customer_id is null then 'orphan_reference'
                when
                    stg_core__contacts.rm_id is not null
                    and stg_core__relationship_managers.rm_id is null
                    and stg_core__landed_row_counts.has_relationship_managers
                    then 'orphan_reference'
            end as dq_reason_code
        from stg_core__contacts
        cross join stg_core__landed_row_counts
        left join stg_core__customers
            on stg_core__contacts.customer_id = stg_core__customers.customer_id
        left join stg_core__relationship_managers
            on stg_core__contacts.rm_id = stg_core__relationship_managers.rm_id
    )

    select * from checked
{% endmacro %}
