{#- One row per raw table (INTERFACES.md §3): rows landed (the landing manifest written
    when the run starts), rows that reached the clean model at the end of staging and
    validation, and rows quarantined. raw_rows = clean_rows + quarantined_rows must hold
    (tested: nothing is lost, METHODOLOGY.md §9). The clean balances are counted from
    their account-month sums (balance_days), never by scanning the balance rows. -#}
{%- set tables = quarantine_tables() -%}

with

stg_core__landed_row_counts as (
    select * from {{ ref('stg_core__landed_row_counts') }}
),

dq_quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

clean_counts as (
    {%- for table_name, table in tables.items() %}
    select
        '{{ table_name }}' as source_table,
        cast({{ table.get('clean_rows', 'count(*)') }} as {{ dbt.type_bigint() }}) as clean_rows
    from {{ ref(table.clean) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

quarantine_counts as (
    select
        source_table,
        count(*) as quarantined_rows
    from dq_quarantine
    group by source_table
),

final as (
    select
        stg_core__landed_row_counts.source_table,
        stg_core__landed_row_counts.raw_rows,
        coalesce(clean_counts.clean_rows, 0) as clean_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows
    from stg_core__landed_row_counts
    left join clean_counts
        on stg_core__landed_row_counts.source_table = clean_counts.source_table
    left join quarantine_counts
        on stg_core__landed_row_counts.source_table = quarantine_counts.source_table
)

select * from final
