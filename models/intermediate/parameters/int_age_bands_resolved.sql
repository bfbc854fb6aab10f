{{ resolve_branch_overrides('age_bands', ['age_band'], ['min_age', 'max_age']) }}
