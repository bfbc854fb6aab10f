{{
    resolve_branch_overrides(
        'income_bands',
        key_columns=['income_band'],
        value_columns=['min_annual_income', 'max_annual_income'],
    )
}}
