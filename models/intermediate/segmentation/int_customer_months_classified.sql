{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Classification and tier of every customer-month (METHODOLOGY.md §3–4), every
    threshold from the branch-resolved seeds (§6). Carries the spine's columns on. -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
with

int_customer_months_joined as (
    select * from {{ ref('int_customer_months_joined') }}{{ incremental_period_filter(start_month) }}
),

int_retail_tier_thresholds_resolved as (
    select * from {{ ref('int_retail_tier_thresholds_resolved') }}
),

int_large_corporate_thresholds_resolved as (
    select * from {{ ref('int_large_corporate_thresholds_resolved') }}
),

int_sme_standards_resolved as (
    select * from {{ ref('int_sme_standards_resolved') }}
),

strategic_groups as (
    select distinct group_id from {{ ref('strategic_groups') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        above_scale_min_avg_deposit
    from {{ ref('int_branch_parameters_pivoted') }}
),

-- Customer attributes are the latest state: the size standards are resolved once per
-- corporate or institution customer, not per month.
organisations as (
    select distinct
        customer_id,
        customer_type,
        parameter_branch_id,
        group_id,
        industry_code,
        industry_section,
        annual_sales,
        total_assets,
        employee_count
    from int_customer_months_joined
    where customer_type in ('corporate', 'institution')
),

-- Small-enterprise standard: among the branch's rows (branch rows already replace the
-- `*`-branch rows with the same prefix), the longest prefix of industry_code; `*`
-- matches every code and loses to any real prefix (§4, §6).
sme_candidates as (
    select
        organisations.customer_id,
        int_sme_standards_resolved.industry_prefix,
        int_sme_standards_resolved.min_annual_sales,
        int_sme_standards_resolved.min_total_assets,
        int_sme_standards_resolved.min_employee_count,
        row_number() over (
            partition by organisations.customer_id
            order by
                case
                    when int_sme_standards_resolved.industry_prefix = '*' then 0
                    else length(int_sme_standards_resolved.industry_prefix)
                end desc
        ) as prefix_preference
    from organisations
    inner join int_sme_standards_resolved
        on organisations.parameter_branch_id = int_sme_standards_resolved.branch_id
            and (
                int_sme_standards_resolved.industry_prefix = '*'
                or substring(organisations.industry_code, 1, length(int_sme_standards_resolved.industry_prefix))
                = int_sme_standards_resolved.industry_prefix
            )
    where organisations.customer_type = 'corporate'
),

sme_standards_applied as (
    select * from sme_candidates
    where prefix_preference = 1
),

organisation_standards as (
    select
        organisations.customer_id,
        strategic_groups.group_id is not null as is_in_strategic_group,
        -- the section's own large threshold, else the `*` row (= other sections)
        case
            when large_section.industry_section is not null then large_section.large_min_annual_sales
            else large_default.large_min_annual_sales
        end as large_min_annual_sales,
        sme_standards_applied.industry_prefix as sme_industry_prefix,
        sme_standards_applied.industry_prefix is not null
        and {{ segmentation_meets_floor('organisations.annual_sales', 'sme_standards_applied.min_annual_sales') }}
        and {{ segmentation_meets_floor('organisations.total_assets', 'sme_standards_applied.min_total_assets') }}
        and {{ segmentation_meets_floor('organisations.employee_count', 'sme_standards_applied.min_employee_count') }}
            as meets_sme_floors
    from organisations
    left join strategic_groups
        on organisations.group_id = strategic_groups.group_id
    left join int_large_corporate_thresholds_resolved as large_section
        on organisations.parameter_branch_id = large_section.branch_id
            and organisations.industry_section = large_section.industry_section
    left join int_large_corporate_thresholds_resolved as large_default
        on organisations.parameter_branch_id = large_default.branch_id
            and large_default.industry_section = '*'
    left join sme_standards_applied
        on organisations.customer_id = sme_standards_applied.customer_id
),

classified as (
    select
        int_customer_months_joined.*,
        int_customer_months_joined.customer_type as market_class,
        case
            when int_customer_months_joined.period_end_loan_balance > 0 then 'with_loan'
            else 'without_loan'
        end as loan_status,
        case
            when int_customer_months_joined.customer_type != 'corporate' then null
            when int_customer_months_joined.industry_section = 'K' then 'real_estate'
            when int_customer_months_joined.emerging_tag is not null then 'emerging'
            else 'traditional'
        end as corporate_category,
        coalesce(organisation_standards.is_in_strategic_group, false) as is_in_strategic_group,
        organisation_standards.large_min_annual_sales,
        organisation_standards.sme_industry_prefix,
        organisation_standards.meets_sme_floors,
        int_retail_tier_thresholds_resolved.tier_code as retail_tier_code,
        int_branch_parameters_pivoted.above_scale_min_avg_deposit
    from int_customer_months_joined
    left join organisation_standards
        on int_customer_months_joined.customer_id = organisation_standards.customer_id
    left join int_retail_tier_thresholds_resolved
        on int_customer_months_joined.customer_type = 'retail'
            and int_customer_months_joined.parameter_branch_id = int_retail_tier_thresholds_resolved.branch_id
            and {{ segmentation_in_band(
            'int_customer_months_joined.avg_aum',
            'int_retail_tier_thresholds_resolved.min_avg_aum',
            'int_retail_tier_thresholds_resolved.max_avg_aum') }}
    left join int_branch_parameters_pivoted
        on int_customer_months_joined.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

-- The decision table of §4, first match wins.
final as (
    select
        customer_id,
        period_month,
        period_end,
        customer_type,
        branch_id,
        parameter_branch_id,
        group_id,
        gender,
        occupation,
        industry_code,
        industry_section,
        emerging_tag,
        annual_income,
        annual_sales,
        total_assets,
        employee_count,
        birth_date,
        onboard_date,
        close_date,
        days_in_period,
        avg_loan_balance,
        avg_deposit_balance,
        avg_aum,
        contribution,
        period_end_loan_balance,
        open_product_families,
        open_accounts_at_period_end,
        open_loans_at_period_end,
        worst_loan_risk_class,
        worst_loan_asset_quality_score,
        has_high_risk_loan,
        market_class,
        loan_status,
        corporate_category,
        is_in_strategic_group,
        large_min_annual_sales,
        sme_industry_prefix,
        meets_sme_floors,
        retail_tier_code,
        above_scale_min_avg_deposit,
        case
            when market_class = 'retail' then retail_tier_code
            when market_class in ('corporate', 'institution') and loan_status = 'with_loan'
                and is_in_strategic_group then 'strategic'
            when market_class = 'corporate' and loan_status = 'with_loan'
                then
                    case
                        when annual_sales >= large_min_annual_sales then 'large'
                        when meets_sme_floors then 'medium'
                        else 'small'
                    end
            when market_class = 'institution' and loan_status = 'with_loan' then 'institution'
            when market_class in ('corporate', 'institution') and loan_status = 'without_loan' then
                case
                    when avg_deposit_balance >= above_scale_min_avg_deposit then 'above_scale'
                    else 'below_scale'
                end
        end as tier_code
    from classified
)

select * from final
