{{
    resolve_branch_overrides(
        'probability_of_default',
        key_columns=['rating', 'customer_type'],
        value_columns=['probability_of_default'],
    )
}}
