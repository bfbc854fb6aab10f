{{
    resolve_branch_overrides(
        'large_corporate_thresholds',
        key_columns=['industry_section'],
        value_columns=['large_min_annual_sales'],
    )
}}
