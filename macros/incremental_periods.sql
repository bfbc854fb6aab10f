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
   the one pass over the transactions (int_transaction_days_profiled) rewrote in this
   run — its window reaches back to a month sharing a txn_id with new rows
   (transactions_start_month). #}
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

{# The first month the one pass over the transactions (int_transaction_days_profiled)
   recomputes: incremental_start_month() on txn_month, moved back to the earliest stored
   month holding a txn_id that is landed again in the window (a duplicate across months:
   a full build judges both rows together, so both months are recomputed). The pass keeps
   no row-level table, so the stored ids are the landed ones: every stored month has a row
   with its smallest and largest txn_id (month_first_txn_id, month_last_txn_id), and only the
   months whose range holds an id of the window are read again — for their ids only, and
   only to find which of them really share one. Ids that grow with time (sequence
   numbers, as core systems issue them) put every window above the stored ranges: nothing
   is read. Unordered ids fall back to reading the candidate months' ids: still exact. #}
{% macro transactions_start_month() %}
    {%- set start = incremental_start_month('txn_month') -%}
    {%- if start is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set raw = raw_relation('transactions') -%}
    {%- set landed = landed_column_types(raw) -%}
    {%- set landed_ts = typed('txn_ts', dbt.type_timestamp(), landed) -%}
    {%- set window_ids -%}
        select distinct {{ clean_string('txn_id') }} as txn_id
        from {{ raw }}
        where {{ landed_ts }} >= cast('{{ start }}' as {{ dbt.type_timestamp() }})
    {%- endset -%}
    {%- set candidates_query -%}
        select distinct cast(stored.txn_month as {{ dbt.type_string() }})
        from (
            select txn_month, month_first_txn_id, month_last_txn_id
            from {{ this }}
            where
                -- the months' rows
                dq_reason_code is null
                and txn_date is null
                and txn_month < cast('{{ start }}' as date)
        ) as stored
        inner join ({{ window_ids }}) as landed
            on landed.txn_id >= stored.month_first_txn_id
                and landed.txn_id <= stored.month_last_txn_id
    {%- endset -%}
    {%- set candidates = run_query(candidates_query).columns[0].values() | map('string') | list -%}
    {%- if candidates | length == 0 -%}
        {{ return(start) }}
    {%- endif -%}
    {%- set collision_query -%}
        select cast(min({{ contribution_month_start('cast(' ~ landed_ts ~ ' as date)') }}) as {{ dbt.type_string() }})
        from {{ raw }}
        where
            ({% for month in candidates | sort %}
                ({{ landed_ts }} >= cast('{{ month }}' as {{ dbt.type_timestamp() }})
                    and {{ landed_ts }} < cast({{ dbt.dateadd('month', '1', "cast('" ~ month ~ "' as date)") }} as {{ dbt.type_timestamp() }}))
                {{- ' or' if not loop.last }}{% endfor %}
            )
            and {{ clean_string('txn_id') }} in ({{ window_ids }})
    {%- endset -%}
    {%- set earliest = run_query(collision_query).columns[0].values()[0] -%}
    {{ return(start if earliest is none else (earliest | string | trim)[0:10]) }}
{% endmacro %}

{# The earliest txn_month the one pass over the transactions (int_transaction_days_profiled)
   wrote in this dbt invocation ('YYYY-MM-DD'), none when it wrote none or does not exist
   yet. #}
{% macro transactions_rewritten_from() %}
    {%- set profiled = stored_model_relation('int_transaction_days_profiled') -%}
    {%- if profiled is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(first_month_written_in_invocation(profiled, 'txn_month', 'profiled_in_invocation')) }}
{% endmacro %}

{# The earliest `month_column` of the rows of `relation` whose `marker_column` holds this
   dbt invocation's id ('YYYY-MM-DD'), none when this invocation wrote none: the months a
   month-incremental table rewrote in this run (int_transaction_days_profiled,
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

{# The months ('YYYY-MM-DD') from `start_month` on (every month when none) in which
   `relation` has a row meeting `condition`: the months a quarantine re-read must read
   (months_to_recheck below), found with one query before the model runs. #}
{% macro months_meeting(relation, month_column, condition, start_month) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set months_query -%}
        select distinct cast({{ month_column }} as {{ dbt.type_string() }}) as month_start
        from {{ relation }}
        where
            {{ condition }}
            {%- if start_month is not none %}
            and {{ month_column }} >= cast('{{ start_month }}' as date)
            {%- endif %}
        order by 1
    {%- endset -%}
    {{ return(run_query(months_query).columns[0].values() | map('string') | list) }}
{% endmacro %}

{# The months from `start_month` on (every month when none) holding an account-month whose
   balance profile needs the quarantine re-read (int_balance_months_profiled.needs_recheck),
   for int_balances_rechecked: it reads only those months, and nothing when there are
   none. Unit tests override this macro. #}
{% macro balance_months_to_recheck(start_month) %}
    {{ return(months_meeting(ref('int_balance_months_profiled'), 'period_month', 'needs_recheck', start_month)) }}
{% endmacro %}

{# The months from `start_month` on (every month when none) whose facts in the one pass
   over the transactions (int_transaction_days_profiled) count a failing row, for
   int_transactions_rechecked: it reads only those, and nothing when there are none. Unit
   tests override this macro. #}
{% macro transaction_months_to_recheck(start_month) %}
    {{ return(months_meeting(ref('int_transaction_days_profiled'), 'txn_month', 'dq_reason_code is not null',
        start_month)) }}
{% endmacro %}

{# The first month int_transactions_rechecked recomputes: none on a full build (every
   month); else the first month the one pass over the transactions rewrote in this dbt
   invocation (transactions_rewritten_from) — the re-read follows the pass's window, the
   collision months included — or, when the pass rewrote none, the month after its latest
   one (nothing to re-read; none when the pass is empty: every month). #}
{% macro transactions_recheck_start_month() %}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rewritten = transactions_rewritten_from() -%}
    {%- if rewritten is not none -%}
        {{ return(rewritten) }}
    {%- endif -%}
    {%- set next_query -%}
        select cast({{ dbt.dateadd('month', '1', 'max(txn_month)') }} as date)
        from {{ ref('int_transaction_days_profiled') }}
    {%- endset -%}
    {%- set next_month = run_query(next_query).columns[0].values()[0] -%}
    {{ return(none if next_month is none else (next_month | string | trim)[0:10]) }}
{% endmacro %}

{# Pre-hook of a model incremental by month that writes rows for some months of its window
   only (int_balances_rechecked, int_transactions_rechecked: the months holding a failing
   row): removes every month of the window (from `start_month`, by default
   incremental_start_month()) first, so a month that no longer has such rows (a corrected
   extract) loses its old ones. Dispatched: DuckDB deletes them; Spark (Parquet tables,
   no delete) drops their partitions. #}
{% macro clear_incremental_window(period_column='period_month', start_month=none) %}
    {%- set start = start_month if start_month is not none else incremental_start_month(period_column) -%}
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
