{{ resolve_branch_overrides('large_corporate_thresholds', ['industry_section'], ['large_min_annual_sales']) }}
