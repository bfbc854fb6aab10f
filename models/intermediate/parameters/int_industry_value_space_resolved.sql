{{
    resolve_branch_overrides(
        'industry_value_space',
        key_columns=['industry_section'],
        value_columns=['value_space_score'],
    )
}}
