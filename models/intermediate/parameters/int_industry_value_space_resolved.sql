{{ resolve_branch_overrides('industry_value_space', ['industry_section'], ['value_space_score']) }}
