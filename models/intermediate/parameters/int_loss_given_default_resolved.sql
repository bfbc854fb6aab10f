{{
    resolve_branch_overrides(
        'loss_given_default',
        key_columns=['collateral_type'],
        value_columns=['loss_given_default'],
    )
}}
