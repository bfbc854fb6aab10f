with

source as (
    select * from {{ ref('base_core__prospects') }}
    where dq_reason_code is null
),

renamed as (
    select
        -- ids
        prospect_id,
        branch_id,

        -- strings
        prospect_name,
        customer_type,
        industry_code,
        industry_section,

        -- numerics
        annual_sales,
        total_assets,
        sales_growth_rate,
        market_influence_score,
        chain_influence_score,
        product_fit_score,
        marketing_feasibility_score,
        product_advantage_score,
        service_convenience_score
    from source
)

select * from renamed
