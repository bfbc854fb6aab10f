{# What dq_quarantine and dq_reconciliation know about each raw table: its key (the
   record_key of a quarantined row), its landed columns (the raw_record of a row failing
   in staging), the model holding its clean rows at the end, and, for tables with
   cross-table checks, the validation query and the staged columns it reports.
   The two large tables are checked once per build into a model that names the reason of
   each failing row (`rechecked`): the balances at account-month grain (METHODOLOGY.md §9,
   §13) — their clean rows counted by the account-month sums (`clean_rows`:
   sum(balance_days) of int_account_months_aggregated), their dated failing rows the
   re-read rows of int_balances_rechecked, only the undated ones straight from staging
   (`staging_filter`) — and the transactions likewise: their clean rows counted by the one
   pass's groups (`clean_rows`: Σ transaction_count of int_transaction_days_profiled's clean
   rows — no reason, a day), their dated failing rows the re-read rows of int_transactions_rechecked, the
   undated ones straight from staging. `rechecked_month` names the month column of a
   `rechecked` model: dq_quarantine keeps those rows by month (period_month) and rewrites
   only the months the run wrote; every other row is rewritten in every run. #}
{% macro quarantine_tables() %}
    {{ return({
        'customers': {'key': ['customer_id'], 'clean': 'stg_core__customers', 'validation': none,
            'raw': ['customer_id', 'customer_type', 'customer_name', 'id_number', 'phone', 'birth_date',
                'gender', 'occupation', 'annual_income', 'industry_code', 'emerging_tag', 'group_id',
                'annual_sales', 'total_assets', 'employee_count', 'branch_id', 'onboard_date', 'close_date']},
        'accounts': {'key': ['account_id'], 'clean': 'int_accounts_validated', 'validation': validated_customer_children('stg_core__accounts'),
            'staged': ['account_id', 'customer_id', 'product_family', 'product_code', 'currency', 'open_date', 'maturity_date', 'close_date', 'interest_rate', 'risk_class', 'collateral_type'],
            'raw': ['account_id', 'customer_id', 'product_family', 'product_code', 'currency', 'open_date',
                'maturity_date', 'close_date', 'interest_rate', 'risk_class', 'collateral_type']},
        'balances': {'key': ['account_id', 'balance_date'], 'clean': 'int_account_months_aggregated',
            'clean_rows': 'sum(balance_days)', 'validation': none, 'staging_filter': 'balance_date is null',
            'rechecked': 'int_balances_rechecked', 'rechecked_month': 'period_month',
            'raw': ['account_id', 'balance_date', 'balance']},
        'transactions': {'key': ['txn_id'], 'clean': 'int_transaction_days_profiled',
            'clean_rows': 'sum(case when dq_reason_code is null and txn_date is not null then transaction_count else 0 end)', 'validation': none,
            'staging_filter': 'txn_ts is null', 'rechecked': 'int_transactions_rechecked', 'rechecked_month': 'txn_month',
            'raw': ['txn_id', 'account_id', 'txn_ts', 'amount', 'direction', 'channel', 'initiated_by']},
        'fees': {'key': ['fee_id'], 'clean': 'int_fees_validated', 'validation': validated_fees(),
            'staged': ['fee_id', 'customer_id', 'account_id', 'fee_date', 'fee_type', 'amount', 'currency'],
            'raw': ['fee_id', 'customer_id', 'account_id', 'fee_date', 'fee_type', 'amount', 'currency']},
        'ftp_rates': {'key': ['product_family', 'term_months', 'effective_date'], 'clean': 'stg_core__ftp_rates',
            'validation': none, 'raw': ['product_family', 'term_months', 'effective_date', 'ftp_rate']},
        'credit_ratings': {'key': ['customer_id', 'rating_date'], 'clean': 'int_credit_ratings_validated',
            'validation': validated_customer_children('stg_core__credit_ratings'),
            'staged': ['customer_id', 'rating_date', 'rating'], 'raw': ['customer_id', 'rating_date', 'rating']},
        'relationship_surveys': {'key': ['customer_id', 'survey_date'],
            'clean': 'int_relationship_surveys_validated',
            'validation': validated_customer_children('stg_core__relationship_surveys'),
            'staged': ['customer_id', 'survey_date', 'satisfaction_score', 'has_cooperation_agreement',
                'is_executive_vip', 'wallet_share'],
            'raw': ['customer_id', 'survey_date', 'satisfaction_score', 'has_cooperation_agreement',
                'executive_is_vip', 'wallet_share']},
        'fx_rates': {'key': ['currency', 'rate_date'], 'clean': 'stg_core__fx_rates', 'validation': none,
            'raw': ['currency', 'rate_date', 'cny_per_unit']},
        'prospects': {'key': ['prospect_id'], 'clean': 'stg_core__prospects', 'validation': none,
            'raw': ['prospect_id', 'prospect_name', 'customer_type', 'industry_code', 'branch_id',
                'annual_sales', 'total_assets', 'sales_growth_rate', 'market_influence_score',
                'chain_influence_score', 'product_fit_score', 'marketing_feasibility_score',
                'product_advantage_score', 'service_convenience_score']},
        'tier_overrides': {'key': ['override_id'], 'clean': 'int_tier_overrides_validated',
            'validation': 'select * from ' ~ ref('int_tier_overrides_checked'),
            'staged': ['override_id', 'customer_id', 'tier_code', 'reason', 'requested_by', 'approved_by',
                'valid_from', 'valid_to'],
            'raw': ['override_id', 'customer_id', 'tier_code', 'reason', 'requested_by', 'approved_by',
                'valid_from', 'valid_to']},
        'relationship_managers': {'key': ['rm_id'], 'clean': 'stg_core__relationship_managers',
            'validation': none, 'raw': ['rm_id', 'rm_name', 'branch_id', 'hire_date', 'leave_date']},
        'customer_assignments': {'key': ['assignment_id'], 'clean': 'int_customer_assignments_validated',
            'validation': 'select * from ' ~ ref('int_customer_assignments_checked'),
            'staged': ['assignment_id', 'customer_id', 'rm_id', 'valid_from', 'valid_to'],
            'raw': ['assignment_id', 'customer_id', 'rm_id', 'valid_from', 'valid_to']},
        'contacts': {'key': ['contact_id'], 'clean': 'int_contacts_validated',
            'validation': validated_contacts(),
            'staged': ['contact_id', 'customer_id', 'rm_id', 'contact_date', 'channel'],
            'raw': ['contact_id', 'customer_id', 'rm_id', 'contact_date', 'channel']},
    }) }}
{% endmacro %}

{# `a|b|c` text key of a record from its key columns (null parts shown as empty). #}
{% macro record_key(column_names, prefix='') -%}
    {%- set parts = [] -%}
    {%- for c in column_names -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(cast(" ~ prefix ~ c ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{# Config of dq_quarantine, per engine (dispatched). DuckDB: incremental by period_month —
   the rows of the monthly re-reads (balances, transactions) are kept by month and only
   the months this run wrote are rewritten; the rows without a month (every other table,
   undated rows) are rewritten in every run (pre-hook clear_quarantine_window). Spark: a
   table rebuilt in every run — Parquet tables have no delete, and the rows without a
   month have no partition to overwrite; its inputs are the small tables and the
   re-reads' few failing rows. #}
{% macro quarantine_config() %}
    {{ return(adapter.dispatch('quarantine_config', 'bank_tiering')()) }}
{% endmacro %}

{% macro default__quarantine_config() %}
    {{ return({'materialized': 'table'}) }}
{% endmacro %}

{% macro duckdb__quarantine_config() %}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
               'unique_key': 'period_month', 'on_schema_change': 'fail',
               'pre_hook': '{{ clear_quarantine_window() }}'}) }}
{% endmacro %}

{# The first month ('YYYY-MM-DD') whose quarantine rows of the monthly re-reads an
   incremental build of dq_quarantine rewrites: the first month this invocation wrote to
   the facts incremental by month (incremental_written_from); none on a full build or
   when unknown (then every row is rewritten). #}
{% macro quarantine_start_month() %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(incremental_written_from()) }}
{% endmacro %}

{# Pre-hook of dq_quarantine on DuckDB: removes the rows it rewrites — those without a
   month and those of the months from quarantine_start_month() on (every row when that is
   unknown) — so a table whose bad rows were corrected loses them. #}
{% macro clear_quarantine_window() %}
    {%- if not execute or not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set start = quarantine_start_month() -%}
    {%- if start is none -%}
        {{ return('delete from ' ~ this) }}
    {%- endif -%}
    {{ return('delete from ' ~ this ~ " where period_month is null or period_month >= cast('" ~ start ~ "' as date)") }}
{% endmacro %}
