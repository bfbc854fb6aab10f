{# Column name -> landed data type (lower case) of a raw relation, so the casts below
   skip the text round trip when a Parquet column already has its logical type.
   Empty at parse time (every column is then treated as text). #}
{% macro landed_column_types(relation) %}
    {% set landed = {} %}
    {% if execute %}
        {% for column in adapter.get_columns_in_relation(relation) %}
            {% do landed.update({column.name | lower: column.data_type | lower}) %}
        {% endfor %}
    {% endif %}
    {{ return(landed) }}
{% endmacro %}

{% macro is_text_type(data_type) %}
    {{ return(data_type is none or data_type.startswith('varchar') or data_type.startswith('string')
        or data_type.startswith('text') or data_type.startswith('char')) }}
{% endmacro %}

{# Trimmed text (leading and trailing spaces removed) with empty strings as null. Only a
   value that starts or ends with a space, or is empty, goes through trim(): the rest are
   returned as they are, which on 10⁸ balance rows costs a fifth of trimming every value. #}
{% macro clean_string(column_name) -%}
    {%- set text = 'cast(' ~ column_name ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    case
        when {{ text }} like ' %' or {{ text }} like '% ' or {{ text }} = ''
            then nullif(trim({{ text }}), '')
        else {{ text }}
    end
{%- endmacro %}

{# Trimmed, lower-cased code (codes are checked against seeds/reference/code_labels.csv). #}
{% macro clean_code(column_name) -%}
    lower({{ clean_string(column_name) }})
{%- endmacro %}

{# The typed value of a raw column: null when absent or unparseable. #}
{% macro typed(column_name, data_type, landed) -%}
    {%- set landed_type = landed.get(column_name | lower) -%}
    {%- if is_text_type(landed_type) -%}
        {{ dbt.safe_cast(clean_string(column_name), data_type) }}
    {%- elif landed_type == data_type -%}
        {{ column_name }}
    {%- else -%}
        {{ dbt.safe_cast(column_name, data_type) }}
    {%- endif -%}
{%- endmacro %}

{# True when a raw value is present but does not parse as `data_type` (`bad_type`). A
   double that parses to NaN or ±infinity is `bad_type` too (METHODOLOGY.md §13): Parquet
   doubles can carry them, and text such as 'NaN', 'inf' or '-Infinity' parses to them. #}
{% macro is_bad_type(column_name, data_type, landed) -%}
    {%- set landed_type = landed.get(column_name | lower) -%}
    {%- set value = typed(column_name, data_type, landed) -%}
    {%- set non_finite = (' or ' ~ is_non_finite(value)) if data_type == 'double' else '' -%}
    {%- if is_text_type(landed_type) -%}
        ({{ clean_string(column_name) }} is not null and ({{ value }} is null{{ non_finite }}))
    {%- elif landed_type == data_type -%}
        {{ ('coalesce(' ~ is_non_finite(value) ~ ', false)') if non_finite else 'false' }}
    {%- else -%}
        ({{ column_name }} is not null and ({{ value }} is null{{ non_finite }}))
    {%- endif -%}
{%- endmacro %}

{# True when a double is NaN or ±infinity (null stays null). Dispatched: DuckDB has
   isfinite(), Spark isnan() and an infinite literal. #}
{% macro is_non_finite(expression) -%}
    {{ return(adapter.dispatch('is_non_finite', 'bank_tiering')(expression)) }}
{%- endmacro %}

{% macro default__is_non_finite(expression) -%}
    (isnan({{ expression }}) or abs({{ expression }}) = double('Infinity'))
{%- endmacro %}

{% macro duckdb__is_non_finite(expression) -%}
    (not isfinite({{ expression }}))
{%- endmacro %}

{# True when one of the typed numeric values lies beyond ± the bank-wide parameter
   `bound_parameter` (`out_of_range`, METHODOLOGY.md §13): max_abs_amount for amounts,
   sizes and scores, max_abs_rate for the rates that multiply balances. Checked after
   bad_type, so the values are finite here. #}
{% macro is_out_of_range(expressions, bound_parameter='max_abs_amount') -%}
    {%- set bound = bank_parameter(bound_parameter) -%}
    ({% for expression in expressions %}abs({{ expression }}) > {{ bound }}{{ ' or ' if not loop.last }}{% endfor %})
{%- endmacro %}

{# A bank-wide scalar parameter (the `*` row of seeds/parameters/scalar_parameters.csv),
   read when the model runs and rendered as a double literal: the staging checks need it
   before any branch is known. A missing row stops the run naming the parameter. #}
{% macro bank_parameter(parameter_name) -%}
    {%- set seed = ref('scalar_parameters') -%}
    {%- if not execute -%}
        {{ return('cast(null as double)') }}
    {%- endif -%}
    {%- set found = run_query(
        "select cast(parameter_value as " ~ dbt.type_string() ~ ") from " ~ seed
        ~ " where branch_id = '*' and parameter_name = '" ~ parameter_name ~ "'") -%}
    {%- if found.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "seeds/parameters/scalar_parameters.csv needs exactly one bank-wide ('*') row for '"
            ~ parameter_name ~ "'") }}
    {%- endif -%}
    {{ return('cast(' ~ found.columns[0].values()[0] ~ ' as double)') }}
{%- endmacro %}

{# Salted SHA-256 of a PII value (salt from BANK_TIERING_PII_SALT, METHODOLOGY.md §9). #}
{% macro pii_hash(expression) -%}
    {{ return(adapter.dispatch('pii_hash', 'bank_tiering')(expression)) }}
{%- endmacro %}

{% macro default__pii_hash(expression) -%}
    case when {{ expression }} is not null then sha2(concat('{{ pii_salt() }}', {{ expression }}), 256) end
{%- endmacro %}

{% macro duckdb__pii_hash(expression) -%}
    case when {{ expression }} is not null then sha256(concat('{{ pii_salt() }}', {{ expression }})) end
{%- endmacro %}

{% macro pii_salt() -%}
    {{ env_var('BANK_TIERING_PII_SALT', 'bank-tiering-development-salt') | replace("'", "''") }}
{%- endmacro %}

{# Masked display form of a PII value: the first `keep_first` and last `keep_last`
   characters stay and the rest become `*` (张*, 110***********1234, 138****5678);
   a value too short for that keeps only its first character. #}
{% macro pii_mask(expression, keep_first, keep_last) -%}
    case
        when {{ expression }} is null then null
        when length({{ expression }}) <= {{ keep_first + keep_last }}
            then concat(substring({{ expression }}, 1, 1), repeat('*', length({{ expression }}) - 1))
        else concat(
            substring({{ expression }}, 1, {{ keep_first }}),
            repeat('*', length({{ expression }}) - {{ keep_first + keep_last }}),
            substring({{ expression }}, length({{ expression }}) - {{ keep_last - 1 }}, {{ keep_last }})
        )
    end
{%- endmacro %}

{# First failing reason of a row, checks in precedence order (METHODOLOGY.md §9).
   `checks` is a list of (condition, reason_code) pairs. #}
{% macro first_failing_reason(checks) -%}
    case
    {%- for condition, reason_code in checks %}
        when {{ condition }} then '{{ reason_code }}'
    {%- endfor %}
    end
{%- endmacro %}

{# True when a present code is not in its code set of seeds/reference/code_labels.csv. #}
{% macro is_unknown_code(expression, code_set) -%}
    ({{ expression }} is not null and {{ expression }} not in (
        select code_labels.code from {{ ref('code_labels') }} as code_labels
        where code_labels.code_set = '{{ code_set }}'
    ))
{%- endmacro %}

{# The raw columns carried unchanged as `raw__<column>` for the quarantine record;
   columns in `masked` carry that expression instead (PII never in clear). #}
{% macro raw_columns(column_names, masked={}) -%}
    {%- for column_name in column_names %}
        {{ masked.get(column_name, column_name) }} as raw__{{ column_name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# A quarantined record as JSON text of its columns (each `<prefix><column>`), values as text. #}
{% macro record_json(column_names, prefix='') -%}
    {{ return(adapter.dispatch('record_json', 'bank_tiering')(column_names, prefix)) }}
{%- endmacro %}

{# Spark's to_json leaves null fields out unless told otherwise; DuckDB writes `"x":null`:
   `ignoreNullFields` false keeps every column in the record, as on DuckDB. #}
{% macro default__record_json(column_names, prefix) -%}
    to_json(named_struct(
        {%- for c in column_names %}
        '{{ c }}', cast({{ prefix }}{{ c }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro duckdb__record_json(column_names, prefix) -%}
    cast(json_object(
        {%- for c in column_names %}
        '{{ c }}', cast({{ prefix }}{{ c }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{# The names with a prefix, e.g. prefixed('raw__', ['a']) -> ['raw__a']. #}
{% macro prefixed(prefix, names) %}
    {% set result = [] %}
    {% for name in names %}{% do result.append(prefix ~ name) %}{% endfor %}
    {{ return(result) }}
{% endmacro %}
