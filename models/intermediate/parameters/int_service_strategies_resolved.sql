{{ resolve_branch_overrides('service_strategies', ['strategy_dimension', 'code'], ['service_strategy_zh']) }}
