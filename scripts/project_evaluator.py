"""Run dbt-project-evaluator on a copy of this project and print every finding.

The evaluator is a dbt package (dbt-labs/dbt_project_evaluator, with dbt_utils). The
project itself does not depend on it: `dbt deps` cannot reach the dbt hub on every
machine, and a linter has no place in the bank's build. This script copies the project
to a temporary folder, adds the two packages there (local folders with --packages, else
the hub versions pinned below), adds the documented exceptions of
scripts/project_evaluator_exceptions.csv as the evaluator's exceptions seed, builds the
evaluator against the hand-made raw fixture and prints each rule that found something,
with its rows. Exit status 1 when any rule found something, else 0.

The evaluator's settings for this project (the `mart_`/`dq_` prefixes, the
primary-key test of composite keys, the ephemeral base models) are `vars` of
dbt_project.yml, so a team that installs the package its own way gets the same rules.

    .venv/bin/python scripts/project_evaluator.py --packages /path/to/packages
    # /path/to/packages holds dbt_project_evaluator/ and dbt_utils/ (git clones)
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import duckdb
import yaml

log = logging.getLogger("project_evaluator")

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = ROOT / "scripts" / "project_evaluator_exceptions.csv"
RAW_FIXTURE = ROOT / "tests" / "fixtures" / "raw_dirty"
HUB_PACKAGES = [
    {"package": "dbt-labs/dbt_utils", "version": "1.3.0"},
    {"package": "dbt-labs/dbt_project_evaluator", "version": "1.0.0"},
]
SKIPPED = {".venv", "data", "target", "logs", "dbt_packages", ".git"}


def copy_project(into: Path) -> None:
    """The project's files (not the venv, data or build output) into `into`."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return SKIPPED & set(names) if Path(folder) == ROOT else set()

    shutil.copytree(ROOT, into, ignore=ignore)


def configure(project: Path, packages: Path | None) -> None:
    """packages.yml, the exceptions seed, and the package's own seed disabled."""
    if packages is None:
        entries: list[dict[str, str]] = HUB_PACKAGES
    else:
        entries = [
            {"local": str((packages / name).resolve())}
            for name in ("dbt_utils", "dbt_project_evaluator")
        ]
        for entry in entries:
            if not Path(entry["local"], "dbt_project.yml").is_file():
                raise click.ClickException(f"no dbt package at {entry['local']}")
    (project / "packages.yml").write_text(yaml.safe_dump({"packages": entries}))
    shutil.copy(EXCEPTIONS, project / "seeds" / "dbt_project_evaluator_exceptions.csv")
    settings_path = project / "dbt_project.yml"
    settings = yaml.safe_load(settings_path.read_text())
    seeds = settings.setdefault("seeds", {})
    seeds.setdefault("dbt_project_evaluator", {})["dbt_project_evaluator_exceptions"] = {
        "+enabled": False
    }
    seeds.setdefault("bank_tiering", {})["dbt_project_evaluator_exceptions"] = {
        "+schema": "evaluator",
        "+column_types": {
            "fct_name": "varchar",
            "column_name": "varchar",
            "id_to_exclude": "varchar",
            "comment": "varchar",
        },
    }
    settings_path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True))


def dbt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    command += ["--project-dir", str(project), "--profiles-dir", str(project / "profiles")]
    log.info("%s", " ".join(command[1:3]))
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def findings(project: Path, warehouse: Path) -> list[tuple[str, list[str], list[tuple]]]:
    """(rule, columns, rows) for every evaluator test that did not pass."""
    results = json.loads((project / "target" / "run_results.json").read_text())
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    found = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for result in results["results"]:
            node = manifest["nodes"].get(result["unique_id"], {})
            if node.get("resource_type") != "test" or result["status"] == "pass":
                continue
            parents = [p for p in node["depends_on"]["nodes"] if p.startswith("model.")]
            table = parents[0].split(".")[-1] if parents else result["unique_id"]
            relation = con.execute(
                "select table_schema from information_schema.tables where table_name = ?",
                [table],
            ).fetchone()
            if relation is None:
                found.append((table, ["status"], [(result["status"],)]))
                continue
            cursor = con.execute(f'select * from "{relation[0]}"."{table}"')
            columns = [d[0] for d in cursor.description]
            found.append((table, columns, cursor.fetchall()))
    return found


@click.command()
@click.option(
    "--packages",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("EVALUATOR_PACKAGES"),
    help="Folder with dbt_project_evaluator/ and dbt_utils/ (default: the dbt hub).",
)
@click.option("--keep", is_flag=True, help="Keep the temporary copy and print its path.")
def main(packages: Path | None, keep: bool) -> None:
    """Build dbt-project-evaluator on a copy of the project and print its findings."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    work = Path(tempfile.mkdtemp(prefix="project_evaluator_"))
    project = work / "project"
    copy_project(project)
    configure(project, packages)
    warehouse = work / "evaluator.duckdb"
    os.environ.update(
        BANK_TIERING_DUCKDB=str(warehouse), BANK_TIERING_RAW_DIR=str(RAW_FIXTURE)
    )
    evaluator = ["package:dbt_project_evaluator", "dbt_project_evaluator_exceptions"]
    for args in (["deps"], ["build", "--select", *evaluator]):
        done = dbt(project, *args)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise click.ClickException(f"dbt {args[0]} failed (copy kept in {work})")
    found = findings(project, warehouse)
    for table, columns, rows in found:
        click.echo(f"\n{table}: {len(rows)} finding(s)")
        click.echo("  " + " | ".join(columns))
        for row in rows:
            click.echo("  " + " | ".join(str(value) for value in row))
    click.echo(f"\n{len(found)} rule(s) with findings")
    if keep:
        click.echo(f"copy kept in {work}")
    else:
        shutil.rmtree(work)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
