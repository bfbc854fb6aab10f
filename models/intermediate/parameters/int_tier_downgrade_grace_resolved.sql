{{
    resolve_branch_overrides(
        'tier_downgrade_grace',
        key_columns=['market_class', 'tier_code'],
        value_columns=['grace_months'],
    )
}}
