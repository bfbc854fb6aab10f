{# Helpers of the segmentation models (METHODOLOGY.md §3–8). Documented in
   macros/_segmentation__macros.yml. #}

{# The exact (interpolated) median of `expression`, an amount with at most `scale` decimals
   (money: 2), as an aggregate returning DECIMAL(38, scale + 1): the median is taken over the
   amounts in units of 10^-scale (whole cents), which double precision holds exactly, so the
   midpoint of two middle values (a whole or a half cent) is exact and the same on every
   engine (METHODOLOGY.md §5, §13). DuckDB `median`, Spark `percentile(x, 0.5)`, ANSI
   `percentile_cont` elsewhere — never an approximate quantile. #}
{% macro segmentation_exact_median(expression, scale=2) -%}
    cast(
        {{ adapter.dispatch('segmentation_exact_median', 'bank_tiering')(
            'cast(' ~ expression ~ ' * ' ~ 10 ** scale ~ ' as double)') }}
        as decimal(38, 1)
    ) * cast({{ '%.*f' % (scale, 10 ** -scale) }} as decimal({{ scale + 1 }}, {{ scale }}))
{%- endmacro %}

{% macro default__segmentation_exact_median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__segmentation_exact_median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__segmentation_exact_median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}

{# `expression` limited to [lower, upper]; a null stays null. #}
{% macro segmentation_clamp(expression, lower, upper) -%}
    greatest(least({{ expression }}, {{ upper }}), {{ lower }})
{%- endmacro %}

{# Mean of the non-null expressions; null when all are null. #}
{% macro segmentation_mean_of_present(expressions) -%}
    (
        ({% for e in expressions %}coalesce({{ e }}, 0){{ ' + ' if not loop.last }}{% endfor %})
        / nullif({% for e in expressions %}case when {{ e }} is not null then 1 else 0 end{{ ' + ' if not loop.last }}{% endfor %}, 0)
    )
{%- endmacro %}

{# True when `value` lies in the half-open band [lower_column, upper_column); a null
   bound is open. A null value is in no band. #}
{% macro segmentation_in_band(value, lower_column, upper_column) -%}
    ({{ value }} is not null
        and ({{ lower_column }} is null or {{ value }} >= {{ lower_column }})
        and ({{ upper_column }} is null or {{ value }} < {{ upper_column }}))
{%- endmacro %}

{# True when a present customer value meets a floor; a null floor is not set (always
   met), a missing value never meets a set floor (METHODOLOGY.md §4). #}
{% macro segmentation_meets_floor(value, floor_column) -%}
    ({{ floor_column }} is null or ({{ value }} is not null and {{ value }} >= {{ floor_column }}))
{%- endmacro %}

{# The day `days` (a column or number, e.g. a double parameter) before `date_expression`,
   as a date; the day count is cast to integer (Spark's date_add takes an int). #}
{% macro segmentation_days_before(days, date_expression) -%}
    cast({{ dbt.dateadd('day', '-1 * cast(' ~ days ~ ' as integer)', date_expression) }} as date)
{%- endmacro %}

{# Completed years between `start_date` and `end_date` (age on `end_date`). #}
{% macro segmentation_completed_years(start_date, end_date) -%}
    (
        extract(year from {{ end_date }}) - extract(year from {{ start_date }})
        - case
            when extract(month from {{ end_date }}) < extract(month from {{ start_date }})
                or (extract(month from {{ end_date }}) = extract(month from {{ start_date }})
                    and extract(day from {{ end_date }}) < extract(day from {{ start_date }}))
                then 1
            else 0
        end
    )
{%- endmacro %}


{# The last transaction date an incremental run of the customer-month transaction counts
   need not read ('YYYY-MM-DD'): the first day of `start_month` less the longest activity
   or dormancy window of any branch (METHODOLOGY.md §7). Computed before the model's query
   runs, so the scan of the transactions prunes by a literal (a scalar subquery is not
   pushed into the scan). #}
{% macro segmentation_transactions_read_after(start_month) -%}
    {%- if not execute -%}
        {{ return(start_month) }}
    {%- endif -%}
    {%- set read_after_query -%}
        select cast(min({{ segmentation_days_before(
            'greatest(activity_window_days, dormant_window_days, 1)',
            "cast('" ~ start_month ~ "' as date)") }}) as {{ dbt.type_string() }})
        from {{ ref('int_branch_parameters_pivoted') }}
    {%- endset -%}
    {{ return((run_query(read_after_query).columns[0].values()[0] | string | trim)[0:10]) }}
{%- endmacro %}

{# How a customer moved from its tier at the base period to its tier now (METHODOLOGY.md
   §8 split of the flows, §11 lost_since_year_start): `base` and `current` are aliases of
   rows holding market_class and the seed tier_families columns tier_family and tier_rank of
   the customer's tier at the two periods, null when the customer has no customer-month then. 'same' (the same tier),
   'up' / 'down' (a higher / lower rank of the same family and market class), 'outside'
   (no customer-month at one of the periods, or another family). #}
{% macro segmentation_tier_move(base, current) -%}
    case
        when {{ base }}.tier_family is null or {{ current }}.tier_family is null
            or {{ base }}.market_class != {{ current }}.market_class
            or {{ base }}.tier_family != {{ current }}.tier_family
            then 'outside'
        when {{ current }}.tier_rank > {{ base }}.tier_rank then 'up'
        when {{ current }}.tier_rank < {{ base }}.tier_rank then 'down'
        else 'same'
    end
{%- endmacro %}
