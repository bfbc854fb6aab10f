"""What-if (参数模拟, METHODOLOGY.md §12): who would move if a parameter changed?

``bank-tiering what-if PARAM_DIR [--period YYYY-MM] [--out FILE]``. PARAM_DIR holds CSV
files named like the shipped seeds (``retail_tier_thresholds.csv``, ``risk_weights.csv``,
…), each with the shipped seed's columns; each replaces that seed for the scenario only.

How it works, and what it never touches:

1. The PARAM_DIR files are checked (name, columns) and compared with the shipped seeds;
   the seeds whose rows differ are the *changed* seeds.
2. The built warehouse (``BANK_TIERING_DUCKDB``) is **copied** to the scenario file
   (default ``data/whatif.duckdb``); the warehouse is only read, and the serving file
   (``BANK_TIERING_SERVING_DUCKDB``) is never opened. The baseline rows of the chosen
   period are kept in the scenario file before anything is recomputed.
3. dbt runs on a temporary copy of the project whose seed folder holds the PARAM_DIR
   files in place of the shipped ones, against the scenario file, selecting exactly
   ``<changed seed>+`` with ``--full-refresh`` (incremental facts such as the service
   tier are recomputed from their first month). A changed tier line therefore rebuilds
   the segmentation only; a changed risk weight rebuilds the contribution engine too.
4. ``whatif_tier_moves`` (customers and AUM per baseline → scenario code pair, for
   ``tier_code``, ``service_tier_code`` and ``value_quadrant``) and
   ``whatif_customer_moves`` (one row per customer and dimension whose code changes) are
   written to the scenario file; the tier movement matrices are printed with Chinese
   labels.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

import duckdb

from bank_tiering.project import PROJECT_DIR, Settings

log = logging.getLogger(__name__)

DEFAULT_SCENARIO = Path("data/whatif.duckdb")
DEFAULT_SERVING = Path("data/serving/warehouse.duckdb")
SEGMENT_TABLE = "marts.fct_customer_segment"
LABELS_TABLE = "parameters.code_labels"
#: The dimensions compared (INTERFACES.md §3) and the code set of their labels.
DIMENSIONS: dict[str, str] = {
    "tier_code": "tier_code",
    "service_tier_code": "tier_code",
    "value_quadrant": "value_quadrant",
}
MARKET_CLASS_ORDER = ("retail", "corporate", "institution")
#: What the scenario project needs of the project (the rest — data, .venv — stays out).
PROJECT_PARTS = ("dbt_project.yml", "macros", "models", "seeds", "tests", "analyses", "profiles")


class WhatIfError(Exception):
    """A what-if that cannot run, with a message for the user (no stack trace)."""


@dataclass
class WhatIfResult:
    """What a what-if did: the scenario file, the period, the changed seeds, the moves."""

    scenario: Path
    period: date
    changed: list[str]
    moves: list[tuple] = field(default_factory=list)
    moved_customers: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --------------------------------------------------------------------------------------
# Parameter files
# --------------------------------------------------------------------------------------


def shipped_seeds(project_dir: Path = PROJECT_DIR) -> dict[str, Path]:
    """Every seed CSV of the project by name (``retail_tier_thresholds`` → its path)."""
    return {p.stem: p for p in sorted((project_dir / "seeds").rglob("*.csv"))}


def _read_csv(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise WhatIfError(f"{path}: cannot be read as a UTF-8 CSV file ({error}).") from error
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise WhatIfError(f"{path}: empty file; a parameter file starts with its header line.")
    header = [cell.strip() for cell in rows[0]]
    body = [tuple(cell.strip() for cell in row) for row in rows[1:] if any(c.strip() for c in row)]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise WhatIfError(
                f"{path}: line {number} has {len(row)} fields, the header has {len(header)}."
            )
    return header, body


def read_param_dir(param_dir: Path, project_dir: Path = PROJECT_DIR) -> dict[str, Path]:
    """The parameter files of PARAM_DIR by seed name, checked against the shipped seeds.

    Raises :class:`WhatIfError` for a missing folder, a file that is not a CSV named like a
    shipped seed, or columns that differ from the shipped seed's.
    """
    if not param_dir.is_dir():
        raise WhatIfError(f"PARAM_DIR {param_dir} is not a folder.")
    seeds = shipped_seeds(project_dir)
    found: dict[str, Path] = {}
    for path in sorted(param_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix.lower() != ".csv" or not path.is_file():
            raise WhatIfError(
                f"{path}: unknown file — PARAM_DIR holds only CSV files named like a shipped "
                f"seed (e.g. retail_tier_thresholds.csv)."
            )
        if path.stem not in seeds:
            raise WhatIfError(
                f"{path.name}: no shipped parameter seed has this name. Known seeds: "
                + ", ".join(sorted(seeds)) + "."
            )
        header, _ = _read_csv(path)
        shipped_header, _ = _read_csv(seeds[path.stem])
        if sorted(header) != sorted(shipped_header):
            missing = [c for c in shipped_header if c not in header]
            unknown = [c for c in header if c not in shipped_header]
            raise WhatIfError(
                f"{path.name}: columns differ from the shipped seed "
                f"({', '.join(shipped_header)}): "
                + "; ".join(part for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(unknown)}" if unknown else "",
                    "duplicated column" if len(set(header)) != len(header) else "",
                ) if part) + "."
            )
        found[path.stem] = path
    if not found:
        raise WhatIfError(f"PARAM_DIR {param_dir} holds no parameter CSV file.")
    return found


def _normalised_rows(path: Path, columns: list[str]) -> list[tuple[str, ...]]:
    header, body = _read_csv(path)
    index = [header.index(c) for c in columns]
    return sorted(tuple(row[i] for i in index) for row in body)


def changed_seeds(params: dict[str, Path], project_dir: Path = PROJECT_DIR) -> list[str]:
    """The seeds whose rows in PARAM_DIR differ from the shipped ones (row order ignored)."""
    seeds = shipped_seeds(project_dir)
    changed = []
    for name, path in sorted(params.items()):
        columns, _ = _read_csv(seeds[name])
        if _normalised_rows(path, columns) != _normalised_rows(seeds[name], columns):
            changed.append(name)
    return changed


# --------------------------------------------------------------------------------------
# Scenario file and build
# --------------------------------------------------------------------------------------


def serving_path() -> Path:
    """The serving file of INTERFACES.md §1 (never touched by a what-if)."""
    path = Path(os.environ.get("BANK_TIERING_SERVING_DUCKDB", str(DEFAULT_SERVING)))
    return path if path.is_absolute() else (PROJECT_DIR / path).resolve()


def parse_period(text: str | None) -> date | None:
    """``YYYY-MM`` → the first day of that month; None stays None."""
    if text is None:
        return None
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text.strip())
    if not match:
        raise WhatIfError(f"--period must be YYYY-MM (e.g. 2025-12), got {text!r}.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _copy_warehouse(baseline: Path, scenario: Path) -> None:
    """Copy the warehouse (and its WAL, if one is pending) to the scenario file."""
    scenario.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        Path(f"{scenario}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(baseline, scenario)
    wal = Path(f"{baseline}.wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{scenario}.wal"))


def _snapshot_baseline(scenario: Path, period: date | None) -> date:
    """Keep the baseline rows of the period in the scenario file; return the period."""
    with duckdb.connect(str(scenario)) as con:
        periods = [row[0] for row in con.execute(
            f"select distinct period_month from {SEGMENT_TABLE} order by 1").fetchall()]
        if not periods:
            raise WhatIfError("The warehouse has no period in marts.fct_customer_segment.")
        chosen = periods[-1] if period is None else period
        if chosen not in periods:
            raise WhatIfError(
                f"Period {chosen:%Y-%m} is not loaded; loaded periods: "
                f"{periods[0]:%Y-%m} … {periods[-1]:%Y-%m}."
            )
        con.execute("drop table if exists main.whatif_baseline_segments")
        con.execute(
            f"""
            create table main.whatif_baseline_segments as
            select customer_id, period_month, branch_id, market_class, tier_code,
                service_tier_code, value_quadrant, avg_aum
            from {SEGMENT_TABLE}
            where period_month = ?
            """,
            [chosen],
        )
    return chosen


def _scenario_project(workdir: Path, params: dict[str, Path]) -> Path:
    """A copy of the project whose seeds are replaced by the PARAM_DIR files."""
    project = workdir / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.exists():
            shutil.copy2(source, project / part)
    seeds = shipped_seeds(project)
    for name, path in params.items():
        shutil.copyfile(path, seeds[name])
    return project


def _run_scenario_build(project: Path, changed: list[str], scenario: Path, raw_dir: Path,
                        log_file: Path) -> None:
    """dbt build of ``<changed seed>+`` on the scenario file, with a full refresh."""
    dbt = Path(sys.executable).with_name("dbt")
    selection = [f"{name}+" for name in changed]
    args = [
        str(dbt), "build", "--select", *selection, "--full-refresh",
        "--exclude", "resource_type:unit_test",
        "--project-dir", str(project), "--profiles-dir", str(project / "profiles"),
        "--target-path", str(project / "target"), "--log-path", str(project / "logs"),
    ]
    env = {
        **os.environ,
        "BANK_TIERING_DUCKDB": str(scenario),
        "BANK_TIERING_RAW_DIR": str(raw_dir),
        "BANK_TIERING_TARGET": "duckdb",
    }
    log.info("scenario build: dbt build --select %s --full-refresh", " ".join(selection))
    completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    log_file.write_text(completed.stdout + completed.stderr, encoding="utf-8")
    if completed.returncode != 0:
        errors = [line for line in completed.stdout.splitlines()
                  if re.search(r"error|fail|Compilation|Database Error", line, re.IGNORECASE)]
        raise WhatIfError(
            "The scenario build failed; no scenario file was written (dbt's messages are "
            f"in {log_file}):\n  " + "\n  ".join(errors[-12:] or ["(no message)"])
        )


# --------------------------------------------------------------------------------------
# Moves
# --------------------------------------------------------------------------------------


def _write_moves(scenario: Path, period: date) -> None:
    """whatif_tier_moves and whatif_customer_moves in the scenario file (INTERFACES.md §3)."""
    pairs = " union all ".join(
        f"""select '{dim}' as dimension, '{code_set}' as code_set,
                coalesce(b.customer_id, s.customer_id) as customer_id,
                coalesce(s.branch_id, b.branch_id) as branch_id,
                coalesce(s.market_class, b.market_class) as market_class,
                b.{dim} as baseline_code, s.{dim} as scenario_code,
                coalesce(s.avg_aum, b.avg_aum) as avg_aum
            from main.whatif_baseline_segments as b
            full outer join (select * from {SEGMENT_TABLE} where period_month = $period) as s
                on b.customer_id = s.customer_id"""
        for dim, code_set in DIMENSIONS.items()
    )
    with duckdb.connect(str(scenario)) as con:
        con.execute(f"create or replace temp table pairs as {pairs}", {"period": period})
        con.execute(
            f"""
            create or replace table main.whatif_tier_moves as
            select
                cast($period as date) as period_month,
                p.dimension,
                dl.label_zh as dimension_label_zh,
                p.market_class,
                ml.label_zh as market_class_label_zh,
                p.baseline_code,
                bl.label_zh as baseline_label_zh,
                p.scenario_code,
                sl.label_zh as scenario_label_zh,
                p.baseline_code is distinct from p.scenario_code as is_move,
                count(*) as customers,
                cast(sum(round(p.avg_aum, 2)) as decimal(18, 2)) as avg_aum
            from pairs as p
            left join {LABELS_TABLE} as dl
                on dl.code_set = 'whatif_dimension' and dl.code = p.dimension
            left join {LABELS_TABLE} as ml
                on ml.code_set = 'market_class' and ml.code = p.market_class
            left join {LABELS_TABLE} as bl
                on bl.code_set = p.code_set and bl.code = p.baseline_code
            left join {LABELS_TABLE} as sl
                on sl.code_set = p.code_set and sl.code = p.scenario_code
            group by all
            order by p.dimension, p.market_class, p.baseline_code, p.scenario_code
            """,
            {"period": period},
        )
        con.execute(
            f"""
            create or replace table main.whatif_customer_moves as
            select
                cast($period as date) as period_month,
                p.customer_id,
                p.branch_id,
                p.market_class,
                p.dimension,
                p.baseline_code,
                bl.label_zh as baseline_label_zh,
                p.scenario_code,
                sl.label_zh as scenario_label_zh,
                cast(round(p.avg_aum, 2) as decimal(18, 2)) as avg_aum
            from pairs as p
            left join {LABELS_TABLE} as bl
                on bl.code_set = p.code_set and bl.code = p.baseline_code
            left join {LABELS_TABLE} as sl
                on sl.code_set = p.code_set and sl.code = p.scenario_code
            where p.baseline_code is distinct from p.scenario_code
            order by p.dimension, p.customer_id
            """,
            {"period": period},
        )
        con.execute("drop table main.whatif_baseline_segments")


def _read_moves(scenario: Path) -> list[tuple]:
    with duckdb.connect(str(scenario), read_only=True) as con:
        return con.execute(
            """
            select dimension, dimension_label_zh, market_class, market_class_label_zh,
                baseline_code, baseline_label_zh, scenario_code, scenario_label_zh,
                customers, avg_aum
            from main.whatif_tier_moves
            """
        ).fetchall()


# --------------------------------------------------------------------------------------
# Entry point and printing
# --------------------------------------------------------------------------------------


def run_whatif(param_dir: Path, period: date | None = None, out: Path | None = None,
               settings: Settings | None = None) -> WhatIfResult:
    """Run the what-if of METHODOLOGY.md §12; see the module docstring."""
    started = time.perf_counter()
    settings = settings or Settings.from_env()
    baseline = settings.duckdb_path
    scenario = (out if out is not None else DEFAULT_SCENARIO)
    scenario = scenario if scenario.is_absolute() else (PROJECT_DIR / scenario).resolve()
    params = read_param_dir(param_dir)
    changed = changed_seeds(params)
    if not baseline.exists():
        raise WhatIfError(f"No warehouse at {baseline}: build it first (make run).")
    for protected, what in ((baseline, "the warehouse"), (serving_path(), "the serving file")):
        if scenario.resolve() == protected.resolve():
            raise WhatIfError(f"--out {scenario} is {what}; a what-if never writes there.")
    _copy_warehouse(baseline, scenario)
    chosen = _snapshot_baseline(scenario, period)
    if changed:
        with tempfile.TemporaryDirectory(prefix="bank-tiering-whatif-") as workdir:
            project = _scenario_project(Path(workdir), params)
            try:
                _run_scenario_build(project, changed, scenario, settings.raw_dir,
                                    Path(f"{scenario}.dbt.log"))
            except WhatIfError:
                # a half-recomputed scenario must not be mistaken for a result
                for suffix in ("", ".wal"):
                    Path(f"{scenario}{suffix}").unlink(missing_ok=True)
                raise
    _write_moves(scenario, chosen)
    moves = _read_moves(scenario)
    moved: dict[str, int] = dict.fromkeys(DIMENSIONS, 0)
    for row in moves:
        if row[4] != row[6]:
            moved[row[0]] += row[8]
    return WhatIfResult(scenario=scenario, period=chosen, changed=changed, moves=moves,
                        moved_customers=moved, seconds=time.perf_counter() - started)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, right: bool = False) -> str:
    pad = " " * max(width - _width(text), 0)
    return pad + text if right else text + pad


def print_result(result: WhatIfResult, *, file: TextIO | None = None,
                 sort_orders: dict[tuple[str, str], int] | None = None) -> None:
    """The scenario path, the changed seeds and the movement matrices (customers)."""
    out = file or sys.stdout
    print(f"Scenario file: {result.scenario}", file=out)
    print(f"Period: {result.period:%Y-%m}", file=out)
    print("Changed parameter seeds: " + (", ".join(result.changed) or
          "none (every file equals the shipped seed)"), file=out)
    order = sort_orders or {}
    dims = {row[0]: row[1] for row in result.moves}
    for dim in DIMENSIONS:
        rows = [r for r in result.moves if r[0] == dim]
        moved = result.moved_customers.get(dim, 0)
        moved_aum = sum(float(r[9] or 0) for r in rows if r[4] != r[6])
        print(f"\n{dims.get(dim) or dim} ({dim}): {moved:,} customers move, "
              f"AUM {moved_aum / 1e4:,.2f}万元 — rows baseline, columns scenario:", file=out)
        for market in sorted({r[2] for r in rows},
                             key=lambda m: MARKET_CLASS_ORDER.index(m)
                             if m in MARKET_CLASS_ORDER else 9):
            cells = [r for r in rows if r[2] == market]
            if dim != "tier_code" and all(r[4] == r[6] for r in cells):
                continue
            labels = {r[4]: r[5] or r[4] or "—" for r in cells}
            labels.update({r[6]: r[7] or r[6] or "—" for r in cells})
            codes = sorted(labels, key=lambda c: (order.get((DIMENSIONS[dim], c or ""), 99),
                                                  c or ""))
            counts = {(r[4], r[6]): r[8] for r in cells}
            width = max(12, *(_width(labels[c]) + 2 for c in codes))
            print(f"  {cells[0][3] or market}", file=out)
            print("    " + _cell("", width) + "".join(_cell(labels[c], width, True)
                                                    for c in codes), file=out)
            for base in codes:
                if not any((base, c) in counts for c in codes):
                    continue
                print("    " + _cell(labels[base], width) + "".join(
                    _cell(f"{counts.get((base, c), 0):,}", width, True) for c in codes),
                    file=out)
    print(f"\nWritten: whatif_tier_moves, whatif_customer_moves ({result.seconds:.1f} s).",
          file=out)


def label_orders(scenario: Path) -> dict[tuple[str, str], int]:
    """(code_set, code) → sort_order from the scenario's code_labels, for display."""
    with duckdb.connect(str(scenario), read_only=True) as con:
        rows = con.execute(f"select code_set, code, sort_order from {LABELS_TABLE}").fetchall()
    return {(code_set, code): order for code_set, code, order in rows}


__all__ = ["WhatIfError", "WhatIfResult", "changed_seeds", "label_orders", "parse_period",
           "print_result", "read_param_dir", "run_whatif"]
