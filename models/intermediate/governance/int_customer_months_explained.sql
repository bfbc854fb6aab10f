{{ config(materialized='incremental', **incremental_by_month('period_month')) }}
{#- Why each customer-month has its assessed tier and value quadrant (METHODOLOGY.md §10,
    doc `tier_explanation_rule`): the basis that decided the tier, its value, the tier's
    lower line and the next higher tier's line of the same basis, the gap to it, and one
    Chinese sentence each for the tier and the quadrant naming the values and the lines or
    medians they were compared with. Money has two decimals, both sides of a comparison in
    one unit: 万元 when that keeps them apart, else 元 (macro governance_reason_money).
    Lines are the customer's branch's (§6). -#}
{%- set start_month = incremental_start_month(follow_transactions=true) %}
{#- The amounts of each comparison (one unit per comparison). #}
{%- set sales_pair = ['labelled.annual_sales', 'labelled.large_min_annual_sales'] %}
{%- set line_pair = ['tier_basis_value', 'tier_line_value'] %}
{%- set next_line_pair = ['tier_basis_value', 'next_tier_line_value'] %}
{%- set median_pair = ['contribution', 'contribution_group_median'] %}
with

int_customer_months_classified as (
    select
        customer_id,
        period_month,
        parameter_branch_id,
        market_class,
        tier_code,
        group_id,
        avg_aum,
        avg_deposit_balance,
        annual_sales,
        large_min_annual_sales,
        sme_industry_prefix,
        meets_sme_floors,
        contribution
    from {{ ref('int_customer_months_classified') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_valued as (
    select
        customer_id,
        period_month,
        contribution_group_median,
        is_contribution_high
    from {{ ref('int_customer_months_valued') }}{{ incremental_period_filter(start_month) }}
),

int_customer_months_scored as (
    select
        customer_id,
        period_month,
        bank_value_score
    from {{ ref('int_customer_months_scored') }}{{ incremental_period_filter(start_month) }}
),

tier_families as (
    select * from {{ ref('tier_families') }}
),

int_tier_lines_resolved as (
    select * from {{ ref('int_tier_lines_resolved') }}
),

int_branch_parameters_pivoted as (
    select
        branch_id,
        bank_value_high_min_score
    from {{ ref('int_branch_parameters_pivoted') }}
),

code_labels as (
    select
        code_set,
        code,
        label_zh
    from {{ ref('code_labels') }}
),

bases as (
    select
        int_customer_months_classified.*,
        assessed_families.tier_basis,
        next_families.tier_code as next_tier_code,
        {{ governance_basis_amount('assessed_families.tier_basis', 'int_customer_months_classified') }} as basis_value,
        {{ governance_tier_line('assessed_families', 'assessed_lines', 'int_customer_months_classified') }}
            as line_value,
        next_lines.tier_line_value as next_line_value
    from int_customer_months_classified
    left join tier_families as assessed_families
        on int_customer_months_classified.market_class = assessed_families.market_class
            and int_customer_months_classified.tier_code = assessed_families.tier_code
    -- the next higher tier of the same family decided by the same basis
    left join tier_families as next_families
        on assessed_families.market_class = next_families.market_class
            and assessed_families.tier_family = next_families.tier_family
            and assessed_families.tier_basis = next_families.tier_basis
            and assessed_families.tier_rank + 1 = next_families.tier_rank
    left join int_tier_lines_resolved as assessed_lines
        on int_customer_months_classified.parameter_branch_id = assessed_lines.branch_id
            and int_customer_months_classified.market_class = assessed_lines.market_class
            and int_customer_months_classified.tier_code = assessed_lines.tier_code
    left join int_tier_lines_resolved as next_lines
        on int_customer_months_classified.parameter_branch_id = next_lines.branch_id
            and next_families.market_class = next_lines.market_class
            and next_families.tier_code = next_lines.tier_code
),

-- Published money (§13): rounded to 0.01 as DECIMAL.
amounts as (
    select
        bases.customer_id,
        bases.period_month,
        bases.parameter_branch_id,
        bases.market_class,
        bases.tier_code,
        bases.group_id,
        bases.sme_industry_prefix,
        bases.meets_sme_floors,
        bases.tier_basis,
        bases.next_tier_code,
        {{ governance_money('bases.basis_value') }} as tier_basis_value,
        {{ governance_money('bases.line_value') }} as tier_line_value,
        {{ governance_money('bases.next_line_value') }} as next_tier_line_value,
        {{ governance_money('bases.annual_sales') }} as annual_sales,
        {{ governance_money('bases.large_min_annual_sales') }} as large_min_annual_sales,
        bases.contribution,
        int_customer_months_valued.contribution_group_median,
        int_customer_months_valued.is_contribution_high,
        int_customer_months_scored.bank_value_score,
        int_branch_parameters_pivoted.bank_value_high_min_score
    from bases
    left join int_customer_months_valued
        on bases.customer_id = int_customer_months_valued.customer_id
            and bases.period_month = int_customer_months_valued.period_month
    left join int_customer_months_scored
        on bases.customer_id = int_customer_months_scored.customer_id
            and bases.period_month = int_customer_months_scored.period_month
    left join int_branch_parameters_pivoted
        on bases.parameter_branch_id = int_branch_parameters_pivoted.branch_id
),

labelled as (
    select
        amounts.*,
        cast(amounts.next_tier_line_value - amounts.tier_basis_value as decimal(18, 2)) as gap_to_next_tier,
        basis_labels.label_zh as basis_label_zh,
        tier_labels.label_zh as tier_label_zh,
        next_tier_labels.label_zh as next_tier_label_zh,
        large_labels.label_zh as large_label_zh
    from amounts
    left join code_labels as basis_labels
        on basis_labels.code_set = 'tier_basis'
            and amounts.tier_basis = basis_labels.code
    left join code_labels as tier_labels
        on tier_labels.code_set = 'tier_code'
            and amounts.tier_code = tier_labels.code
    left join code_labels as next_tier_labels
        on next_tier_labels.code_set = 'tier_code'
            and amounts.next_tier_code = next_tier_labels.code
    left join code_labels as large_labels
        on large_labels.code_set = 'tier_code'
            and large_labels.code = 'large'
),

sentences as (
    select
        labelled.*,
        -- 年销售额 x < 大型客户线 y (the comparison a medium or small corporate failed)
        case
            when labelled.annual_sales is null then '年销售额未知'
            else {{ dbt.concat([
                "'年销售额 '",
                governance_reason_money('labelled.annual_sales', sales_pair),
                "' < '", "coalesce(labelled.large_label_zh, 'large')", "'线 '",
                governance_reason_money('labelled.large_min_annual_sales', sales_pair)]) }}
        end as below_large_line_zh
    from labelled
),

final as (
    select
        customer_id,
        period_month,
        market_class,
        tier_code,
        tier_basis,
        basis_label_zh as tier_basis_label_zh,
        tier_basis_value,
        tier_line_value,
        next_tier_code,
        next_tier_line_value,
        gap_to_next_tier,
        case
            when tier_basis in ('avg_aum', 'avg_deposit_balance', 'annual_sales') and tier_line_value is not null
                then {{ dbt.concat([
                    'basis_label_zh', "' '", governance_reason_money('tier_basis_value', line_pair), "' ≥ '",
                    'tier_label_zh', "'线 '", governance_reason_money('tier_line_value', line_pair)]) }}
            when tier_basis in ('avg_aum', 'avg_deposit_balance') and next_tier_line_value is not null
                then {{ dbt.concat([
                    'basis_label_zh', "' '", governance_reason_money('tier_basis_value', next_line_pair), "' < '",
                    'next_tier_label_zh', "'线 '", governance_reason_money('next_tier_line_value', next_line_pair)]) }}
            when tier_basis = 'sme_standard' and meets_sme_floors
                then {{ dbt.concat([
                    'below_large_line_zh', "'；达到小企业认定标准（'",
                    "coalesce(sme_industry_prefix, '*')", "'）的中型企业下限'"]) }}
            when tier_basis = 'sme_standard'
                then {{ dbt.concat([
                    'below_large_line_zh', "'；未达到小企业认定标准（'",
                    "coalesce(sme_industry_prefix, '*')", "'）的中型企业下限'"]) }}
            when tier_basis = 'strategic_group'
                then {{ dbt.concat(["'有贷款，所属集团 '", "coalesce(group_id, '')", "' 在战略集团名单中'"]) }}
            when tier_basis = 'institution'
                then '机构客户有贷款，所属集团不在战略集团名单中'
        end as tier_reason_zh,
        {{ dbt.concat([
            "case"
            ~ " when is_contribution_high then " ~ dbt.concat([
                "'贡献度 '", governance_reason_money('contribution', median_pair), "' ≥ 组中位数 '",
                governance_reason_money('contribution_group_median', median_pair)])
            ~ " when contribution <= 0 then " ~ dbt.concat([
                "'贡献度 '", governance_reason_money('contribution', ['contribution']), "' ≤ 0'"])
            ~ " else " ~ dbt.concat([
                "'贡献度 '", governance_reason_money('contribution', median_pair), "' < 组中位数 '",
                governance_reason_money('contribution_group_median', median_pair)])
            ~ " end",
            "'；银行价值 '",
            governance_format_trimmed('bank_value_score'),
            "case when bank_value_score >= bank_value_high_min_score then ' ≥ ' else ' < ' end",
            governance_format_trimmed('bank_value_high_min_score'),
        ]) }} as quadrant_reason_zh
    from sentences
)

select * from final
