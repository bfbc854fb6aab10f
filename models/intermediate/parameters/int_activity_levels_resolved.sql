{{
    resolve_branch_overrides(
        'activity_levels',
        key_columns=['activity_level'],
        value_columns=['min_transactions', 'max_transactions'],
    )
}}
