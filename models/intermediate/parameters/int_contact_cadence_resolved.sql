{{
    resolve_branch_overrides(
        'contact_cadence',
        key_columns=['market_class', 'tier_code'],
        value_columns=['max_days_between_contacts'],
    )
}}
