{#- The one pass over the transactions and its re-read agree (METHODOLOGY.md §9): per
    month, the dated rows landed (the month's row of int_transaction_days_profiled) are
    its clean transactions plus its failing ones; per month and reason, the failing
    transactions the pass counted are exactly the rows the re-read
    (int_transactions_rechecked) names with it, and a row of failing transactions carries
    no customer, day, channel or initiator. Runs on the pass's groups and the failing
    rows, never on the transactions. Returns the disagreeing months and reasons. -#}
with

int_transaction_days_profiled as (
    select
        txn_month,
        dq_reason_code,
        customer_id,
        txn_date,
        channel,
        is_customer_initiated,
        transaction_count
    from {{ ref('int_transaction_days_profiled') }}
),

int_transactions_rechecked as (
    select
        txn_month,
        dq_reason_code
    from {{ ref('int_transactions_rechecked') }}
),

profiled_months as (
    select
        txn_month,
        sum(case when dq_reason_code is null and txn_date is null then transaction_count else 0 end) as landed_rows,
        sum(case when dq_reason_code is null and txn_date is not null then transaction_count else 0 end) as clean_rows,
        sum(case when dq_reason_code is not null then transaction_count else 0 end) as failing_rows
    from int_transaction_days_profiled
    group by txn_month
),

profiled_failures as (
    select
        txn_month,
        dq_reason_code,
        sum(transaction_count) as profiled_rows,
        sum(
            case
                when customer_id is not null or txn_date is not null or channel is not null
                    or is_customer_initiated is not null then 1
                else 0
            end
        ) as keyed_groups
    from int_transaction_days_profiled
    where dq_reason_code is not null
    group by
        txn_month,
        dq_reason_code
),

rechecked_failures as (
    select
        txn_month,
        dq_reason_code,
        count(*) as rechecked_rows
    from int_transactions_rechecked
    group by
        txn_month,
        dq_reason_code
),

failures_compared as (
    select
        coalesce(profiled_failures.txn_month, rechecked_failures.txn_month) as txn_month,
        coalesce(profiled_failures.dq_reason_code, rechecked_failures.dq_reason_code) as dq_reason_code,
        profiled_failures.profiled_rows,
        profiled_failures.keyed_groups,
        rechecked_failures.rechecked_rows
    from profiled_failures
    full outer join rechecked_failures
        on profiled_failures.txn_month = rechecked_failures.txn_month
            and profiled_failures.dq_reason_code = rechecked_failures.dq_reason_code
    where
        profiled_failures.profiled_rows is null
        or rechecked_failures.rechecked_rows is null
        or profiled_failures.profiled_rows != rechecked_failures.rechecked_rows
        or profiled_failures.keyed_groups > 0
),

final as (
    select
        txn_month,
        'landed != clean + failing' as dq_reason_code,
        landed_rows as profiled_rows,
        clean_rows as keyed_groups,
        failing_rows as rechecked_rows
    from profiled_months
    where landed_rows != clean_rows + failing_rows

    union all

    select * from failures_compared
)

select * from final
