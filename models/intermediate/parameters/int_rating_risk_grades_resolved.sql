{{
    resolve_branch_overrides(
        'rating_risk_grades',
        key_columns=['rating'],
        value_columns=['risk_grade'],
    )
}}
