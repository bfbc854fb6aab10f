{#- DuckDB: delete+insert keyed on period_month, on_schema_change fail; Spark: insert_overwrite
    of period_month partitions (macros/incremental_periods.sql). -#}
{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- The one pass over the balances (METHODOLOGY.md §1–2, §9, §13): one row per account and
    month of dated landed balance rows — account_id null for the rows landed without
    one — with the facts that prove its rows clean and the sums of the clean ones. The
    only reader of the balance rows; an incremental run scans only the months from
    incremental_start_month() on (the date filter reaches the Parquet scan). Rows that
    fail are re-read by int_balances_rechecked, only for the account-months these facts
    flag. -#}
{%- set start_month = incremental_start_month() %}

with

balance_rows as {{ cte_not_materialized() }} (
    {{ balance_rows_checked(start_month) }}
),

profiled as (
    select
        account_id,
        period_month,
        cast(count(*) as integer) as landed_rows,
        cast(count(row_reason_code) as integer) as row_check_failures,
        cast(count(account_reason_code) as integer) as account_check_failures,
        cast(
            coalesce({{ distinct_days_in_month('case when row_reason_code is null then balance_date end') }}, 0)
            as integer
        ) as checked_days,
        {{ balance_month_sums('is_clean') }}
    from balance_rows
    group by
        account_id,
        period_month
),

final as (
    select
        *,
        -- more rows than days among the rows that passed the single-row checks: a repeated
        -- (account_id, balance_date) key, exact_duplicate or duplicate_key (§9)
        landed_rows - row_check_failures > checked_days as has_repeated_days,
        landed_rows > balance_days or landed_rows - row_check_failures > checked_days as needs_recheck,
        -- the dbt invocation that wrote the row: a month rewritten by this run (e.g. a
        -- partial month now complete) is recomputed downstream (incremental_start_month)
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as profiled_in_invocation
    from profiled
)

select * from final
