"""The CLI's reading of a failed dbt run (bank_tiering.project)."""

from __future__ import annotations

import json
from pathlib import Path

from bank_tiering.project import models_out_of_sync


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
