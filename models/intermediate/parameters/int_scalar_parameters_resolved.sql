{{
    resolve_branch_overrides(
        'scalar_parameters',
        key_columns=['parameter_name'],
        value_columns=['parameter_value'],
    )
}}
