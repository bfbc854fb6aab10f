{{ resolve_branch_overrides('account_unit_costs', ['product_family'], ['monthly_account_cost']) }}
