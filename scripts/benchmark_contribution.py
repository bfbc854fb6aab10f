#!/usr/bin/env python3
"""Benchmark the warehouse against a hand-written single DuckDB script, on the same data.

One run prints, side by side (wall time, CPU time, peak RSS of the process tree, load
average before/after every figure — the machine may be shared):

1. ``generate``: ``--customers`` × ``--months`` of sample data, monthly balance partitions
   (kept with ``--workdir`` and reused with ``--reuse-raw``).
2. ``script``: scripts/contribution_reference.sql — the contribution of METHODOLOGY.md
   §1–2 written by hand as one DuckDB script — in its own process, DuckDB defaults.
3. ``dbt parse``: full parse, then a partial re-parse (what every later command pays).
4. ``+contribution``: ``dbt build --select +fct_customer_contribution`` — models, seeds AND
   their data tests (issue 18's definition; the unit tests, SQL of the rules on fixed
   inputs, are timed alone in 5.) — into a fresh warehouse; checked equal to the script
   within 0.01.
   The same models and seeds alone (tests excluded) into another one: the data work.
5. ``whole build``: ``dbt build`` (every model and test) into another fresh warehouse.
6. ``+1 month``: one more month landed (same seed: the first months are identical), then
   the three builds again, incrementally, on their warehouses — the whole build as
   `bank-tiering run` runs it (bank_tiering.project.build_args: models, data tests, and
   only the seeds changed since the warehouse's last build, none here; the unit tests
   check the code on fixed YAML inputs, CI runs them). Each dbt build prints its thread
   seconds by kind (models, data tests, unit tests, seeds) from run_results.json and its
   executed nodes (models, data tests, seeds, unit tests) with the seconds per node.

Targets (issue 9): +contribution ≤ 2× the script and ≤ 2 GB; whole build ≤ 3× the script;
+1 month ≤ 15 % of the full build. dbt runs with 2 threads and the profile's defaults
(BANK_TIERING_MEMORY_LIMIT unless ``--memory-limit``). The slowest nodes of each build come
from dbt's run_results.json.

7. ``--spark``: after the script, the models of 4. and of 5. (tests excluded) on Spark
   (dbt-spark session, local[threads], the profile's defaults), each into a fresh
   warehouse folder (``--skip-contribution``: 5. only); the Spark mart checked equal to
   the script within 0.01.

Examples::

    make benchmark                                             # 100k customers × 12 months
    .venv/bin/python scripts/benchmark_contribution.py --workdir /tmp/bench --reuse-raw
    BANK_TIERING_MEMORY_LIMIT=3GB .venv/bin/python scripts/benchmark_contribution.py \\
        --customers 1000000 --workdir /tmp/bench1m
    .venv/bin/python scripts/benchmark_contribution.py --spark --workdir /tmp/bench --reuse-raw
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "src"))

from bank_tiering.generator import append_month, generate  # noqa: E402
from bank_tiering.project import (  # noqa: E402
    Settings,
    build_args,
    forget_build_state,
    save_build_state,
)

REFERENCE_SQL = PROJECT_DIR / "scripts" / "contribution_reference.sql"
COMPARED = (
    "days_in_period", "avg_loan_balance", "avg_deposit_balance", "avg_aum", "loan_ftp_income",
    "deposit_ftp_income", "fee_income", "capital_cost", "operating_cost", "tax_amount",
    "credit_cost", "contribution",
)
TOLERANCE_CNY = 0.01
#: run_results.json kinds that dbt executes as a query each (exposures, saved queries and
#: the on-run-start hook are listed there too, but are not nodes of the build's work).
EXECUTED_KINDS = {"model": "models", "test": "data tests", "seed": "seeds",
                  "unit_test": "unit tests", "snapshot": "snapshots"}


@dataclass
class Measurement:
    label: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    load_before: float
    load_after: float
    node_seconds: dict[str, float] = field(default_factory=dict)
    kind_seconds: dict[str, float] = field(default_factory=dict)
    #: executed nodes by kind (model, test, seed, unit_test) from run_results.json
    kind_nodes: dict[str, int] = field(default_factory=dict)

    @property
    def nodes(self) -> int:
        return sum(self.kind_nodes.values())


class PeakRss:
    """Samples the resident set size of a process and its descendants (psutil)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        #: CPU seconds last seen per process of the tree (a JVM that its parent does not
        #: wait for escapes os.times(): Spark's).
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            try:
                total = 0
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                        self.cpu[proc.pid] = times.user + times.system
                    except psutil.NoSuchProcess:
                        pass
                self.peak = max(self.peak, total)
            except psutil.NoSuchProcess:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _measure(label: str, cmd: list[str], env: dict[str, str], log: Path) -> Measurement:
    load_before = os.getloadavg()[0]
    cpu_before = os.times()
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        with PeakRss(proc.pid) as sampler:
            code = proc.wait()
    wall = time.perf_counter() - start
    cpu_after = os.times()
    if code != 0:
        raise SystemExit(f"{label} failed with exit code {code}; see {log}")
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    cpu = max(cpu, sum(sampler.cpu.values()))
    return Measurement(label, wall, cpu, sampler.peak / 2**20, load_before, os.getloadavg()[0])


def _dbt() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    if not candidate.exists():
        raise SystemExit("dbt not found: run with the project's .venv/bin/python")
    return str(candidate)


class Warehouse:
    """One warehouse file with its own target folder (partial parsing persists there)."""

    def __init__(self, workdir: Path, name: str, raw: Path, args: argparse.Namespace) -> None:
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "warehouse.duckdb"
        self.env = dict(os.environ)
        self.env.update(
            BANK_TIERING_RAW_DIR=str(raw),
            BANK_TIERING_DUCKDB=str(self.path),
            BANK_TIERING_THREADS=str(args.threads),
        )
        self.env.setdefault("BANK_TIERING_PII_SALT", "benchmark-salt")
        if args.memory_limit:
            self.env["BANK_TIERING_MEMORY_LIMIT"] = args.memory_limit

    def reset(self) -> None:
        for path in (self.path, Path(f"{self.path}.wal")):
            path.unlink(missing_ok=True)

    def dbt(self, label: str, *args: str) -> Measurement:
        target = self.dir / "target"
        cmd = [
            _dbt(), *args, "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR / "profiles"),
            "--target-path", str(target), "--log-path", str(self.dir / "logs"),
        ]
        m = _measure(label, cmd, self.env, self.dir / f"{label.replace(' ', '_')}.log")
        results = target / "run_results.json"
        if results.exists() and args[0] in ("build", "test"):
            for r in json.loads(results.read_text())["results"]:
                seconds = float(r["execution_time"] or 0)
                m.node_seconds[r["unique_id"].split(".", 2)[-1]] = seconds
                kind = r["unique_id"].split(".", 1)[0]
                m.kind_seconds[kind] = m.kind_seconds.get(kind, 0.0) + seconds
                if kind in EXECUTED_KINDS:
                    m.kind_nodes[kind] = m.kind_nodes.get(kind, 0) + 1
        return m


class SparkWarehouse(Warehouse):
    """A Spark warehouse folder (BANK_TIERING_TARGET=spark, in-process local session with
    the profile's defaults: local[threads], 4 GB driver memory, its Derby metastore inside)."""

    def __init__(self, workdir: Path, name: str, raw: Path, args: argparse.Namespace) -> None:
        super().__init__(workdir, name, raw, args)
        self.path = self.dir / "spark-warehouse"
        self.env.update(BANK_TIERING_TARGET="spark", BANK_TIERING_SPARK_WAREHOUSE=str(self.path),
                        SPARK_LOCAL_IP="127.0.0.1")

    def reset(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def run_script(raw: Path, out: Path, basis: int, threads: int) -> Measurement:
    """The hand-written script in its own Python process (DuckDB defaults, given threads)."""
    out.unlink(missing_ok=True)
    sql = (
        REFERENCE_SQL.read_text()
        .replace("{raw}", str(raw))
        .replace("{seeds}", str(PROJECT_DIR / "seeds" / "parameters"))
        .replace("{basis}", str(basis))
    )
    sql_file = out.with_suffix(".sql")
    sql_file.write_text(sql)
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        f"con.execute('set threads = {threads}'); "
        "con.execute(open(sys.argv[2]).read()); con.close()"
    )
    cmd = [sys.executable, "-c", code, str(out), str(sql_file)]
    return _measure("script", cmd, dict(os.environ), out.with_suffix(".log"))


def compare_with_mart(reference: Path, warehouse: Path, spark: bool = False) -> str:
    import duckdb

    from bank_tiering.spark_warehouse import connect as connect_spark

    con = connect_spark(warehouse) if spark else duckdb.connect()
    con.execute(f"attach '{reference}' as ref (read_only)")
    if not spark:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
    mart = "marts.fct_customer_contribution" if spark else "wh.marts.fct_customer_contribution"
    diffs = ", ".join(f"max(abs(r.{c} - m.{c}))" for c in COMPARED)
    row = con.execute(
        "select count(*) filter (where m.customer_id is null), "
        "count(*) filter (where r.customer_id is null), count(*), " + diffs + " "
        f"from ref.contribution r full join {mart} m "
        "using (customer_id, period_month)"
    ).fetchone()
    only_script, only_mart, rows, *worst = row
    worst_diff = max(float(w or 0) for w in worst)
    verdict = (
        "equal within 0.01"
        if only_script == 0 and only_mart == 0 and worst_diff <= TOLERANCE_CNY
        else "DIFFERENT"
    )
    return (
        f"{verdict}: {rows:,d} customer-months, {only_script} only in the script, "
        f"{only_mart} only in the mart, largest difference {worst_diff:.6f} CNY"
    )


def _line(m: Measurement, ref: Measurement | None = None) -> str:
    ratio = f"{m.wall_s / ref.wall_s:5.2f}×" if ref else "      "
    nodes = (f"{m.nodes:5d} nodes {m.wall_s / m.nodes:5.2f} s/node" if m.nodes
             else " " * 22)
    return (
        f"{m.label:32s} {m.wall_s:8.1f} s {ratio} {m.cpu_s:8.1f} s CPU "
        f"{m.peak_rss_mb:7.0f} MB {nodes}   load {m.load_before:.1f} → {m.load_after:.1f}"
    )


def _nodes(m: Measurement) -> str:
    """Executed nodes by kind, e.g. `412 nodes: 60 models, 300 tests, 23 seeds`."""
    kinds = ", ".join(f"{n} {EXECUTED_KINDS[k]}" for k, n in sorted(m.kind_nodes.items()))
    return f"{m.nodes} executed nodes ({kinds})"


def _slowest(m: Measurement, n: int = 6) -> str:
    top = sorted(((t, k) for k, t in m.node_seconds.items()), reverse=True)[:n]
    kinds = ", ".join(f"{k} {t:.1f} s" for k, t in sorted(m.kind_seconds.items()) if t >= 0.05)
    return (", ".join(f"{k} {t:.1f} s" for t, k in top) + f"\n   thread seconds by kind: {kinds}"
            + f"\n   {_nodes(m)}, {m.wall_s / max(m.nodes, 1):.3f} s wall and "
            f"{m.cpu_s / max(m.nodes, 1):.3f} s CPU per node")


def run_spark(workdir: Path, raw: Path, args: argparse.Namespace, script: Measurement,
              report) -> None:
    """README "Apache Spark": the models alone (data tests are DuckDB's job at this size)."""
    models_only = ("--exclude", "resource_type:test", "resource_type:unit_test")
    if not args.skip_contribution:
        contribution = SparkWarehouse(workdir, "spark_contribution", raw, args)
        contribution.reset()
        contribution.dbt("parse", "parse")
        fct = contribution.dbt("spark +contribution, models", "build",
                               "--select", "+fct_customer_contribution", *models_only)
        report(fct, script)
        check = compare_with_mart(workdir / "reference.duckdb", contribution.path, spark=True)
        print(f"   script vs Spark mart: {check}")
        print(f"   slowest: {_slowest(fct)}")
    if not args.skip_whole:
        whole = SparkWarehouse(workdir, "spark_whole", raw, args)
        whole.reset()
        whole.dbt("parse", "parse")
        full = whole.dbt("spark whole build, models", "build", *models_only)
        report(full, script)
        print(f"   slowest: {_slowest(full)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12,
                        help="months of the full builds; the incremental run adds one more")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-month", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep data and warehouses here (default: a temporary folder)")
    parser.add_argument("--reuse-raw", action="store_true",
                        help="reuse <workdir>/raw when it already holds --months of data")
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory_limit (BANK_TIERING_MEMORY_LIMIT), e.g. 3GB")
    parser.add_argument("--threads", type=int, default=2, help="BANK_TIERING_THREADS")
    parser.add_argument("--skip-whole", action="store_true", help="skip the whole dbt build")
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--skip-contribution", action="store_true",
                        help="with --spark: the whole build only")
    parser.add_argument("--spark", action="store_true",
                        help="after the script: the models of +fct_customer_contribution and the "
                             "whole project (models and seeds) on Spark local[threads] instead")
    args = parser.parse_args()

    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="bench_")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    raw = workdir / "raw"
    rows: list[str] = []

    def report(m: Measurement, ref: Measurement | None = None) -> None:
        rows.append(_line(m, ref))
        print(rows[-1], flush=True)

    try:
        limit = args.memory_limit or os.environ.get("BANK_TIERING_MEMORY_LIMIT", "profile default")
        print(f"workdir {workdir}; {os.cpu_count()} CPUs; dbt threads {args.threads}; "
              f"memory_limit {limit}")
        have = len(list((raw / "balances").glob("*.parquet"))) if raw.exists() else 0
        if not (args.reuse_raw and have == args.months):
            start = time.perf_counter()
            generate(raw, customers=args.customers, months=args.months, seed=args.seed,
                     start_month=args.start_month, progress=False)
            print(f"generated {args.customers:,d} customers × {args.months} months "
                  f"in {time.perf_counter() - start:.1f} s")
        print(f"\n{'run':32s} {'wall':>10s} {'÷script':>6s} {'CPU':>12s} {'peak RSS':>10s} "
              f"{'executed nodes':>22s}")

        script = run_script(raw, workdir / "reference.duckdb", 360, args.threads)
        report(script)
        if args.spark:
            run_spark(workdir, raw, args, script, report)
            print("\n" + "\n".join(rows))
            return

        contribution = Warehouse(workdir, "contribution", raw, args)
        contribution.reset()
        report(contribution.dbt("dbt parse (full)", "parse", "--no-partial-parse"))
        report(contribution.dbt("dbt parse (partial)", "parse"))
        no_unit_tests = ("--exclude", "resource_type:unit_test")
        fct = contribution.dbt("+contribution (models+tests)", "build",
                               "--select", "+fct_customer_contribution", *no_unit_tests)
        report(fct, script)
        check = compare_with_mart(workdir / "reference.duckdb", contribution.path)
        print(f"   script vs mart: {check}")
        print(f"   slowest: {_slowest(fct)}")
        models = Warehouse(workdir, "models_only", raw, args)
        models.reset()
        models.dbt("parse", "parse")
        models_only = ("--exclude", "resource_type:test", "resource_type:unit_test")
        fct_models = models.dbt("+contribution, models only", "build",
                                "--select", "+fct_customer_contribution", *models_only)
        report(fct_models, script)

        # The whole build as `bank-tiering run` runs it (project.build_args): models, seeds
        # and data tests, and on the +1 month only the seeds changed since its last build;
        # the unit tests (SQL of the rules on fixed inputs, not the data) are timed alone.
        whole = Warehouse(workdir, "whole", raw, args)
        run_settings = Settings(raw_dir=raw, duckdb_path=whole.path,
                                serving_path=whole.dir / "serving.duckdb")
        full = None
        if not args.skip_whole:
            whole.reset()
            forget_build_state(run_settings)
            whole.dbt("parse", "parse")
            full = whole.dbt("whole build (bank-tiering run)",
                             *build_args(run_settings, full_refresh=False))
            save_build_state(run_settings, whole.dir / "target")
            report(full, script)
            print(f"   slowest: {_slowest(full)}")
            report(whole.dbt("unit tests alone", "test", "--select", "test_type:unit"))

        if not args.skip_incremental:
            start = time.perf_counter()
            append_month(raw, customers=args.customers, months=args.months + 1, seed=args.seed,
                         start_month=args.start_month, progress=False)
            print(f"appended month {args.months + 1} in {time.perf_counter() - start:.1f} s")
            fct_next = contribution.dbt("+1 month, +contribution", "build",
                                        "--select", "+fct_customer_contribution",
                                        *no_unit_tests)
            report(fct_next, script)
            print(f"   = {fct_next.wall_s / fct.wall_s:.0%} of the full +contribution build; "
                  f"slowest: {_slowest(fct_next)}")
            models_next = models.dbt("+1 month, models only", "build",
                                     "--select", "+fct_customer_contribution", *models_only)
            report(models_next, script)
            print(f"   = {models_next.wall_s / fct_models.wall_s:.0%} of the full models-only run; "
                  f"slowest: {_slowest(models_next)}")
            if full is not None:
                whole_next = whole.dbt("+1 month, whole (bank-tiering run)",
                                       *build_args(run_settings, full_refresh=False))
                report(whole_next, script)
                print(f"   = {whole_next.wall_s / full.wall_s:.0%} of the whole full build "
                      f"({whole_next.cpu_s / full.cpu_s:.0%} of its CPU); "
                      f"slowest: {_slowest(whole_next)}")
        print("\n" + "\n".join(rows))
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
