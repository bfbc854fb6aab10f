#!/usr/bin/env python3
"""Benchmark the contribution engine: a full build, then one added month incrementally.

1. Generate ``--customers`` × ``--months`` of sample data (``bank_tiering.generator``,
   monthly balance partitions) into ``<workdir>/raw``.
2. Full build: ``dbt build --select +fct_customer_contribution`` into a fresh DuckDB file
   (data tests and unit tests excluded unless ``--with-tests``).
3. ``append_month``: month ``months + 1`` with the same seed (the first months are
   identical), then the same ``dbt build`` again — an incremental run.

For each build it prints wall time, CPU time, the peak RSS of the dbt process tree
(psutil, sampled every 0.1 s), balance rows per second (rows landed for the full build;
rows of the added month for the incremental one) and the time of the contribution models
from dbt's run_results.json. The machine's load average is printed too: on a shared
machine wall times move with it.

Examples::

    .venv/bin/python scripts/benchmark_contribution.py                   # 100k × 12
    BANK_TIERING_MEMORY_LIMIT=4GB .venv/bin/python scripts/benchmark_contribution.py \\
        --customers 1000000 --workdir /tmp/bench1m
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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "src"))

from bank_tiering.generator import append_month, generate  # noqa: E402

CONTRIBUTION_MODELS = (
    "int_ftp_rates_daily",
    "int_accounts_ftp_matched",
    "int_accounts_parameterized",
    "int_credit_ratings_spanned",
    "int_account_months_aggregated",
    "int_customer_months_aggregated",
    "fct_customer_contribution",
)


@dataclass
class Measurement:
    label: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    balance_rows: int
    model_seconds: dict[str, float]
    load_before: float
    load_after: float

    @property
    def rows_per_s(self) -> float:
        return self.balance_rows / self.wall_s if self.wall_s else 0.0


class PeakRss:
    """Samples the resident set size of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # resource.getrusage below is the fallback
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
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


def _dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise SystemExit("dbt not found: run with the project's .venv/bin/python")
    return found


def _balance_rows(raw: Path, months: list[str] | None = None) -> int:
    import pyarrow.parquet as pq

    files = sorted((raw / "balances").glob("*.parquet"))
    if months is not None:
        files = [f for f in files if f.stem in months]
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _model_seconds(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())
    out = {}
    for result in results["results"]:
        name = result["unique_id"].split(".")[-1]
        out[name] = float(result.get("execution_time") or 0.0)
    return out


def run_build(
    label: str, args: argparse.Namespace, workdir: Path, raw: Path, balance_rows: int
) -> Measurement:
    env = dict(os.environ)
    env["BANK_TIERING_RAW_DIR"] = str(raw)
    env["BANK_TIERING_DUCKDB"] = str(workdir / "warehouse.duckdb")
    env.setdefault("BANK_TIERING_PII_SALT", "benchmark-salt")
    if args.memory_limit:
        env["BANK_TIERING_MEMORY_LIMIT"] = args.memory_limit
    if args.threads:
        env["BANK_TIERING_THREADS"] = str(args.threads)
    target = workdir / "target"
    cmd = [
        _dbt_executable(),
        "build",
        "--select",
        "+fct_customer_contribution",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR / "profiles"),
        "--target-path",
        str(target),
        "--log-path",
        str(workdir / "logs"),
    ]
    if not args.with_tests:
        cmd += ["--exclude", "resource_type:test", "resource_type:unit_test"]
    log = workdir / f"dbt_{label}.log"
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
        raise SystemExit(f"dbt build ({label}) failed with exit code {code}; see {log}")
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    peak = sampler.peak
    if not peak:  # no psutil: the largest child so far (kilobytes on Linux)
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return Measurement(
        label,
        wall,
        cpu,
        peak / 2**20,
        balance_rows,
        _model_seconds(target),
        load_before,
        os.getloadavg()[0],
    )


def _print(m: Measurement) -> None:
    print(f"\n== {m.label} build")
    print(f"   wall time        {m.wall_s:8.1f} s")
    print(f"   CPU time (dbt)   {m.cpu_s:8.1f} s")
    print(f"   peak RSS (tree)  {m.peak_rss_mb:8.0f} MB")
    print(f"   balance rows     {m.balance_rows:>12,d}  ({m.rows_per_s:,.0f} rows/s of wall time)")
    print(f"   load average     {m.load_before:.1f} before, {m.load_after:.1f} after")
    own = sum(m.model_seconds.get(name, 0.0) for name in CONTRIBUTION_MODELS)
    print(f"   contribution models (sum of model times): {own:.1f} s")
    for name in CONTRIBUTION_MODELS:
        if name in m.model_seconds:
            print(f"     {name:34s} {m.model_seconds[name]:7.1f} s")
    slowest = sorted(
        ((t, n) for n, t in m.model_seconds.items() if n not in CONTRIBUTION_MODELS), reverse=True
    )[:4]
    print("   slowest upstream models: " + ", ".join(f"{n} {t:.1f} s" for t, n in slowest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument(
        "--months",
        type=int,
        default=12,
        help="months of the full build; the incremental run adds one more",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-month", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep data and warehouse here (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--reuse-raw",
        action="store_true",
        help="reuse <workdir>/raw when it already holds --months of data",
    )
    parser.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB memory_limit (sets BANK_TIERING_MEMORY_LIMIT), e.g. 4GB",
    )
    parser.add_argument("--threads", type=int, default=None, help="BANK_TIERING_THREADS")
    parser.add_argument(
        "--with-tests",
        action="store_true",
        help="include data tests and unit tests in the timed builds",
    )
    parser.add_argument("--skip-incremental", action="store_true")
    args = parser.parse_args()

    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="bench_contribution_")) if temporary else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    raw = workdir / "raw"
    try:
        limit = args.memory_limit or os.environ.get("BANK_TIERING_MEMORY_LIMIT", "profile default")
        print(f"workdir {workdir}; {os.cpu_count()} CPUs; memory_limit {limit}")
        have = len(list((raw / "balances").glob("*.parquet"))) if raw.exists() else 0
        if not (args.reuse_raw and have == args.months):
            t = time.perf_counter()
            generate(
                raw,
                customers=args.customers,
                months=args.months,
                seed=args.seed,
                start_month=args.start_month,
                progress=False,
            )
            print(
                f"generated {args.customers:,d} customers × {args.months} months "
                f"in {time.perf_counter() - t:.1f} s"
            )
        (workdir / "warehouse.duckdb").unlink(missing_ok=True)
        Path(f"{workdir / 'warehouse.duckdb'}.wal").unlink(missing_ok=True)

        full = run_build("full", args, workdir, raw, _balance_rows(raw))
        _print(full)
        if args.skip_incremental:
            return

        t = time.perf_counter()
        append_month(
            raw,
            customers=args.customers,
            months=args.months + 1,
            seed=args.seed,
            start_month=args.start_month,
            progress=False,
        )
        new_month = sorted(p.stem for p in (raw / "balances").glob("*.parquet"))[-1]
        print(f"\nappended month {new_month} in {time.perf_counter() - t:.1f} s")
        incremental = run_build(
            "incremental (+1 month)", args, workdir, raw, _balance_rows(raw, [new_month])
        )
        _print(incremental)
        own_full = sum(full.model_seconds.get(n, 0.0) for n in CONTRIBUTION_MODELS)
        own_incremental = sum(incremental.model_seconds.get(n, 0.0) for n in CONTRIBUTION_MODELS)
        print(
            f"\nincremental / full: wall {incremental.wall_s / full.wall_s:.0%}, "
            f"CPU {incremental.cpu_s / full.cpu_s:.0%}, "
            f"contribution models {own_incremental / max(own_full, 1e-9):.0%}"
        )
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
