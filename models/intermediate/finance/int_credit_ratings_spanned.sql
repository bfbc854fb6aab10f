{{ config(materialized='table') }}
{#- One row per credit rating: the span of days it is in force — from its rating_date
    until the customer's next rating (exclusive; open-ended for the latest) — with
    the PD of that rating for the customer's type and branch (METHODOLOGY.md §2, §6).
    The PD of a loan-day is the PD of the span that contains the day; a day before
    the customer's first rating is unrated. -#}
with

int_credit_ratings_validated as (
    select * from {{ ref('int_credit_ratings_validated') }}
),

stg_core__customers as (
    select
        customer_id,
        customer_type,
        branch_id
    from {{ ref('stg_core__customers') }}
),

int_probability_of_default_resolved as (
    select * from {{ ref('int_probability_of_default_resolved') }}
),

spans as (
    select
        int_credit_ratings_validated.customer_id,
        stg_core__customers.customer_type,
        coalesce(stg_core__customers.branch_id, '*') as parameter_branch_id,
        int_credit_ratings_validated.rating,
        int_credit_ratings_validated.rating_date as valid_from,
        lead(int_credit_ratings_validated.rating_date) over (
            partition by int_credit_ratings_validated.customer_id
            order by int_credit_ratings_validated.rating_date
        ) as valid_to
    from int_credit_ratings_validated
    inner join stg_core__customers
        on int_credit_ratings_validated.customer_id = stg_core__customers.customer_id
),

final as (
    select
        spans.customer_id,
        spans.rating,
        spans.valid_from,
        spans.valid_to,
        coalesce(exact_pd.probability_of_default, fallback_pd.probability_of_default) as probability_of_default
    from spans
    left join int_probability_of_default_resolved as exact_pd
        on spans.parameter_branch_id = exact_pd.branch_id
            and spans.rating = exact_pd.rating
            and spans.customer_type = exact_pd.customer_type
    left join int_probability_of_default_resolved as fallback_pd
        on spans.parameter_branch_id = fallback_pd.branch_id
            and spans.rating = fallback_pd.rating
            and fallback_pd.customer_type = '*'
)

select * from final
