{{ resolve_branch_overrides('loss_given_default', ['collateral_type'], ['loss_given_default']) }}
