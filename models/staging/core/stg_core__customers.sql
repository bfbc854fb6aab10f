{{ config(materialized='table') }}
{#- A table, not a view: the salted hash expression must not be stored in the catalog. -#}

with

source as (
    select * from {{ ref('base_core__customers') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        customer_id,
        group_id,
        branch_id,

        -- strings
        customer_type,
        customer_name_hash,
        customer_name_masked,
        id_number_hash,
        id_number_masked,
        phone_hash,
        phone_masked,
        gender,
        occupation,
        industry_code,
        industry_section,
        emerging_tag,

        -- numerics
        annual_income,
        annual_sales,
        total_assets,
        employee_count,

        -- dates
        birth_date,
        onboard_date,
        close_date
    from source
)

select * from renamed
