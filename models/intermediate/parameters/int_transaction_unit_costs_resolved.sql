{{ resolve_branch_overrides('transaction_unit_costs', ['channel'], ['transaction_cost']) }}
