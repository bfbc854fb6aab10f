"""Where the project lives and how dbt is invoked (INTERFACES.md §1)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

from bank_tiering.spark_warehouse import warehouse_from_env

log = logging.getLogger(__name__)

PROJECT_DIR = Path(os.environ.get("BANK_TIERING_PROJECT_DIR", Path(__file__).resolve().parents[2]))
SERVING_DEFAULT = "data/serving/warehouse.duckdb"
RAW_TABLES = (
    "customers",
    "accounts",
    "balances",
    "transactions",
    "fees",
    "ftp_rates",
    "credit_ratings",
    "relationship_surveys",
    "fx_rates",
    "prospects",
)


@dataclass(frozen=True)
class Settings:
    """The environment variables of INTERFACES.md §1, with their defaults."""

    raw_dir: Path
    duckdb_path: Path
    serving_path: Path = field(default_factory=lambda: _serving_from_env())
    #: BANK_TIERING_TARGET: ``duckdb`` (default) or ``spark`` (INTERFACES.md §5).
    target: str = "duckdb"
    #: BANK_TIERING_SPARK_WAREHOUSE: where a Spark build writes its Parquet tables.
    spark_warehouse: Path = field(default_factory=lambda: warehouse_from_env(PROJECT_DIR))

    @classmethod
    def from_env(cls) -> Settings:
        raw = Path(os.environ.get("BANK_TIERING_RAW_DIR", "data/raw"))
        db = Path(os.environ.get("BANK_TIERING_DUCKDB", "data/warehouse.duckdb"))
        return cls(raw_dir=_absolute(raw), duckdb_path=_absolute(db),
                   serving_path=_serving_from_env(),
                   target=os.environ.get("BANK_TIERING_TARGET", "duckdb"))

    @property
    def on_spark(self) -> bool:
        return self.target == "spark"


def _serving_from_env() -> Path:
    """BANK_TIERING_SERVING_DUCKDB: the published copy BI tools read (bank_tiering.serving)."""
    return _absolute(Path(os.environ.get("BANK_TIERING_SERVING_DUCKDB", SERVING_DEFAULT)))


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else (PROJECT_DIR / path).resolve()


def raw_data_present(raw_dir: Path) -> bool:
    """True when every raw table has a file or a partition folder in raw_dir."""
    for table in RAW_TABLES:
        single = [raw_dir / f"{table}.parquet", raw_dir / f"{table}.csv"]
        folder = raw_dir / table
        if not any(p.exists() for p in single) and not (
            folder.is_dir() and any(folder.rglob("*.parquet"))
        ):
            return False
    return True


def _environment(settings: Settings) -> None:
    os.environ["BANK_TIERING_RAW_DIR"] = str(settings.raw_dir)
    os.environ["BANK_TIERING_DUCKDB"] = str(settings.duckdb_path)
    os.environ["BANK_TIERING_SERVING_DUCKDB"] = str(settings.serving_path)
    os.environ["BANK_TIERING_TARGET"] = settings.target
    # Absolute, so the Spark session writes where the summary reads whatever the cwd.
    os.environ["BANK_TIERING_SPARK_WAREHOUSE"] = str(settings.spark_warehouse)
    if settings.on_spark:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings.spark_warehouse.mkdir(parents=True, exist_ok=True)
    else:
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)


def _project_args() -> list[str]:
    return ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")]


def run_dbt_process(args: list[str], settings: Settings) -> int:
    """Run one dbt command in a child process (the CLI's main job); return its exit code.

    A child process releases its DuckDB connection when it ends, so the warehouse can be
    opened right after; dbt's own output goes straight to the terminal.
    """
    _environment(settings)
    dbt = Path(sys.executable).with_name("dbt")
    log.info("dbt %s", " ".join(args))
    return subprocess.call([str(dbt), *args, *_project_args()])


#: Where `bank-tiering run` keeps the manifest of the last successful build of a warehouse
#: (dbt's `--state`), next to the warehouse it describes.
STATE_DIR_SUFFIX = ".dbt-state"


def build_state_dir(settings: Settings) -> Path:
    """The folder holding the manifest of the warehouse's last successful build: beside the
    DuckDB file (``warehouse.duckdb.dbt-state``), inside the Spark warehouse folder."""
    if settings.on_spark:
        return settings.spark_warehouse / STATE_DIR_SUFFIX.lstrip(".")
    return settings.duckdb_path.with_name(settings.duckdb_path.name + STATE_DIR_SUFFIX)


def build_args(settings: Settings, full_refresh: bool) -> list[str]:
    """The `dbt build` of `bank-tiering run`: models, seeds and data tests (the unit tests
    check the rules' SQL on fixed inputs, not the bank's data: they run where the code
    changes, `make test` and CI).

    After a successful build of this warehouse (its manifest in build_state_dir), only the
    seeds whose file or config changed since (`state:modified`) are loaded again, and the
    data tests of the unchanged ones do not run: the warehouse holds them as loaded and
    tested then (a new or changed test runs all the same). Every model still runs (the raw
    landing changes under them) and so do their data tests, bounded to the months the run
    wrote. ``--full-refresh``, a first build, or a warehouse without its state build and
    test everything; so does plain `dbt build`.
    """
    excluded = ["--exclude", "resource_type:unit_test"]
    if full_refresh:
        return ["build", *excluded, "--full-refresh"]
    state = build_state_dir(settings)
    warehouse = settings.spark_warehouse if settings.on_spark else settings.duckdb_path
    if not ((state / "manifest.json").is_file() and warehouse.exists()):
        return ["build", *excluded]
    selected = ["resource_type:model", "resource_type:seed,state:modified",
                "resource_type:test,state:modified"]
    return ["build", "--select", *selected, *excluded, "--state", str(state)]


def save_build_state(settings: Settings, target_dir: Path = PROJECT_DIR / "target") -> None:
    """Keep the manifest of a successful build as the warehouse's state (build_args)."""
    manifest = target_dir / "manifest.json"
    if not manifest.is_file():
        return
    state = build_state_dir(settings)
    state.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest, state / "manifest.json")


def forget_build_state(settings: Settings) -> None:
    """Drop the warehouse's state: the next run builds and tests everything."""
    shutil.rmtree(build_state_dir(settings), ignore_errors=True)


def models_out_of_sync(target_dir: Path = PROJECT_DIR / "target") -> list[str]:
    """Incremental models the last dbt run refused because their stored columns or types
    differ from the model's (`on_schema_change: fail`): a warehouse built by an earlier
    version of the project, which a `--full-refresh` rebuilds."""
    try:
        results = json.loads((target_dir / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    return [r["unique_id"].rsplit(".", 1)[-1] for r in results
            if r.get("status") == "error" and "out of sync" in (r.get("message") or "")]


def run_dbt(args: list[str], settings: Settings) -> dbtRunnerResult:
    """Run one dbt command in-process (fast, for tests); the DuckDB connection stays open."""
    _environment(settings)
    log.info("dbt %s", " ".join(args))
    return dbtRunner().invoke([*args, *_project_args()])
