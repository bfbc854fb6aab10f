{# Helpers of the tier-governance models (METHODOLOGY.md §10–12): the service-tier state
   machine and the number formats of the explanation sentences. Documented in
   macros/_governance__macros.yml. #}

{# The periods int_customer_months_service_tiered computes in this run, as a list of
   'YYYY-MM-DD' strings in order: every period_month of `relation` from `start_month`
   (none = all) up to var('service_tier_through_month') when that is set. Resolved at
   execution time (a query); empty at parse time. A unit test overrides this macro. #}
{% macro governance_months_to_process(relation, start_month) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set through = var('service_tier_through_month', '') | string | trim -%}
    {%- if through != '' and not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-01$', through) -%}
        {{ exceptions.raise_compiler_error(
            "var('service_tier_through_month') must be the first day of a month, 'YYYY-MM-01', got '"
            ~ through ~ "'") }}
    {%- endif -%}
    {%- set months_query -%}
        select distinct cast(period_month as {{ dbt.type_string() }}) as period_month
        from {{ relation }}
        where 1 = 1
        {%- if start_month is not none %}
            and period_month >= cast('{{ start_month }}' as date)
        {%- endif %}
        {%- if through != '' %}
            and period_month <= cast('{{ through }}' as date)
        {%- endif %}
        order by 1
    {%- endset -%}
    {%- set months = [] -%}
    {%- for value in run_query(months_query).columns[0].values() -%}
        {%- do months.append(value | string | trim) -%}
    {%- endfor -%}
    {{ return(months) }}
{% endmacro %}

{# One step of the service-tier state machine (METHODOLOGY.md §10, doc
   `service_tier_rule`): the customer-months of `period_month` in `assessed_relation`
   (assessed tier, family, rank and the override in force), each with `prev` = the row of
   the calendar month before in `previous_relation` (the previous step's output, or the
   stored state) and the grace of prev's tier for the customer's branch from
   `grace_relation`. The same template serves every month of a full build and of an
   increment. #}
{% macro governance_service_tier_step(assessed_relation, previous_relation, grace_relation, period_month) %}
    select
        ruled.customer_id,
        ruled.period_month,
        ruled.parameter_branch_id,
        ruled.market_class,
        ruled.tier_code,
        ruled.tier_family,
        ruled.tier_rank,
        case ruled.service_tier_rule
            when 'override' then ruled.override_tier_code
            when 'kept_on_watch' then ruled.previous_service_tier_code
            else ruled.tier_code
        end as service_tier_code,
        case ruled.service_tier_rule
            when 'override' then ruled.override_tier_family
            when 'kept_on_watch' then ruled.previous_service_tier_family
            else ruled.tier_family
        end as service_tier_family,
        case ruled.service_tier_rule
            when 'override' then ruled.override_tier_rank
            when 'kept_on_watch' then ruled.previous_service_tier_rank
            else ruled.tier_rank
        end as service_tier_rank,
        ruled.service_tier_rule,
        case
            when ruled.service_tier_rule = 'kept_on_watch' then ruled.previous_months_below + 1
            else 0
        end as months_below,
        ruled.service_tier_rule = 'kept_on_watch' as is_on_watch,
        case
            when ruled.service_tier_rule = 'kept_on_watch' then ruled.previous_grace_months
        end as grace_months,
        case
            when ruled.service_tier_rule = 'kept_on_watch'
                then ruled.previous_grace_months - (ruled.previous_months_below + 1)
        end as grace_months_left,
        ruled.override_id,
        ruled.override_reason,
        ruled.override_approved_by,
        ruled.previous_service_tier_code
    from (
        select
            assessed.*,
            previous_state.service_tier_code as previous_service_tier_code,
            previous_state.service_tier_family as previous_service_tier_family,
            previous_state.service_tier_rank as previous_service_tier_rank,
            previous_state.months_below as previous_months_below,
            previous_grace.grace_months as previous_grace_months,
            case
                when assessed.override_id is not null then 'override'
                when previous_state.customer_id is null then 'no_previous'
                when previous_state.override_id is not null then 'after_override'
                when previous_state.service_tier_family != assessed.tier_family then 'family_change'
                when assessed.tier_rank >= previous_state.service_tier_rank then 'at_or_above'
                when previous_state.months_below + 1 <= previous_grace.grace_months then 'kept_on_watch'
                else 'downgraded'
            end as service_tier_rule
        from {{ assessed_relation }} as assessed
        left join {{ previous_relation }} as previous_state
            on assessed.customer_id = previous_state.customer_id
                and previous_state.period_month
                = cast({{ dbt.dateadd('month', '-1', "cast('" ~ period_month ~ "' as date)") }} as date)
        left join {{ grace_relation }} as previous_grace
            on assessed.parameter_branch_id = previous_grace.branch_id
                and assessed.market_class = previous_grace.market_class
                and previous_state.service_tier_code = previous_grace.tier_code
        where assessed.period_month = cast('{{ period_month }}' as date)
    ) as ruled
{% endmacro %}

{# `expression` (a number, double or decimal) as text with exactly `scale` decimals,
   rounded half away from zero through a DECIMAL cast ('523.40', '-0.12'). Portable: a
   decimal cast and a string cast behave alike on DuckDB and Spark. #}
{% macro governance_format_fixed(expression, scale) -%}
    cast(cast({{ expression }} as decimal(38, {{ scale }})) as {{ dbt.type_string() }})
{%- endmacro %}

{# A CNY amount in 万元 (ten thousands) rounded to two decimals (half away from zero), as a
   number: 5,234,000 -> 523.4. Computed in DECIMAL (the amount to 0.01元 times 0.0001), so a
   half (1,250,050元 = 125.005万元) rounds alike on every engine; in double it was 125.00 on
   one and 125.01 on another. #}
{% macro governance_wan_value(expression) -%}
    round(cast({{ expression }} as decimal(38, 2)) * cast(0.0001 as decimal(5, 4)), 2)
{%- endmacro %}

{# A CNY amount in 万元 (ten thousands) with two decimals, e.g. 5,234,000 -> '523.40'. #}
{% macro governance_format_wan(expression) -%}
    {{ governance_format_fixed(governance_wan_value(expression), 2) }}
{%- endmacro %}

{# Whether the amounts of one comparison of a reason sentence (METHODOLOGY.md §10, doc
   `tier_explanation_rule`) are written in 万元: the larger absolute amount is at least
   1万元, no non-zero amount would read 0.00万元, and no two different amounts would read
   alike. Otherwise every amount of the comparison is written in 元 (amounts are published
   to 0.01元, so there they are always told apart). Null amounts are ignored. #}
{% macro governance_reason_in_wan(amounts) -%}
    {%- set sizes = [] -%}
    {%- for amount in amounts -%}
        {%- do sizes.append('abs(coalesce(' ~ amount ~ ', 0))') -%}
    {%- endfor -%}
    (
        {{ sizes[0] if sizes | length == 1 else 'greatest(' ~ sizes | join(', ') ~ ')' }} >= 10000
        {%- for amount in amounts %}
        and ({{ amount }} is null or {{ amount }} = 0 or {{ governance_wan_value(amount) }} != 0)
        {%- endfor %}
        {%- for amount in amounts %}{% for other in amounts[loop.index:] %}
        and (
            {{ amount }} is null or {{ other }} is null or {{ amount }} = {{ other }}
            or {{ governance_wan_value(amount) }} != {{ governance_wan_value(other) }}
        )
        {%- endfor %}{% endfor %}
    )
{%- endmacro %}

{# `amount` as reason text with its unit, in the unit chosen for the amounts it is compared
   with (`compared`, the amount itself included; governance_reason_in_wan): '523.40万元' or
   '-13.53元'. Both sides of a comparison thus always share one unit. #}
{% macro governance_reason_money(amount, compared) -%}
    case
        when {{ governance_reason_in_wan(compared) }}
            then {{ dbt.concat([governance_format_wan(amount), "'万元'"]) }}
        else {{ dbt.concat([governance_format_fixed(amount, 2), "'元'"]) }}
    end
{%- endmacro %}

{# A score with up to `scale` decimals and no trailing zeros: 72.5 -> '72.5', 60 -> '60'. #}
{% macro governance_format_trimmed(expression, scale=4) -%}
    {{ return(adapter.dispatch('governance_format_trimmed', 'bank_tiering')(expression, scale)) }}
{%- endmacro %}

{% macro default__governance_format_trimmed(expression, scale) -%}
    trim(trailing '.' from trim(trailing '0' from {{ governance_format_fixed(expression, scale) }}))
{%- endmacro %}

{% macro duckdb__governance_format_trimmed(expression, scale) -%}
    rtrim(rtrim({{ governance_format_fixed(expression, scale) }}, '0'), '.')
{%- endmacro %}

{# The customer's amount of a tier basis (METHODOLOGY.md §4, seed tier_families):
   avg_aum, avg_deposit_balance or annual_sales of `relation_name`; null for the bases
   decided without an amount (sme_standard, strategic_group, institution). #}
{% macro governance_basis_amount(basis_expression, relation_name) -%}
    case {{ basis_expression }}
        when 'avg_aum' then {{ relation_name }}.avg_aum
        when 'avg_deposit_balance' then {{ relation_name }}.avg_deposit_balance
        when 'annual_sales' then {{ relation_name }}.annual_sales
    end
{%- endmacro %}

{# The line of a tier for a customer (METHODOLOGY.md §4–5, §10): the line of the tier in
   `lines_alias` (int_tier_lines_resolved, the customer's branch), except for a tier decided
   by annual sales, whose line is the large-enterprise floor of the customer's industry
   section, held by the customer's relation. #}
{% macro governance_tier_line(families_alias, lines_alias, relation_name) -%}
    case
        when {{ families_alias }}.tier_basis = 'annual_sales' then {{ relation_name }}.large_min_annual_sales
        else {{ lines_alias }}.tier_line_value
    end
{%- endmacro %}

{# A money amount as published (§13): rounded to 0.01, DECIMAL(18, 2), from a double or a
   decimal input alike, so comparisons at a boundary are exact. #}
{% macro governance_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{# A ratio parameter (a double in the seed) as an exact DECIMAL(9, 4): 0.9 is 0.9000, not
   0.90000000000000002. #}
{% macro governance_ratio(expression) -%}
    cast({{ expression }} as decimal(9, 4))
{%- endmacro %}
