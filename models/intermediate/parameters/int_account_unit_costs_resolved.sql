{{
    resolve_branch_overrides(
        'account_unit_costs',
        key_columns=['product_family'],
        value_columns=['monthly_account_cost'],
    )
}}
