with

source as (
    select * from {{ source('core', 'landed_row_counts') }}
),

renamed as (
    select
        -- ids
        cast(source_table as {{ dbt.type_string() }}) as source_table,

        -- numerics
        cast(raw_rows as {{ dbt.type_bigint() }}) as raw_rows
    from source
)

select * from renamed
