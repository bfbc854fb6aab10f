{#- The one pass over the balances and its re-read agree (METHODOLOGY.md §9): every
    account-month the profile flags is re-read whole (as many rows as it landed), its rows
    failing a single-row check are as many as the profile counted, its account-check
    failures too unless a duplicate reason came first; no other account-month is re-read;
    the profile's own counts add up (clean = landed − failures, no more distinct days than
    rows, dates inside the month, needs_recheck exactly when a row failed or a day
    repeats). Runs on the account-month results, never on the balance rows. Returns the
    disagreeing account-months. -#}
with

int_balance_months_profiled as (
    select * from {{ ref('int_balance_months_profiled') }}
),

int_balances_rechecked as (
    select * from {{ ref('int_balances_rechecked') }}
),

rechecked_months as (
    select
        account_id,
        period_month,
        count(*) as rechecked_rows,
        count(*) filter (
            where dq_reason_code in ('missing_key', 'bad_type', 'out_of_range', 'negative_amount')
        ) as row_check_failures,
        count(*) filter (
            where dq_reason_code in ('orphan_reference', 'date_order', 'no_fx_rate')
        ) as account_check_failures,
        count(*) filter (where dq_reason_code in ('exact_duplicate', 'duplicate_key')) as duplicates
    from int_balances_rechecked
    group by
        account_id,
        period_month
),

final as (
    select
        coalesce(int_balance_months_profiled.account_id, rechecked_months.account_id) as account_id,
        coalesce(int_balance_months_profiled.period_month, rechecked_months.period_month) as period_month,
        int_balance_months_profiled.landed_rows,
        int_balance_months_profiled.needs_recheck,
        rechecked_months.rechecked_rows
    from int_balance_months_profiled
    full outer join rechecked_months
        on int_balance_months_profiled.account_id is not distinct from rechecked_months.account_id
            and int_balance_months_profiled.period_month = rechecked_months.period_month
    where
        int_balance_months_profiled.landed_rows is null
        or int_balance_months_profiled.balance_days != int_balance_months_profiled.landed_rows
        - int_balance_months_profiled.row_check_failures - int_balance_months_profiled.account_check_failures
        or int_balance_months_profiled.checked_days
        > int_balance_months_profiled.landed_rows - int_balance_months_profiled.row_check_failures
        or int_balance_months_profiled.last_clean_balance_date < int_balance_months_profiled.period_month
        or int_balance_months_profiled.last_clean_balance_date
        > {{ contribution_month_end('int_balance_months_profiled.period_month') }}
        or int_balance_months_profiled.needs_recheck != (
            int_balance_months_profiled.landed_rows > int_balance_months_profiled.balance_days
            or int_balance_months_profiled.has_repeated_days
        )
        or (int_balance_months_profiled.account_id is null and int_balance_months_profiled.balance_days > 0)
        or int_balance_months_profiled.needs_recheck != (rechecked_months.rechecked_rows is not null)
        or rechecked_months.rechecked_rows != int_balance_months_profiled.landed_rows
        or rechecked_months.row_check_failures != int_balance_months_profiled.row_check_failures
        or rechecked_months.account_check_failures + rechecked_months.duplicates
        < int_balance_months_profiled.account_check_failures
        or (
            not int_balance_months_profiled.has_repeated_days
            and rechecked_months.account_check_failures != int_balance_months_profiled.account_check_failures
        )
)

select * from final
