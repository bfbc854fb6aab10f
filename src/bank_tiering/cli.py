"""Command line of the customer-tiering warehouse: `bank-tiering --help`."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click
import duckdb

from bank_tiering.access.commands import users
from bank_tiering.project import (
    Settings,
    build_args,
    forget_build_state,
    models_out_of_sync,
    raw_data_present,
    run_dbt_process,
    save_build_state,
)
from bank_tiering.serving import PublishError
from bank_tiering.serving import publish as publish_serving

log = logging.getLogger("bank_tiering")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Bank customer-tiering warehouse (dbt + DuckDB)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: BANK_TIERING_RAW_DIR or data/raw).")
@click.option("--customers", default=2000, show_default=True, help="Number of customers.")
@click.option("--months", default=13, show_default=True, help="Months of daily balances.")
@click.option("--start-month", default="2024-12-01", show_default=True,
              help="First month of balances (YYYY-MM-01).")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same files).")
@click.option("--bad-rows", default=0, show_default=True,
              help="Inject about this many bad rows of every METHODOLOGY.md §9 reason.")
@click.option("--balances-layout", type=click.Choice(["monthly", "single"]), default="monthly",
              show_default=True, help="balances/<YYYY-MM>.parquet partitions or one file.")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def generate(out_dir: Path | None, customers: int, months: int, start_month: str, seed: int,
             bad_rows: int, balances_layout: str, no_progress: bool) -> None:
    """Write sample raw extracts of the full landing contract (INTERFACES.md §2)."""
    from bank_tiering.generator import generate as generate_raw

    target = out_dir if out_dir is not None else Settings.from_env().raw_dir
    counts = generate_raw(
        Path(target), customers=customers, months=months, seed=seed,
        start_month=date.fromisoformat(start_month), bad_rows=bad_rows,
        balances_layout=balances_layout, progress=not no_progress,
    )
    for table, rows in counts.items():
        click.echo(f"{table:<22}{rows:>14,}")


@main.command()
@click.option("--customers", default=2000, show_default=True,
              help="Customers to generate when the raw folder is empty.")
@click.option("--months", default=13, show_default=True,
              help="Months to generate when the raw folder is empty (from December, so the "
                   "year-start flows of the following year exist).")
@click.option("--seed", default=42, show_default=True, help="Seed of the generated sample.")
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental facts from scratch.")
def run(customers: int, months: int, seed: int, full_refresh: bool) -> None:
    """Generate sample data if the raw folder is empty, run `dbt build`, publish the serving
    file for BI tools and print a summary."""
    settings = Settings.from_env()
    if not raw_data_present(settings.raw_dir):
        click.echo(f"No raw extracts in {settings.raw_dir}: generating a sample "
                   f"({customers:,} customers × {months} months, seed {seed}).")
        from bank_tiering.generator import generate as generate_raw

        generate_raw(settings.raw_dir, customers=customers, months=months, seed=seed,
                     start_month=date(2024, 12, 1))
        from bank_tiering.access.demo import mark_generated_sample

        mark_generated_sample(settings.raw_dir, customers=customers, months=months, seed=seed)
    # The month-end build runs the models and their data tests, and the seeds that changed
    # since the warehouse's last successful build with theirs (project.build_args). The
    # unit tests check the SQL of the rules on fixed inputs, not the bank's data: they run
    # where the code changes (`make test`, CI), as dbt recommends (README "Performance").
    # On Spark 4.3.0 one unit-test fixture fails as well (README "Apache Spark").
    if full_refresh:
        forget_build_state(settings)
    if run_dbt_process(build_args(settings, full_refresh), settings) != 0:
        click.echo("dbt build failed: see the messages above (logs/dbt.log has the detail).",
                   err=True)
        stale = models_out_of_sync()
        if stale and not full_refresh:
            click.echo(f"The warehouse {settings.duckdb_path} holds incremental tables of an "
                       f"earlier version of the project ({', '.join(stale)}: columns or types "
                       "changed). Rebuild them once with:  .venv/bin/bank-tiering run "
                       "--full-refresh", err=True)
        sys.exit(1)
    save_build_state(settings)
    if settings.on_spark:
        print_spark_summary(settings.spark_warehouse)
        click.echo("\nThe marts are Spark tables (BI tools query them through a Spark Thrift "
                   "Server); the DuckDB serving file is published by DuckDB builds only.")
        return
    print_build_summary(settings.duckdb_path)
    _publish(settings.duckdb_path, settings.serving_path)
    _demo_users(settings)
    click.echo("\nOpen the dashboard:  .venv/bin/bank-tiering dashboard   "
               "(http://127.0.0.1:8501)")
    click.echo("Query the metrics:   see README \"Semantic layer\" (`mf query --saved-query "
               "segment_overview`)")


def _demo_users(settings: Settings) -> None:
    """On a sample `run` generated itself: one demo user per scope (INTERFACES.md §4),
    passwords printed once; existing users are never changed."""
    from bank_tiering.access.demo import ensure_demo_users, is_generated_sample
    from bank_tiering.access.log import AccessLog
    from bank_tiering.access.settings import AccessSettings, AccessSettingsError
    from bank_tiering.access.users import UsersFileError

    if not is_generated_sample(settings.raw_dir):
        return
    try:
        access = AccessSettings.from_env()
        demo = ensure_demo_users(settings.serving_path, access.users_path,
                                 AccessLog(access.access_log_path))
    except (AccessSettingsError, UsersFileError, OSError, duckdb.Error) as error:
        click.echo(f"\nDemo users not created: {error}", err=True)
        return
    click.echo(f"\nDemo users of the sample (users file {access.users_path}; sign in at the "
               "dashboard with 用户名 and 密码):")
    for user in demo:
        shown = (f"password {user.password}   (shown once)" if user.password
                 else "already there: password unchanged (set one with "
                      f"`.venv/bin/bank-tiering users passwd {user.username}`)")
        click.echo(f"  {user.username:<12} {user.scope.kind:<7} {user.scope.scope_id or '':<12} "
                   f"{user.display_name}   {shown}")
    if not any(u.scope.kind == "rm" for u in demo):
        click.echo("  (no RM demo user: the marts hold no relationship manager with a book)")


main.add_command(users)


@main.command()
def summary() -> None:
    """Print the summary of the last build (of BANK_TIERING_TARGET)."""
    settings = Settings.from_env()
    if settings.on_spark:
        print_spark_summary(settings.spark_warehouse)
    else:
        print_build_summary(settings.duckdb_path)


@main.command()
@click.argument("serving", type=click.Path(path_type=Path), required=False)
def publish(serving: Path | None) -> None:
    """Publish the marts of the build file to SERVING (default: BANK_TIERING_SERVING_DUCKDB,
    data/serving/warehouse.duckdb) for BI readers.

    DuckDB allows one writer per file and a reader blocks the writer, so BI tools read a
    published copy: it is written beside SERVING and renamed over it, so open readers keep
    the old file and new connections see the new one (`bank-tiering run` does this after
    every successful build).
    """
    settings = Settings.from_env()
    _publish(settings.duckdb_path, serving or settings.serving_path)


def _publish(build: Path, serving: Path) -> None:
    try:
        result = publish_serving(build, serving)
    except (PublishError, duckdb.Error, OSError) as error:
        click.echo(f"Cannot publish {build} to {serving}: {error}", err=True)
        sys.exit(1)
    rows = sum(result.tables.values())
    click.echo(f"\nPublished {len(result.tables)} tables ({rows:,} rows) of {build.name} to "
               f"{result.serving_path} in {result.seconds:.1f} s (BI tools read this file).")


@main.command()
@click.option("--port", default=8501, show_default=True, help="Port on 127.0.0.1.")
def dashboard(port: int) -> None:
    """Serve the dashboard on 127.0.0.1, read-only on the serving file (INTERFACES.md §4)."""
    from bank_tiering.dashboard.server import serve

    sys.exit(serve(Settings.from_env().serving_path, port))


@main.command("what-if")
@click.argument("param_dir", type=click.Path(path_type=Path))
@click.option("--period", default=None, metavar="YYYY-MM",
              help="Period to compare (default: the latest loaded).")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Scenario DuckDB file (default: data/whatif.duckdb).")
def what_if(param_dir: Path, period: str | None, out: Path | None) -> None:
    """Who would move if parameters changed (METHODOLOGY.md §12).

    PARAM_DIR holds CSV files named like the shipped seeds (e.g. retail_tier_thresholds.csv)
    with their columns; each replaces that seed for the scenario only. The warehouse is
    copied to the scenario file and everything the changed seeds touch is recomputed there;
    the warehouse and the serving file are left as they are.
    """
    from bank_tiering.whatif import (
        WhatIfError,
        label_orders,
        parse_period,
        print_result,
        run_whatif,
    )

    try:
        result = run_whatif(param_dir, parse_period(period), out)
        print_result(result, sort_orders=label_orders(result.scenario))
    except WhatIfError as error:
        click.echo(f"what-if: {error}", err=True)
        sys.exit(2)
    except (duckdb.Error, OSError) as error:
        click.echo(f"what-if: {type(error).__name__}: {error}", err=True)
        sys.exit(1)


@main.command()
@click.option("--period", required=True, metavar="YYYY-MM", help="The month reported.")
@click.option("--branch", default=None, metavar="BRANCH_ID",
              help="Only this branch's customers (default: the whole bank).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              metavar="FILE.xlsx", help="The workbook to write.")
def report(period: str, branch: str | None, out: Path) -> None:
    """Write the monthly tiering report (one xlsx workbook, INTERFACES.md §4): tier pyramid,
    value quadrants, flows with their causes, Pareto, segment profiles, governance counts
    and the worklists, read from the serving file (BANK_TIERING_SERVING_DUCKDB)."""
    from bank_tiering.report import ReportError, write_report

    try:
        result = write_report(Settings.from_env().serving_path, period, branch, out)
    except ReportError as error:
        click.echo(f"report: {error}", err=True)
        sys.exit(2)
    except (duckdb.Error, OSError) as error:
        click.echo(f"report: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
    branch = result.scope.branch_id
    click.echo(f"Report of {result.period:%Y-%m} "
               f"({'branch ' + branch if branch else 'whole bank'}) "
               f"written to {result.path}: {len(result.sheets)} sheets "
               f"({', '.join(result.sheets)}).")


def print_build_summary(duckdb_path: Path) -> None:
    """Rows per layer, quarantine by reason, and the segment summary of the latest month."""
    try:
        _print_build_summary(duckdb_path)
    except duckdb.Error as error:
        click.echo(f"Cannot read the warehouse {duckdb_path} for the summary: {error}", err=True)
        sys.exit(1)


def print_spark_summary(warehouse: Path) -> None:
    """The summary of a Spark build, read from its tables under ``warehouse`` (§5)."""
    from bank_tiering.spark_warehouse import connect, layer_counts

    try:
        with connect(warehouse) as con:
            click.echo(f"\nSpark tables built in {warehouse} (exact rows; views not counted):")
            _print_summary(con, layer_counts(con, LAYER_SCHEMAS))
    except (duckdb.Error, OSError) as error:
        click.echo(f"Cannot read the Spark warehouse {warehouse} for the summary: {error}",
                   err=True)
        sys.exit(1)


LAYER_SCHEMAS = ("staging", "intermediate", "marts", "data_quality")


def _print_build_summary(duckdb_path: Path) -> None:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        layers = con.execute(
            f"""
            select schema_name, count(*) as objects, sum(estimated_size) as rows
            from duckdb_tables()
            where schema_name in {LAYER_SCHEMAS}
            group by schema_name
            order by schema_name
            """
        ).fetchall()
        click.echo("\nTables built (rows are DuckDB's estimates; views not counted):")
        _print_summary(con, layers)


def _print_summary(con: duckdb.DuckDBPyConnection, layers: list[tuple]) -> None:
    """Rows per layer, quarantine by reason, reconciliation and the segment summary."""
    for schema, objects, rows in layers:
        click.echo(f"  {schema:<14}{objects:>4} tables {int(rows or 0):>14,} rows")
    reasons = con.execute(
        """
        select source_table, reason_code, count(*) as n_rows
        from data_quality.dq_quarantine
        group by source_table, reason_code
        order by source_table, reason_code
        """
    ).fetchall()
    click.echo(f"\nQuarantined rows: {sum(r[2] for r in reasons):,}")
    for table, reason, n in reasons:
        click.echo(f"  {table:<22}{reason:<18}{n:>10,}")
    unbalanced = con.execute(
        "select count(*) from data_quality.dq_reconciliation "
        "where raw_rows != clean_rows + quarantined_rows"
    ).fetchone()
    click.echo("Reconciliation: " + ("balanced" if unbalanced == (0,) else "NOT BALANCED"))
    from bank_tiering.summary import print_governance_summary, print_summary

    print_summary(con)
    print_governance_summary(con)
