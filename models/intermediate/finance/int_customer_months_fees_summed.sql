{#- Fee income (中间业务净收入) per customer and month (METHODOLOGY.md §2): the sum of
    the fees dated in the month, in CNY (converted upstream at the fixing in force on
    fee_date, §1), summed exactly (contribution_exact(), §13). -#}
with

int_fees_validated as (
    select
        customer_id,
        fee_date,
        amount_cny
    from {{ ref('int_fees_validated') }}
),

final as (
    select
        customer_id,
        {{ contribution_month_start('fee_date') }} as period_month,
        cast(count(*) as integer) as fees,
        sum({{ contribution_exact('amount_cny') }}) as fee_income
    from int_fees_validated
    group by
        customer_id,
        {{ contribution_month_start('fee_date') }}
)

select * from final
