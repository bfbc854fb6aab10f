{{
    resolve_branch_overrides(
        'risk_weights',
        key_columns=['customer_type', 'collateral_type'],
        value_columns=['risk_weight'],
    )
}}
