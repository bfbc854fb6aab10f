{{
    resolve_branch_overrides(
        'service_strategies',
        key_columns=['strategy_dimension', 'code'],
        value_columns=['service_strategy_zh'],
    )
}}
