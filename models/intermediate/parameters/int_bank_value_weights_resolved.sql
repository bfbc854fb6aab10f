{{ resolve_branch_overrides('bank_value_weights', ['sub_score'], ['weight']) }}
