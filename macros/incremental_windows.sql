{# The first period_month an incremental model must READ to recompute the periods from
   `start_month` on ('YYYY-MM-DD' from incremental_start_month(); none = a full build,
   read everything), for the look-back its rules need (METHODOLOGY.md §5, §8, §11):
   - 'none': the window itself (a period's rows depend on that period only);
   - 'previous_month': also the month before the window (mom flows, the growth base of
     the bank-value score, the declining worklist);
   - 'year_start_base': also the December before the window's first year (ytd flows and
     the lost_since_year_start worklist compare with the December before each period's
     year; for the window's first period that is the earliest one). It is never later
     than 'previous_month'. #}
{% macro incremental_read_from(start_month, look_back='none') %}
    {%- if start_month is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set year = start_month[0:4] | int -%}
    {%- set month = start_month[5:7] | int -%}
    {%- if look_back == 'none' -%}
        {{ return(start_month) }}
    {%- elif look_back == 'previous_month' -%}
        {%- if month == 1 -%}
            {{ return('%04d-12-01' | format(year - 1)) }}
        {%- endif -%}
        {{ return('%04d-%02d-01' | format(year, month - 1)) }}
    {%- elif look_back == 'year_start_base' -%}
        {{ return('%04d-12-01' | format(year - 1)) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "incremental_read_from: look_back must be 'none', 'previous_month' or 'year_start_base', got '"
        ~ look_back ~ "'") }}
{% endmacro %}

{# ` where <column> >= <first period to read>` for the import CTE of an incremental model
   (see incremental_read_from), or nothing on a full build. #}
{% macro incremental_period_filter(start_month, column='period_month', look_back='none') -%}
    {%- set read_from = incremental_read_from(start_month, look_back) -%}
    {%- if read_from is not none %}
    where {{ column }} >= cast('{{ read_from }}' as date)
    {%- endif -%}
{%- endmacro %}

{# The first month ('YYYY-MM-DD') this dbt invocation wrote to the facts incremental by
   month, for the data tests of those facts; none = unknown or everything (a full
   refresh, or no month rewritten by this invocation — e.g. `dbt test` alone): the
   earliest of the months int_balance_months_profiled rewrote in this invocation
   (profiled_in_invocation), the earliest month int_transaction_days_profiled rewrote
   (transactions_rewritten_from) and var('reprocess_from_month'). #}
{% macro incremental_written_from() %}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set starts = [] -%}
    {%- set profile = balance_profile_relation() -%}
    {%- if profile is not none and profile_marks_invocations(profile) -%}
        {%- set written = first_month_written_in_invocation(
            profile, 'period_month', 'profiled_in_invocation') -%}
        {%- if written is not none -%}
            {%- do starts.append(written) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if starts | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rewritten = transactions_rewritten_from() -%}
    {%- if rewritten is not none -%}
        {%- do starts.append(rewritten) -%}
    {%- endif -%}
    {%- set reprocess = var('reprocess_from_month', '') | string | trim -%}
    {%- if reprocess != '' -%}
        {%- do starts.append(reprocess) -%}
    {%- endif -%}
    {{ return(starts | min) }}
{% endmacro %}

{# dbt's hook that wraps the model a generic data test reads in its `where` config,
   overridden: the project sets `where: __incremental_window__` on every data test
   (dbt_project.yml). For a test of a model incremental by month, in a run that is not a
   full refresh and that wrote known months (incremental_written_from), the placeholder
   becomes `<month column> >= <first written month>`: the test checks the rows this run
   wrote, not the whole history again (every earlier month was checked by the run that
   wrote it, and --full-refresh checks the whole table). Anywhere else it is `1 = 1`: the
   whole model. A test with its own `where` keeps it. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__incremental_window__' in where -%}
        {%- set where = where | replace('__incremental_window__', incremental_test_window()) -%}
    {%- endif -%}
    {%- if where and where != '1 = 1' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{# The condition replacing __incremental_window__ in the test being compiled (see
   get_where_subquery): the month column of the tested model incremental by month (its
   unique_key, or partition on Spark) from the first month this run wrote; `1 = 1` when
   the model is not incremental or the written months are unknown. #}
{% macro incremental_test_window() %}
    {%- set attached = model.get('attached_node') if model is mapping else none -%}
    {%- if not execute or attached is none or attached not in graph.nodes -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set tested = graph.nodes[attached].config -%}
    {%- if tested.materialized != 'incremental' -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set month_column = tested.unique_key or (tested.partition_by or [none])[0] -%}
    {%- set start = incremental_written_from() -%}
    {%- if month_column is none or start is none -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {{ return(month_column ~ " >= cast('" ~ start ~ "' as date)") }}
{% endmacro %}
