{{ resolve_branch_overrides('retail_tier_thresholds', ['tier_code'], ['min_avg_aum', 'max_avg_aum']) }}
