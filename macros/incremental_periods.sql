{# The first period an incremental run of a model incremental by month recomputes, as
   'YYYY-MM-DD', or none for a full build (first run, --full-refresh, empty table).
   It is the earlier of
   - the latest period_month already in {{ this }} — unless the balances of that month
     reached its last day when it was loaded (int_balance_months_profiled records the
     latest clean balance date of every account-month) and the profile did not rewrite
     that month in this dbt invocation: a complete month is kept, the run starts with the
     month after it; a month loaded while still partial is recomputed (the profile, run
     first, rewrites it complete — its rows carry profiled_in_invocation, so the models
     after it still see it as rewritten and recompute it too); and
   - var('reprocess_from_month') when set ('YYYY-MM-01'): restated inputs of earlier
     months are picked up from there on.
   Every period on or after it is recomputed; earlier ones are kept as they are. So
   adding a month to complete ones re-reads that month's balances only.
   `follow_transactions` (models fed by the transactions): also every month that
   int_transactions_checked rewrote in this run — its window reaches back to a month
   sharing a txn_id with new rows (transactions_start_month). #}
{% macro incremental_start_month(period_column='period_month', follow_transactions=false) %}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest_query -%}
        select cast(max({{ period_column }}) as {{ dbt.type_string() }}) from {{ this }}
    {%- endset -%}
    {%- set latest = run_query(latest_query).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = latest | string | trim -%}
    {%- set profile = balance_profile_relation() -%}
    {%- if profile is not none -%}
        {%- set complete_query -%}
            select
                cast(max(last_clean_balance_date) as {{ dbt.type_string() }}),
                cast({{ contribution_month_end("cast('" ~ start ~ "' as date)") }} as {{ dbt.type_string() }}),
                cast({{ dbt.dateadd('month', '1', "cast('" ~ start ~ "' as date)") }} as date),
                {%- if profile_marks_invocations(profile) %}
                max(case when profiled_in_invocation = '{{ invocation_id }}' then 1 else 0 end)
                {%- else %}
                0
                {%- endif %}
            from {{ profile }}
            where period_month = cast('{{ start }}' as date)
        {%- endset -%}
        {%- set complete = run_query(complete_query).rows[0] -%}
        {%- if complete[0] is not none and (complete[0] | string | trim) == (complete[1] | string | trim)
            and complete[3] != 1 -%}
            {%- set start = complete[2] | string | trim -%}
        {%- endif -%}
    {%- endif -%}
    {%- if follow_transactions -%}
        {%- set rewritten = transactions_rewritten_from() -%}
        {%- if rewritten is not none and rewritten < start -%}
            {%- set start = rewritten -%}
        {%- endif -%}
    {%- endif -%}
    {%- set reprocess = var('reprocess_from_month', '') | string | trim -%}
    {%- if reprocess != '' -%}
        {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-01$', reprocess) -%}
            {{ exceptions.raise_compiler_error(
                "var('reprocess_from_month') must be the first day of a month, 'YYYY-MM-01', got '"
                ~ reprocess ~ "'") }}
        {%- endif -%}
        {%- if reprocess < start -%}
            {%- set start = reprocess -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(start) }}
{% endmacro %}

{# The first month int_transactions_checked recomputes: incremental_start_month() on
   txn_month, moved back to the earliest stored month holding a txn_id that is landed again
   in the window (a duplicate across months: a full build would judge both rows together,
   so both months are recomputed). Found with one query on the window's txn_ids. #}
{% macro transactions_start_month() %}
    {%- set start = incremental_start_month('txn_month') -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set raw = raw_relation('transactions') -%}
    {%- set landed = landed_column_types(raw) -%}
    {%- set collision_query -%}
        select cast(min(stored.txn_month) as {{ dbt.type_string() }})
        from {{ this }} as stored
        inner join (
            select distinct {{ clean_string('txn_id') }} as txn_id
            from {{ raw }}
            where {{ typed('txn_ts', dbt.type_timestamp(), landed) }} >= cast('{{ start }}' as {{ dbt.type_timestamp() }})
        ) as landed
            on stored.txn_id = landed.txn_id
        where stored.txn_month < cast('{{ start }}' as date)
    {%- endset -%}
    {%- set earliest = run_query(collision_query).columns[0].values()[0] -%}
    {{ return(start if earliest is none else (earliest | string | trim)) }}
{% endmacro %}

{# The earliest txn_month int_transactions_checked wrote in this dbt invocation
   ('YYYY-MM-DD'), none when it wrote none or does not exist yet. #}
{% macro transactions_rewritten_from() %}
    {%- set checked = stored_model_relation('int_transactions_checked') -%}
    {%- if checked is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(first_month_written_in_invocation(checked, 'txn_month', 'checked_in_invocation')) }}
{% endmacro %}

{# The earliest `month_column` of the rows of `relation` whose `marker_column` holds this
   dbt invocation's id ('YYYY-MM-DD'), none when this invocation wrote none: the months a
   month-incremental table rewrote in this run (int_transactions_checked,
   int_balance_months_profiled). #}
{% macro first_month_written_in_invocation(relation, month_column, marker_column) %}
    {%- set written_query -%}
        select cast(min({{ month_column }}) as {{ dbt.type_string() }})
        from {{ relation }}
        where {{ marker_column }} = '{{ invocation_id }}'
    {%- endset -%}
    {%- set written = run_query(written_query).columns[0].values()[0] -%}
    {{ return(none if written is none else (written | string | trim)) }}
{% endmacro %}

{# Whether the stored int_balance_months_profiled has profiled_in_invocation (a warehouse
   built by an earlier project version has not: its profile then stops the run with the
   out-of-sync message, which `bank-tiering run` turns into a --full-refresh hint, instead
   of every model failing on a missing column). #}
{% macro profile_marks_invocations(profile) %}
    {%- for column in adapter.get_columns_in_relation(profile)
        if column.name | lower == 'profiled_in_invocation' -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}

{# The relation of int_balance_months_profiled when it exists in the warehouse (none
   before its first build). #}
{% macro balance_profile_relation() %}
    {{ return(stored_model_relation('int_balance_months_profiled')) }}
{% endmacro %}

{# The relation a model of this project is stored in, when it exists in the warehouse
   (none before its first build), looked up without a ref so that it adds no dependency. #}
{% macro stored_model_relation(model_name) %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.name == model_name -%}
        {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{# The months ('YYYY-MM-DD') from `start_month` on (every month when none) holding an
   account-month whose balance profile needs the quarantine re-read
   (int_balance_months_profiled.needs_recheck), for int_balances_rechecked: it reads only
   those months, and nothing when there are none. Unit tests override this macro. #}
{% macro balance_months_to_recheck(start_month) %}
    {%- set profiled = ref('int_balance_months_profiled') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set months_query -%}
        select distinct cast(period_month as {{ dbt.type_string() }}) as period_month
        from {{ profiled }}
        where
            needs_recheck
            {%- if start_month is not none %}
            and period_month >= cast('{{ start_month }}' as date)
            {%- endif %}
        order by 1
    {%- endset -%}
    {{ return(run_query(months_query).columns[0].values() | map('string') | list) }}
{% endmacro %}

{# Pre-hook of a model incremental by month that writes rows for some months of its window
   only (int_balances_rechecked: the months holding a flagged account-month): removes every
   month of the window first, so a month that no longer has such rows (a corrected
   extract) loses its old ones. Dispatched: DuckDB deletes them; Spark (Parquet tables,
   no delete) drops their partitions. #}
{% macro clear_incremental_window(period_column='period_month') %}
    {%- set start = incremental_start_month(period_column) -%}
    {%- if start is none -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(adapter.dispatch('clear_incremental_window', 'bank_tiering')(period_column, start)) }}
{% endmacro %}

{% macro default__clear_incremental_window(period_column, start) %}
    {%- set months_query -%}
        select distinct cast({{ period_column }} as {{ dbt.type_string() }})
        from {{ this }}
        where {{ period_column }} >= cast('{{ start }}' as date)
    {%- endset -%}
    {%- for month in run_query(months_query).columns[0].values() -%}
        {%- do run_query('alter table ' ~ this ~ ' drop if exists partition ('
            ~ period_column ~ " = '" ~ month ~ "')") -%}
    {%- endfor -%}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__clear_incremental_window(period_column, start) %}
    {{ return('delete from ' ~ this ~ ' where ' ~ period_column ~ " >= cast('" ~ start ~ "' as date)") }}
{% endmacro %}

{# DuckDB inlines a CTE marked `not materialized` into every reference instead of buffering
   its whole result; on 10⁸-row inputs that is the difference between streaming and
   holding gigabytes. Other engines inline CTEs anyway. #}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'bank_tiering')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{# Config of a fact incremental by month, per engine (dispatched): DuckDB deletes and
   re-inserts the recomputed months (`unique_key` = the month column: one column, see
   ../shared/notes/ENVIRONMENT.md); Spark overwrites the month partitions (Parquet tables
   have no merge; dbt-spark overwrites only the partitions the new rows hold). Use as
   `config(materialized='incremental', **incremental_by_month('m'))`: every engine
   difference of a model incremental by month lives here and in the window macros above. #}
{% macro incremental_by_month(month_column) %}
    {{ return(adapter.dispatch('incremental_by_month', 'bank_tiering')(month_column)) }}
{% endmacro %}

{% macro default__incremental_by_month(month_column) %}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': month_column,
               'on_schema_change': 'fail'}) }}
{% endmacro %}

{% macro spark__incremental_by_month(month_column) %}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [month_column],
               'file_format': 'parquet', 'on_schema_change': 'fail'}) }}
{% endmacro %}
