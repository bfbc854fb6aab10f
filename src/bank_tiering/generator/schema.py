"""The raw landing contract the generator writes (INTERFACES.md §2): tables, columns, types.

Types: strings ``VARCHAR``, dates ``DATE``, ``txn_ts`` ``TIMESTAMP`` (µs, no zone), every
decimal (money, rates, scores) ``DOUBLE`` (money rounded to cents), ``employee_count`` /
``term_months`` ``INTEGER``, survey flags ``BOOLEAN``. With ``bad_rows > 0`` every column
of every table is ``VARCHAR`` instead (:mod:`bank_tiering.generator.bad_rows`), the
optional tables' too.
"""

from __future__ import annotations

import pyarrow as pa

STR = pa.string()
DATE = pa.date32()
DBL = pa.float64()
INT = pa.int32()
BOOL = pa.bool_()
TS = pa.timestamp("us")

#: Column names, order and physical types of every raw table (INTERFACES.md §2).
CONTRACT: dict[str, list[tuple[str, pa.DataType]]] = {
    "customers": [
        ("customer_id", STR), ("customer_type", STR), ("customer_name", STR),
        ("id_number", STR), ("phone", STR), ("birth_date", DATE), ("gender", STR),
        ("occupation", STR), ("annual_income", DBL), ("industry_code", STR),
        ("emerging_tag", STR), ("group_id", STR), ("annual_sales", DBL),
        ("total_assets", DBL), ("employee_count", INT), ("branch_id", STR),
        ("onboard_date", DATE), ("close_date", DATE),
    ],
    "accounts": [
        ("account_id", STR), ("customer_id", STR), ("product_family", STR),
        ("product_code", STR), ("currency", STR), ("open_date", DATE),
        ("maturity_date", DATE), ("close_date", DATE), ("interest_rate", DBL),
        ("risk_class", STR), ("collateral_type", STR),
    ],
    "balances": [("account_id", STR), ("balance_date", DATE), ("balance", DBL)],
    "transactions": [
        ("txn_id", STR), ("account_id", STR), ("txn_ts", TS), ("amount", DBL),
        ("direction", STR), ("channel", STR), ("initiated_by", STR),
    ],
    "fees": [
        ("fee_id", STR), ("customer_id", STR), ("account_id", STR), ("fee_date", DATE),
        ("fee_type", STR), ("amount", DBL), ("currency", STR),
    ],
    "ftp_rates": [
        ("product_family", STR), ("term_months", INT), ("effective_date", DATE),
        ("ftp_rate", DBL),
    ],
    "credit_ratings": [("customer_id", STR), ("rating_date", DATE), ("rating", STR)],
    "relationship_surveys": [
        ("customer_id", STR), ("survey_date", DATE), ("satisfaction_score", DBL),
        ("has_cooperation_agreement", BOOL), ("executive_is_vip", BOOL),
        ("wallet_share", DBL),
    ],
    "fx_rates": [("currency", STR), ("rate_date", DATE), ("cny_per_unit", DBL)],
    "prospects": [
        ("prospect_id", STR), ("prospect_name", STR), ("customer_type", STR),
        ("industry_code", STR), ("branch_id", STR), ("annual_sales", DBL),
        ("total_assets", DBL), ("sales_growth_rate", DBL),
        ("market_influence_score", DBL), ("chain_influence_score", DBL),
        ("product_fit_score", DBL), ("marketing_feasibility_score", DBL),
        ("product_advantage_score", DBL), ("service_convenience_score", DBL),
    ],
}

TABLES: tuple[str, ...] = tuple(CONTRACT)

#: The optional tables (INTERFACES.md §2: absent = none); the relationship managers and
#: their customer assignments are always written as a pair, the RM contacts beside them.
OPTIONAL_CONTRACT: dict[str, list[tuple[str, pa.DataType]]] = {
    "tier_overrides": [
        ("override_id", STR), ("customer_id", STR), ("tier_code", STR), ("reason", STR),
        ("requested_by", STR), ("approved_by", STR), ("valid_from", DATE), ("valid_to", DATE),
    ],
    "relationship_managers": [
        ("rm_id", STR), ("rm_name", STR), ("branch_id", STR), ("hire_date", DATE),
        ("leave_date", DATE),
    ],
    "customer_assignments": [
        ("assignment_id", STR), ("customer_id", STR), ("rm_id", STR), ("valid_from", DATE),
        ("valid_to", DATE),
    ],
    "contacts": [
        ("contact_id", STR), ("customer_id", STR), ("rm_id", STR), ("contact_date", DATE),
        ("channel", STR),
    ],
}
BALANCE_LAYOUTS = ("monthly", "single")
