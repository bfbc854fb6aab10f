{#- The landed balances as they are: the one reader of the raw table, shared by the
    typed/checked rows (base_core__balances) and the month profile. -#}
with

source as (
    select
        account_id,
        balance_date,
        balance
    from {{ source('core', 'balances') }}
)

select * from source
