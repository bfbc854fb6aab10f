{{ resolve_branch_overrides('risk_weights', ['customer_type', 'collateral_type'], ['risk_weight']) }}
