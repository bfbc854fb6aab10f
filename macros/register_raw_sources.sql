{# Registers one view `raw.<table>` per table of the `core` source over the landing
   files in BANK_TIERING_RAW_DIR (INTERFACES.md §2) and checks the landing contract:
   a missing table or a missing required column (every column the source declares)
   stops the run with a message that names it. A table whose source config sets
   `meta: {optional: true}` (tier_overrides, relationship_managers,
   customer_assignments) may be absent: it is then registered as an empty relation of
   its declared columns (`data_type`); when landed, its columns are checked like any
   other. `meta: {landed_with: <table>}` makes two optional tables a pair (METHODOLOGY.md
   §14: relationship_managers with customer_assignments): one landed without the other
   stops the run with a message naming both. Called from `on-run-start`. #}
{% macro register_raw_sources() %}
    {% if execute %}
        {% set raw_dir = env_var('BANK_TIERING_RAW_DIR', 'data/raw') | trim | replace('\\', '/') %}
        {% set raw_dir = raw_dir[:-1] if raw_dir.endswith('/') else raw_dir %}
        {% set core_sources = graph.sources.values()
            | selectattr('package_name', 'equalto', project_name)
            | selectattr('source_name', 'equalto', 'core')
            | rejectattr('name', 'equalto', 'landed_row_counts') | list %}
        {% if core_sources | length > 0 %}
            {% do run_query('create schema if not exists ' ~ core_sources[0].schema) %}
        {% endif %}
        {% set counts = [] %}
        {% set landed_tables = {} %}
        {% for src in core_sources %}
            {% set optional_columns = src.columns.values() | list if src.config.meta.get('optional') else none %}
            {% set registration = raw_table_ddl(src.schema, src.name, raw_dir, optional_columns) %}
            {% do landed_tables.update({src.name: registration.landed}) %}
            {% for statement in registration.statements %}
                {% do run_query(statement) %}
            {% endfor %}
            {% set relation = api.Relation.create(database=src.database, schema=src.schema, identifier=src.name) %}
            {% set landed = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list %}
            {% set missing = [] %}
            {% for column_name in src.columns.keys() %}
                {% if column_name | lower not in landed %}{% do missing.append(column_name) %}{% endif %}
            {% endfor %}
            {% if missing | length > 0 %}
                {{ exceptions.raise_compiler_error(
                    "Raw table '" ~ src.name ~ "' in " ~ raw_dir ~ " is missing required column(s): "
                    ~ missing | join(', ') ~ " (INTERFACES.md §2).") }}
            {% endif %}
            {% do counts.append("select '" ~ src.name ~ "' as source_table, count(*) as raw_rows from "
                ~ src.schema ~ "." ~ src.name) %}
        {% endfor %}
        {% for src in core_sources if src.config.meta.get('landed_with') %}
            {% set partner = src.config.meta.get('landed_with') %}
            {% if landed_tables.get(src.name) and not landed_tables.get(partner) %}
                {{ exceptions.raise_compiler_error(
                    "Raw table '" ~ src.name ~ "' is landed in " ~ raw_dir ~ " but '" ~ partner
                    ~ "' is not: the optional tables '" ~ src.name ~ "' and '" ~ partner
                    ~ "' are a pair — land both or neither (INTERFACES.md §2, METHODOLOGY.md §14).") }}
            {% endif %}
        {% endfor %}
        {# The landing manifest: rows landed per table, what dq_reconciliation balances. #}
        {% if counts | length > 0 %}
            {% set manifest = core_sources[0].schema ~ '.landed_row_counts' %}
            {% do run_query('drop table if exists ' ~ manifest) %}
            {% do run_query('create table ' ~ manifest ~ ' as ' ~ counts | join(' union all ')) %}
        {% endif %}
        {# The views must be visible to every thread's connection. #}
        {% do adapter.commit() %}
    {% endif %}
    select 1
{% endmacro %}

{# How to register one landed table as `<schema>.<table>` (dispatched): a mapping with
   `statements` (run in order) and `landed` (false when an optional table has no file).
   DuckDB: a view over `<table>.parquet`, else every `<table>/**/*.parquet` partition,
   else `<table>.csv` read as text (a value that does not parse becomes a `bad_type`
   quarantine row instead of a crash). `optional_columns` (the source's column nodes) is
   set for an optional table: when no file is found it becomes an empty relation of
   those columns instead of an error. #}
{% macro raw_table_ddl(schema, table_name, raw_dir, optional_columns=none) %}
    {{ return(adapter.dispatch('raw_table_ddl', 'bank_tiering')(schema, table_name, raw_dir, optional_columns)) }}
{% endmacro %}

{# `select cast(null as <type>) as <column>, … where 1 = 0`: an empty relation of declared columns. #}
{% macro empty_relation_sql(columns) -%}
    select {% for c in columns %}cast(null as {{ c.data_type or dbt.type_string() }}) as {{ c.name }}{{ ', ' if not loop.last }}{% endfor %} where 1 = 0
{%- endmacro %}

{% macro duckdb__raw_table_ddl(schema, table_name, raw_dir, optional_columns) %}
    {% set candidates = [
        (raw_dir ~ '/' ~ table_name ~ '.parquet', "read_parquet('{path}')"),
        (raw_dir ~ '/' ~ table_name ~ '/**/*.parquet', "read_parquet('{path}', union_by_name = true)"),
        (raw_dir ~ '/' ~ table_name ~ '.csv', "read_csv('{path}', header = true, all_varchar = true)"),
    ] %}
    {% for path, reader in candidates %}
        {% set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] %}
        {% if found > 0 %}
            {{ return({'landed': true, 'statements': ['create or replace view ' ~ schema ~ '.' ~ table_name
                ~ ' as select * from ' ~ reader.replace('{path}', path)]}) }}
        {% endif %}
    {% endfor %}
    {% if optional_columns is not none %}
        {{ return({'landed': false, 'statements': ['create or replace view ' ~ schema ~ '.' ~ table_name ~ ' as '
            ~ empty_relation_sql(optional_columns)]}) }}
    {% endif %}
    {{ exceptions.raise_compiler_error(
        "Raw table '" ~ table_name ~ "' not found: looked for " ~ candidates | map(attribute=0) | join(', ')
        ~ " (set BANK_TIERING_RAW_DIR; INTERFACES.md §2).") }}
{% endmacro %}

{# Spark: an external table over the file or the folder of partitions (a Hadoop glob
   matches either). Jinja cannot look at the file system, so the format comes from
   BANK_TIERING_RAW_FORMAT (`parquet`, the default, or `csv` with a header, read as text);
   a missing path fails with Spark's "Path does not exist" naming it. An optional table
   takes the landed files' own schema (typed or text, like any other table) when a file
   of it is landed — Spark lists the landing folder through a `binaryFile` table (a glob
   matching nothing fails to list: PATH_NOT_FOUND) — and is otherwise an empty managed
   table of its declared columns' types (a table over a path matching no file fails when
   read). #}
{% macro spark__raw_table_ddl(schema, table_name, raw_dir, optional_columns) %}
    {% set raw_format = env_var('BANK_TIERING_RAW_FORMAT', 'parquet') | lower %}
    {% set path = raw_dir ~ '/' ~ table_name ~ ('{.parquet,/*.parquet}' if raw_format == 'parquet' else '.csv') %}
    {% set options = "path '" ~ path ~ "'" ~ (", header 'true'" if raw_format == 'csv' else '') %}
    {% set relation = schema ~ '.' ~ table_name %}
    {% if optional_columns is not none %}
        {% set probe = relation ~ '__landed_files' %}
        {% set file_name = table_name ~ ('.parquet' if raw_format == 'parquet' else '.csv') %}
        {% do run_query('drop table if exists ' ~ probe) %}
        {% do run_query('create table ' ~ probe ~ ' (path string, modificationTime timestamp,'
            ~ " length bigint, content binary) using binaryFile options (path '" ~ raw_dir
            ~ "', recursiveFileLookup 'true')") %}
        {% set landed_files = run_query('select count(path) from ' ~ probe
            ~ " where endswith(path, '/" ~ file_name ~ "')"
            ~ ((" or (instr(path, '/" ~ table_name ~ "/') > 0 and endswith(path, '.parquet'))")
                if raw_format == 'parquet' else '')).columns[0].values()[0] %}
        {% do run_query('drop table if exists ' ~ probe) %}
        {% if landed_files == 0 %}
            {% set columns = [] %}
            {% for c in optional_columns %}
                {% do columns.append(c.name ~ ' ' ~ (c.data_type or dbt.type_string())) %}
            {% endfor %}
            {{ return({'landed': false, 'statements': [
                'drop table if exists ' ~ relation,
                'create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ') using parquet',
            ]}) }}
        {% endif %}
    {% endif %}
    {# Only tables are created here (`drop view` on one fails in Spark with
       WRONG_COMMAND_FOR_OBJECT_TYPE, which broke every second build on one metastore). #}
    {{ return({'landed': true, 'statements': [
        'drop table if exists ' ~ relation,
        'create table ' ~ relation ~ ' using ' ~ raw_format ~ ' options (' ~ options ~ ')',
    ]}) }}
{% endmacro %}

{# The relation of a landed raw table, for introspection (column types) without adding
   a dependency on the source: models that read it through another model use this. #}
{% macro raw_relation(table_name) %}
    {% if execute %}
        {% for node in graph.sources.values() if node.source_name == 'core' and node.name == table_name %}
            {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.name)) }}
        {% endfor %}
    {% endif %}
    {{ return(none) }}
{% endmacro %}
