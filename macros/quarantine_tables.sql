{# What dq_quarantine and dq_reconciliation know about each raw table: its key (the
   record_key of a quarantined row), its landed columns (the raw_record of a row failing
   in staging), the model holding its clean rows at the end, and, for tables with
   cross-table checks, the validation query and the staged columns it reports.
   The two large tables are checked once per build into a model that names the reason of
   each failing row (`rechecked`): the balances at account-month grain (METHODOLOGY.md §9,
   §13) — their clean rows counted by the account-month sums (`clean_rows`:
   sum(balance_days) of int_account_months_aggregated), their dated failing rows the
   re-read rows of int_balances_rechecked, only the undated ones straight from staging
   (`staging_filter`) — and the transactions row by row (int_transactions_checked; the
   undated ones straight from staging too). #}
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
            'rechecked': 'int_balances_rechecked', 'raw': ['account_id', 'balance_date', 'balance']},
        'transactions': {'key': ['txn_id'], 'clean': 'int_transactions_validated', 'validation': none,
            'staging_filter': 'txn_ts is null', 'rechecked': 'int_transactions_checked',
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
