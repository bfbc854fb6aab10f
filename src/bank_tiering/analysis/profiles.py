"""Segment profiles (客群画像) over a scope's customers — the rule of
``mart_segment_profile`` (INTERFACES.md §3, doc ``segment_profile_rule``).

How the customers of each assessed tier are distributed over a profile dimension: age,
income and occupation bands (retail), risk grade (corporate and institution), lifecycle
stage, activity level and the asset-size band within the tier (``aum_band``). A missing
value is a value of its own — ``not_applicable`` (不适用) where the dimension does not
apply to the market class, else ``unknown`` (未知) — so for every dimension the customers
add up to the tier's. The dashboard's 客群画像 page and the report's sheet of the same name
both read :func:`segment_profiles`; for the bank scope it equals the mart (tested).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bank_tiering.access.scope import Scope
from bank_tiering.analysis.scoped import Filters, frame

#: The profile dimensions (columns of fct_customer_segment) and the market classes each
#: applies to (None: every one): a null value is `not_applicable` outside them, `unknown`
#: inside.
PROFILE_DIMENSIONS: dict[str, tuple[str, ...] | None] = {
    "age_band": ("retail",), "income_band": ("retail",), "occupation_group": ("retail",),
    "risk_grade": ("corporate", "institution"), "lifecycle_stage": None,
    "activity_level": None, "aum_band": None,
}


def segment_profiles(con: duckdb.DuckDBPyConnection, scope: Scope, f: Filters
                     ) -> pd.DataFrame:
    """Per market × assessed tier × dimension × value of the filtered customer-months:
    ``customers`` and ``customer_share`` (of the tier), ``aum`` (sum of avg_aum),
    ``mean_aum``, ``contribution``; codes and their labels (``market_label``,
    ``tier_label``, ``dimension_label``, ``value_label``) and ``value_sort_order``; in the
    methodology's order (code_labels)."""
    values = []
    for dimension, markets in PROFILE_DIMENSIONS.items():
        inside = "true" if markets is None else \
            "market_class in (" + ", ".join(f"'{m}'" for m in markets) + ")"
        values.append(
            f"select market_class, tier_code, '{dimension}' as profile_dimension, "
            f"coalesce({dimension}, case when {inside} then 'unknown' else 'not_applicable' "
            f"end) as profile_value, avg_aum, contribution from filtered")
    return frame(
        con, scope,
        f"""
        with filtered as (
            select * from segment where {f.where()}
        ),
        profile_values as ({' union all '.join(values)}),
        grouped as (
            select market_class, tier_code, profile_dimension, profile_value,
                count(*) as customers, sum(avg_aum) as aum, sum(contribution) as contribution
            from profile_values
            group by market_class, tier_code, profile_dimension, profile_value
        )
        select market_class, tier_code, profile_dimension, profile_value,
            m.label_zh as market_label, t.label_zh as tier_label, d.label_zh as dimension_label,
            coalesce(v.label_zh, g.label_zh) as value_label,
            coalesce(v.sort_order, g.sort_order) as value_sort_order, customers,
            cast(customers as double) / sum(customers) over (
                partition by market_class, tier_code, profile_dimension) as customer_share,
            cast(aum as double) as aum, cast(aum as double) / customers as mean_aum,
            cast(contribution as double) as contribution
        from grouped
        left join parameters.code_labels as m
            on m.code_set = 'market_class' and m.code = market_class
        left join parameters.code_labels as t on t.code_set = 'tier_code' and t.code = tier_code
        left join parameters.code_labels as d
            on d.code_set = 'profile_dimension' and d.code = profile_dimension
        left join parameters.code_labels as v
            on v.code_set = profile_dimension and v.code = profile_value
        left join parameters.code_labels as g
            on g.code_set = 'profile_value' and g.code = profile_value
        order by m.sort_order, t.sort_order, d.sort_order,
            coalesce(v.sort_order, g.sort_order), profile_value
        """,
        f.params,
    )
