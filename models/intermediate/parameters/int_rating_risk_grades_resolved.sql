{{ resolve_branch_overrides('rating_risk_grades', ['rating'], ['risk_grade']) }}
