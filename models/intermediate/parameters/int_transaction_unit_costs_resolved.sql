{{
    resolve_branch_overrides(
        'transaction_unit_costs',
        key_columns=['channel'],
        value_columns=['transaction_cost'],
    )
}}
