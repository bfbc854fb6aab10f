{{ resolve_branch_overrides('activity_levels', ['activity_level'], ['min_transactions', 'max_transactions']) }}
