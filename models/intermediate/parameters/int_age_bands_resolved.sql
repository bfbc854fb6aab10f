{{
    resolve_branch_overrides(
        'age_bands',
        key_columns=['age_band'],
        value_columns=['min_age', 'max_age'],
    )
}}
