"""Shared fixtures: isolated dbt builds of this project on a given raw landing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bank_tiering.project import PROJECT_DIR, Settings, run_dbt

FIXTURES = PROJECT_DIR / "tests" / "fixtures"


class Build:
    """A dbt build of the project into its own DuckDB file and target folder."""

    def __init__(self, raw_dir: Path, workdir: Path) -> None:
        self.settings = Settings(raw_dir=raw_dir, duckdb_path=workdir / "warehouse.duckdb",
                                 serving_path=workdir / "serving" / "warehouse.duckdb")
        self.target = workdir / "target"
        self.logs = workdir / "logs"

        self._snapshot: Path | None = None

    def dbt(self, *args: str):
        self._snapshot = None
        return run_dbt(
            [*args, "--target-path", str(self.target), "--log-path", str(self.logs)],
            self.settings,
        )

    def query(self, sql: str) -> list[tuple]:
        """Query a copy of the warehouse: dbt-duckdb keeps its in-process connection open,
        and DuckDB refuses a second connection with another configuration."""
        if self._snapshot is None:
            self._snapshot = self.settings.duckdb_path.with_suffix(".snapshot.duckdb")
            shutil.copyfile(self.settings.duckdb_path, self._snapshot)
            wal = Path(f"{self.settings.duckdb_path}.wal")
            snapshot_wal = Path(f"{self._snapshot}.wal")
            snapshot_wal.unlink(missing_ok=True)
            if wal.exists():
                shutil.copyfile(wal, snapshot_wal)
        with duckdb.connect(str(self._snapshot), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="session", autouse=True)
def _pii_salt() -> Iterator[None]:
    os.environ.setdefault("BANK_TIERING_PII_SALT", "test-salt")
    yield


@pytest.fixture(scope="session")
def dirty_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The whole project built on the hand-made dirty fixture (every reason kind)."""
    build = Build(FIXTURES / "raw_dirty", tmp_path_factory.mktemp("dirty"))
    result = build.dbt("build")
    assert result.success, "dbt build on tests/fixtures/raw_dirty failed"
    return build
