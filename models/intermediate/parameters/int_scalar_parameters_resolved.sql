{{ resolve_branch_overrides('scalar_parameters', ['parameter_name'], ['parameter_value']) }}
