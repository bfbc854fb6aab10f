{{
    resolve_branch_overrides(
        'retail_tier_thresholds',
        key_columns=['tier_code'],
        value_columns=['min_avg_aum', 'max_avg_aum'],
    )
}}
