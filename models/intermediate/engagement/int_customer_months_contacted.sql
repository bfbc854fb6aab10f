{#- The last contact of every customer-month (METHODOLOGY.md §18, doc `contact_cadence_rule`):
    one row per customer × period_month of the spine; last_contact_date = the latest clean
    contact of the customer on or before the period end pe (null when none), and
    days_since_contact = pe − last_contact_date. The models reading it filter the periods
    they recompute (the filter reaches the spine). -#}
with

int_customer_months_joined as (
    select
        customer_id,
        period_month,
        period_end
    from {{ ref('int_customer_months_joined') }}
),

int_contacts_validated as (
    select
        customer_id,
        contact_date
    from {{ ref('int_contacts_validated') }}
),

last_contacts as (
    select
        int_customer_months_joined.customer_id,
        int_customer_months_joined.period_month,
        int_customer_months_joined.period_end,
        max(int_contacts_validated.contact_date) as last_contact_date
    from int_customer_months_joined
    left join int_contacts_validated
        on int_customer_months_joined.customer_id = int_contacts_validated.customer_id
            and int_customer_months_joined.period_end >= int_contacts_validated.contact_date
    group by
        int_customer_months_joined.customer_id,
        int_customer_months_joined.period_month,
        int_customer_months_joined.period_end
),

final as (
    select
        customer_id,
        period_month,
        cast(last_contact_date as date) as last_contact_date,
        {{ dbt.datediff('last_contact_date', 'period_end', 'day') }}
            as days_since_contact
    from last_contacts
)

select * from final
