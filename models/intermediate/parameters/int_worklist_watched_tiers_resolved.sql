{{
    resolve_branch_overrides(
        'worklist_watched_tiers',
        key_columns=['market_class', 'tier_code'],
        value_columns=['is_watched'],
    )
}}
