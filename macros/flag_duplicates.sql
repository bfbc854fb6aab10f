{# CTEs that add the duplicate reasons of METHODOLOGY.md §9 to CTE `relation`, whose
   rows carry `dq_reason_code` (null = passed the single-row checks):
   - a copy identical on `compare_columns` to another row -> `exact_duplicate`
     (the first copy stays clean);
   - rows that share `key_columns` but differ -> every version is `duplicate_key`.
   Only rows of a repeated key (one aggregation) are fingerprinted. The balances use it
   on the re-read rows of the account-months their profile flags only
   (int_balances_rechecked), never on 10⁸ rows.
   The result CTE is `duplicates_flagged`, with `columns` + `dq_reason_code`. #}
{% macro flag_duplicates(relation, columns, key_columns, compare_columns) %}
    {%- set keys = key_columns | join(', ') -%}
    {%- set fingerprint_parts = [] -%}
    {%- for column_name in compare_columns -%}
        {%- do fingerprint_parts.append("coalesce(cast(candidates." ~ column_name ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
        {%- do fingerprint_parts.append("'|'") -%}
    {%- endfor -%}
    duplicated_keys as (
        select
            {{ keys }},
            count(*) as n_copies
        from {{ relation }}
        where dq_reason_code is null
        group by {{ keys }}
        having count(*) > 1
    ),

    duplicate_candidates as (
        select
            candidates.*,
            {{ dbt.hash(dbt.concat(fingerprint_parts)) }} as row_fingerprint
        from {{ relation }} as candidates
        inner join duplicated_keys
            on {% for k in key_columns %}candidates.{{ k }} = duplicated_keys.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
        where candidates.dq_reason_code is null
    ),

    duplicate_ranked as (
        select
            *,
            row_number() over (partition by {{ keys }}, row_fingerprint order by row_fingerprint) as copy_number,
            count(*) over (partition by {{ keys }}) as n_key_rows,
            min(row_fingerprint) over (partition by {{ keys }}) as min_fingerprint,
            max(row_fingerprint) over (partition by {{ keys }}) as max_fingerprint
        from duplicate_candidates
    ),

    duplicates_flagged as (
        select
            {% for c in columns %}unflagged.{{ c }},
            {% endfor %}unflagged.dq_reason_code
        from {{ relation }} as unflagged
        left join duplicated_keys
            on {% for k in key_columns %}unflagged.{{ k }} = duplicated_keys.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
        where duplicated_keys.n_copies is null or unflagged.dq_reason_code is not null

        union all

        select
            {% for c in columns %}{{ c }},
            {% endfor %}case
                when copy_number > 1 then 'exact_duplicate'
                when min_fingerprint != max_fingerprint then 'duplicate_key'
            end as dq_reason_code
        from duplicate_ranked
    )
{% endmacro %}
