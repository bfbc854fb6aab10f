{{
    resolve_branch_overrides(
        'asset_quality_scores',
        key_columns=['risk_class'],
        value_columns=['asset_quality_score', 'severity_rank', 'is_high_risk'],
    )
}}
