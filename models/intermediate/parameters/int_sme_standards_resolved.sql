{{
    resolve_branch_overrides(
        'sme_standards',
        key_columns=['industry_prefix'],
        value_columns=['industry_name', 'min_annual_sales', 'min_total_assets', 'min_employee_count'],
    )
}}
