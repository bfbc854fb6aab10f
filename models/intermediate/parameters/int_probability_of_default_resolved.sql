{{ resolve_branch_overrides('probability_of_default', ['rating', 'customer_type'], ['probability_of_default']) }}
