"""The CLI's dbt command and its reading of a failed dbt run (bank_tiering.project)."""

from __future__ import annotations

import json
from pathlib import Path

from bank_tiering.project import (
    Settings,
    build_args,
    build_state_dir,
    forget_build_state,
    models_out_of_sync,
    save_build_state,
)


def _results(target: Path, *results: dict) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "run_results.json").write_text(json.dumps({"results": list(results)}))


def test_models_out_of_sync_names_the_refused_incremental_models(tmp_path: Path) -> None:
    _results(
        tmp_path,
        {"unique_id": "model.bank_tiering.int_account_months_aggregated", "status": "error",
         "message": "Compilation Error ... The source and target schemas on this incremental "
                    "model are out of sync!"},
        {"unique_id": "model.bank_tiering.fct_customer_segment", "status": "error",
         "message": "Binder Error: column not found"},
        {"unique_id": "model.bank_tiering.stg_core__customers", "status": "success",
         "message": "OK"},
    )
    assert models_out_of_sync(tmp_path) == ["int_account_months_aggregated"]


def test_models_out_of_sync_without_results(tmp_path: Path) -> None:
    assert models_out_of_sync(tmp_path) == []
    (tmp_path / "run_results.json").write_text("{not json")
    assert models_out_of_sync(tmp_path) == []


def _settings(tmp_path: Path) -> Settings:
    return Settings(raw_dir=tmp_path / "raw", duckdb_path=tmp_path / "warehouse.duckdb",
                    serving_path=tmp_path / "serving.duckdb")


def test_first_run_builds_and_tests_everything(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert build_args(settings, full_refresh=False) == [
        "build", "--exclude", "resource_type:unit_test"]
    # a state without its warehouse (the file was deleted) is no state
    state = build_state_dir(settings)
    state.mkdir()
    (state / "manifest.json").write_text("{}")
    assert "--state" not in build_args(settings, full_refresh=False)


def test_later_runs_skip_unchanged_seeds_and_their_tests(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.duckdb_path.write_bytes(b"")
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text('{"nodes": {}}')
    save_build_state(settings, target)
    assert build_state_dir(settings) == tmp_path / "warehouse.duckdb.dbt-state"
    args = build_args(settings, full_refresh=False)
    assert args == [
        "build", "--select", "resource_type:model", "resource_type:seed,state:modified",
        "resource_type:test,state:modified", "--exclude", "resource_type:unit_test",
        "--state", str(build_state_dir(settings)),
    ]
    # --full-refresh builds and tests everything
    assert build_args(settings, full_refresh=True) == [
        "build", "--exclude", "resource_type:unit_test", "--full-refresh"]
    forget_build_state(settings)
    assert "--state" not in build_args(settings, full_refresh=False)
