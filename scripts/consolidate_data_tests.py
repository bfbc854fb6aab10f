#!/usr/bin/env python3
"""Fold the per-column data tests of a models/seeds YAML file into one test per model.

Each `not_null`, `unique` and `accepted_values` test of a column is a test node of its
own: a query and dbt's per-node overhead (≈ 0.1 s on DuckDB, ≈ 1 s on Spark) in every
build. The project's `primary_key` generic test (tests/generic/primary_key.sql) checks a
model's key, its required columns and its accepted codes in one query, and
`not_null_columns` does the same for a model without a key. This script rewrites a YAML
file that way, in place, keeping its layout, comments, descriptions and unit tests:

- the model's `primary_key` test (or a column tested both `not_null` and `unique`, which
  becomes the key) takes `not_null: [...]`, `accepted_values: {column: [...]}` and, from a
  `not_null_columns` test with its own `where`, `not_null_where: [...]`; a further
  `primary_key` test or a `unique` column becomes `unique: [[...]]`;
- a model without a key gets one `not_null_columns` test with the same arguments;
- a test with its own config (severity, where) other than that, a relationships test and
  every other test stay as they are; so does a model whose key test has its own `where`
  (the other checks must see every row of the window): it is reported.

Review the diff: the script only moves tests, the result is hand-written YAML.

    .venv/bin/python scripts/consolidate_data_tests.py \\
        models/marts/segmentation/_segmentation__models.yml
    .venv/bin/python scripts/consolidate_data_tests.py --check models seeds   # what is left to fold
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FOLDED_COLUMN_TESTS = {"not_null", "unique", "accepted_values"}
#: The project-wide `where` of dbt_project.yml: a test that sets only this has no config of
#: its own.
DEFAULT_WHERE = "__incremental_window__"


@dataclass
class Plan:
    """What one model's tests become."""

    name: str
    key: list[str] | None = None
    key_config: dict | None = None
    not_null: list[str] = field(default_factory=list)
    not_null_all: bool = False
    not_null_where: list[dict] = field(default_factory=list)
    accepted_values: dict[str, list] = field(default_factory=dict)
    unique: list[list[str]] = field(default_factory=list)
    #: (column or None for the model, index of the test in its list) of folded tests
    folded: list[tuple[str | None, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_checks(self) -> bool:
        return bool(self.key or self.not_null or self.not_null_all or self.not_null_where
                    or self.accepted_values or self.unique)


def _test_name_and_body(test: object) -> tuple[str, dict]:
    if isinstance(test, str):
        return test, {}
    (name, body), = test.items()
    return name, body or {}


def _arguments(body: dict) -> dict:
    return body.get("arguments", {k: v for k, v in body.items() if k != "config"})


def _own_config(body: dict) -> dict:
    config = dict(body.get("config") or {})
    if config.get("where") == DEFAULT_WHERE:
        config.pop("where")
    return config


def _merge(plan: Plan, args: dict) -> None:
    """The checks an already consolidated test carries."""
    not_null = args.get("not_null") or []
    if not_null == "*":
        plan.not_null_all = True
    else:
        plan.not_null.extend(c for c in not_null if c not in plan.not_null)
    plan.not_null_where.extend(args.get("not_null_where") or [])
    plan.accepted_values.update(args.get("accepted_values") or {})
    plan.unique.extend(list(u) for u in args.get("unique") or [])


def plan_for(entry: dict) -> Plan:
    """The consolidated tests of one model or seed of a YAML file."""
    plan = Plan(entry["name"])
    model_tests = entry.get("data_tests") or []
    for index, test in enumerate(model_tests):
        name, body = _test_name_and_body(test)
        args, config = _arguments(body), _own_config(body)
        if name == "primary_key":
            columns = list(args["column_names"])
            if plan.key is None:
                if config:
                    plan.notes.append(f"{plan.name}: its primary_key has its own config {config}: "
                                      "nothing folded into it")
                    return Plan(plan.name, notes=plan.notes)
                plan.key = columns
                _merge(plan, args)
                plan.folded.append((None, index))
            elif not config:
                plan.unique.append(columns)
                plan.not_null.extend(c for c in columns if c not in plan.not_null)
                plan.folded.append((None, index))
        elif name == "not_null_columns":
            columns = args.get("column_names")
            if set(config) - {"where"}:
                continue
            if config.get("where"):
                if args.get("accepted_values") or args.get("not_null_where"):
                    continue
                plan.not_null_where.append(
                    {"where": config["where"], "columns": list(columns or [])})
            elif columns is None:
                plan.not_null_all = True
            else:
                plan.not_null.extend(c for c in columns if c not in plan.not_null)
            if not config.get("where"):
                _merge(plan, args)
            plan.folded.append((None, index))
    for column in entry.get("columns") or []:
        tests = column.get("data_tests") or []
        names = [_test_name_and_body(t)[0] for t in tests]
        for index, test in enumerate(tests):
            name, body = _test_name_and_body(test)
            args, config = _arguments(body), _own_config(body)
            if name not in FOLDED_COLUMN_TESTS or config:
                continue
            if name == "accepted_values":
                values = list(args["values"])
                numbers = all(isinstance(v, (int, float)) for v in values)
                if args.get("quote") is False and not numbers:
                    plan.notes.append(f"{plan.name}.{column['name']}: unquoted non-numbers kept")
                    continue
                plan.accepted_values[column["name"]] = values
            elif name == "not_null":
                if column["name"] not in plan.not_null:
                    plan.not_null.append(column["name"])
            elif name == "unique":
                if plan.key is None and "not_null" in names:
                    plan.key = [column["name"]]
                else:
                    plan.unique.append([column["name"]])
            plan.folded.append((column["name"], index))
    if plan.key:
        plan.not_null = [c for c in plan.not_null if c not in plan.key]
    return plan


def _flow(value: object) -> str:
    if isinstance(value, str):
        # a scalar: YAML's own quoting (safe_dump of a scalar ends with a document marker)
        return yaml.safe_dump([value], default_flow_style=True, allow_unicode=True,
                              width=10_000).strip()[1:-1]
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()


#: The line length of the project's YAML files; a longer flow list wraps under its key.
WIDTH = 116


def _wrapped(line: str) -> list[str]:
    """A `key: [a, b, ...]` line wrapped at WIDTH, continuation lines indented under the key."""
    if len(line) <= WIDTH or "[" not in line or not line.rstrip().endswith("]"):
        return [line]
    head, _, rest = line.partition("[")
    items = rest[:-1].split(", ")
    continuation = " " * (len(head) - len(head.lstrip(" ")) + 2)
    out, current = [], head + "["
    for n, item in enumerate(items):
        piece = item + (", " if n + 1 < len(items) else "]")
        started = current.strip() not in ("", head.strip() + "[")
        if len(current) + len(piece.rstrip()) > WIDTH and started:
            out.append(current.rstrip())
            current = continuation
        current += piece
    out.append(current)
    return out


def render(plan: Plan, indent: str) -> list[str]:
    """The consolidated test as YAML lines, its `- ` at `indent`."""
    test = "primary_key" if plan.key else "not_null_columns"
    lines = [f"{indent}- {test}:", f"{indent}    arguments:"]
    arg = indent + "      "
    if plan.key:
        lines.append(f"{arg}column_names: {_flow(plan.key)}")
        if plan.not_null_all:
            lines.append(f"{arg}not_null: '*'")
        elif plan.not_null:
            lines.append(f"{arg}not_null: {_flow(plan.not_null)}")
    elif not plan.not_null_all:
        lines.append(f"{arg}column_names: {_flow(plan.not_null)}")
    for entry in plan.not_null_where:
        if entry is plan.not_null_where[0]:
            lines.append(f"{arg}not_null_where:")
        lines.append(f"{arg}  - where: {_flow(entry['where'])}")
        lines.append(f"{arg}    columns: {_flow(entry['columns'])}")
    if plan.accepted_values:
        lines.append(f"{arg}accepted_values:")
        lines.extend(f"{arg}  {c}: {_flow(v)}" for c, v in plan.accepted_values.items())
    if plan.unique:
        lines.append(f"{arg}unique: {_flow(plan.unique)}")
    if lines[-1] == f"{indent}    arguments:":
        lines[-1] = f"{indent}    arguments: {{}}"
    return [part for line in lines for part in _wrapped(line)]


# ------------------------------------------------------------------------------ text edits


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, parent_indent: int, sequence: bool = False) -> int:
    """First line after `start` that is not blank and not indented deeper than parent_indent
    (with `sequence`, the items `- ` of a list written at the key's own indent belong to it)."""
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or _indent(lines[end]) > parent_indent
        or (sequence and _indent(lines[end]) == parent_indent
            and lines[end].lstrip(" ").startswith("- "))
    ):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first, end) line ranges of the list items `- ...` directly inside lines[start:end]."""
    items, item_indent = [], None
    for i in range(start, end):
        stripped = lines[i].lstrip(" ")
        if not stripped.startswith("- ") and stripped != "-":
            continue
        if item_indent is None:
            item_indent = _indent(lines[i])
        if _indent(lines[i]) == item_indent:
            items.append(i)
    return [(first, items[n + 1] if n + 1 < len(items) else end) for n, first in enumerate(items)]


def _find_key(lines: list[str], start: int, end: int, key: str, indent: int) -> int | None:
    for i in range(start, end):
        if _indent(lines[i]) == indent and lines[i].strip().startswith(f"{key}:"):
            return i
    return None


def rewrite(path: Path) -> list[str]:
    """Rewrite `path` in place; return the notes (what was left and why)."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    lines = text.splitlines()
    notes: list[str] = []
    for section in ("models", "seeds"):
        for entry in data.get(section) or []:
            plan = plan_for(entry)
            notes.extend(plan.notes)
            if not plan.folded or _consolidated(plan):
                continue
            lines = _apply(lines, entry, plan)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return notes


def _consolidated(plan: Plan) -> bool:
    """One test of the model holds every check already."""
    return len(plan.folded) == 1 and plan.folded[0][0] is None


def _apply(lines: list[str], entry: dict, plan: Plan) -> list[str]:
    head = next(i for i, line in enumerate(lines)
                if line.lstrip(" ").startswith("- name: ")
                and line.split("- name: ", 1)[1].strip().strip("'\"") == entry["name"]
                and _indent(line) <= 4)
    item_indent = _indent(lines[head])
    field_indent = item_indent + 2
    end = _block_end(lines, head, item_indent)
    remove: set[int] = set()
    # column tests, bottom-up positions found by name
    columns_at = _find_key(lines, head, end, "columns", field_indent)
    if columns_at is not None:
        columns_end = _block_end(lines, columns_at, field_indent, sequence=True)
        for first, last in _items(lines, columns_at + 1, columns_end):
            name = lines[first].split("- name: ", 1)[-1].strip().strip("'\"")
            folded = {i for c, i in plan.folded if c == name}
            if not folded:
                continue
            tests_at = _find_key(lines, first, last, "data_tests", _indent(lines[first]) + 2)
            tests_end = _block_end(lines, tests_at, _indent(lines[tests_at]), sequence=True)
            items = _items(lines, tests_at + 1, tests_end)
            for n, (a, b) in enumerate(items):
                if n in folded:
                    remove.update(range(a, b))
            if len(folded) == len(items):
                remove.add(tests_at)
    # model-level tests
    tests_at = _find_key(lines, head, end, "data_tests", field_indent)
    model_folded = {i for c, i in plan.folded if c is None}
    test_indent = " " * field_indent
    insert_at = columns_at if columns_at is not None else end
    if tests_at is not None:
        tests_end = _block_end(lines, tests_at, field_indent, sequence=True)
        items = _items(lines, tests_at + 1, tests_end)
        if items:
            test_indent = " " * _indent(lines[items[0][0]])
        for n, (a, b) in enumerate(items):
            if n in model_folded:
                remove.update(range(a, b))
        insert_at = tests_at + 1
        new_block: list[str] = []
    else:
        new_block = [f"{' ' * field_indent}data_tests:"]
        test_indent = " " * (field_indent + (2 if _uses_indented_lists(lines) else 0))
    rendered = new_block + render(plan, test_indent)
    out: list[str] = []
    inserted = False
    for i, line in enumerate(lines):
        if i >= insert_at and not inserted:
            out.extend(rendered)
            inserted = True
        if i not in remove:
            out.append(line)
    if not inserted:
        out.extend(rendered)
    return out


def _uses_indented_lists(lines: list[str]) -> bool:
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "data_tests:" and lines[i + 1].strip().startswith("- "):
            return _indent(lines[i + 1]) > _indent(line)
    return True


def check(paths: list[Path]) -> int:
    """Print every model with a test the consolidation would fold; 1 when there is one."""
    left = 0
    for path in paths:
        files = sorted(path.rglob("_*.yml")) if path.is_dir() else [path]
        for file in files:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            for section in ("models", "seeds"):
                for entry in data.get(section) or []:
                    plan = plan_for(entry)
                    if plan.folded and not _consolidated(plan):
                        left += 1
                        columns = sorted({c for c, _ in plan.folded if c})
                        print(f"{file}: {entry['name']}: {len(plan.folded)} tests to fold "
                              f"(columns {', '.join(columns) or '—'})")
    print(f"{left} model(s) with tests to fold")
    return 1 if left else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="only list the models whose tests would be folded")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.paths))
    for path in args.paths:
        for note in rewrite(path):
            print(f"{path}: {note}")


if __name__ == "__main__":
    main()
