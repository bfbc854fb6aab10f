{{ resolve_branch_overrides('asset_quality_scores', ['risk_class'], ['asset_quality_score', 'severity_rank', 'is_high_risk']) }}
