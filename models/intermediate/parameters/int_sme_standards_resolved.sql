{{ resolve_branch_overrides('sme_standards', ['industry_prefix'], ['industry_name', 'min_annual_sales', 'min_total_assets', 'min_employee_count']) }}
