{#- The one pass over the transactions and its re-read agree (METHODOLOGY.md §9): for
    every month and reason, the failing transactions the pass counted
    (int_transaction_days_profiled, rows with a reason) are exactly the rows the re-read
    (int_transactions_rechecked) names with it, and a row of failing transactions carries
    no customer, day, channel or initiator. Runs on the failing rows only, never on the
    clean transactions. Returns the disagreeing months and reasons. -#}
with

int_transaction_days_profiled as (
    select
        txn_month,
        dq_reason_code,
        customer_id,
        txn_date,
        channel,
        is_customer_initiated,
        transactions
    from {{ ref('int_transaction_days_profiled') }}
    where dq_reason_code is not null
),

int_transactions_rechecked as (
    select
        txn_month,
        dq_reason_code
    from {{ ref('int_transactions_rechecked') }}
),

profiled_failures as (
    select
        txn_month,
        dq_reason_code,
        sum(transactions) as profiled_rows,
        sum(
            case
                when customer_id is not null or txn_date is not null or channel is not null
                    or is_customer_initiated is not null then 1
                else 0
            end
        ) as keyed_groups
    from int_transaction_days_profiled
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

final as (
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
)

select * from final
