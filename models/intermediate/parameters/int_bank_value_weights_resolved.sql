{{
    resolve_branch_overrides(
        'bank_value_weights',
        key_columns=['sub_score'],
        value_columns=['weight'],
    )
}}
