"""Write tests/python/duckdb_only_functions.txt: the functions the portability guard
(tests/python/test_portability.py) refuses outside a `duckdb__` macro.

It is DuckDB's function catalogue (`duckdb_functions()`) minus Apache Spark's (`SHOW
FUNCTIONS` of a local session of the pinned pyspark), plus the functions both engines have
under one name with different meanings. Re-run after upgrading DuckDB or pyspark:

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python scripts/duckdb_only_functions.py
"""

from __future__ import annotations

from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parents[1] / "tests" / "python" / "duckdb_only_functions.txt"

#: One name, another meaning on Spark: the call compiles on both and answers differently.
SAME_NAME_OTHER_MEANING = {
    "datediff": "DuckDB datediff(part, start, end); Spark datediff(end, start) in days",
    "date_diff": "DuckDB date_diff(part, start, end); Spark date_diff(end, start) in days",
    "date_add": "DuckDB date_add(date, interval); Spark date_add(date, days)",
    "date_sub": "DuckDB date_sub(part, start, end); Spark date_sub(date, days)",
    "log": "DuckDB log(x) is base 10; Spark log(x) is natural",
    "hash": "different hash functions (use the dispatched pii_hash / dbt.hash)",
    "trunc": "DuckDB trunc(number); Spark trunc(date, unit)",
    "regexp_replace": "DuckDB replaces the first match unless 'g'; Spark replaces all",
    "split": "DuckDB splits on a literal; Spark on a regular expression",
    "to_json": "Spark drops null fields unless told (use the dispatched record_json)",
    "median": "use the dispatched segmentation_exact_median",
}


def main() -> None:
    from pyspark.sql import SparkSession

    duck = {name.lower() for (name,) in duckdb.sql(
        "select distinct function_name from duckdb_functions() where not internal "
        "or function_type in ('scalar', 'aggregate', 'table', 'macro', 'table_macro')"
    ).fetchall()}
    spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        spark_names = {row[0].split(".")[-1].lower() for row in
                       spark.sql("show functions").collect()}
        version = spark.version
    finally:
        spark.stop()
    only = sorted(name for name in duck - spark_names if name.replace("_", "").isalnum())
    lines = [
        "# Functions the portability guard refuses outside a duckdb__ macro",
        f"# (scripts/duckdb_only_functions.py): DuckDB {duckdb.__version__} minus Spark "
        f"{version}, then the same name with another meaning on Spark.",
        *only,
        "# same name, another meaning on Spark:",
        *sorted(SAME_NAME_OTHER_MEANING),
    ]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(only)} DuckDB-only + {len(SAME_NAME_OTHER_MEANING)} other-meaning -> {OUT}")


if __name__ == "__main__":
    main()
