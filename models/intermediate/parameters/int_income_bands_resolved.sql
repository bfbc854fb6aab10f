{{ resolve_branch_overrides('income_bands', ['income_band'], ['min_annual_income', 'max_annual_income']) }}
