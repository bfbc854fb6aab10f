"""Portability guard (conventions, INTERFACES.md §5): no DuckDB-only function outside an
`adapter.dispatch` implementation.

How it is detected: every model, analysis and singular/generic test SQL file, and every
macro body except the `duckdb__*` implementations of a dispatched macro, is scanned —
Jinja and SQL comments and quoted SQL text removed, of each Jinja tag only its string
literals kept (the SQL a macro composes; its calls such as `dbt.datediff(` are Jinja) — for a call
`name(` of a function in `duckdb_only_functions.txt`. That list is DuckDB's functions
that Apache Spark 4.3 does not have (the difference of `duckdb_functions()` and Spark's
`SHOW FUNCTIONS`, written by scripts/duckdb_only_functions.py), plus functions both engines
have with another meaning (DuckDB's `datediff(part, a, b)` against Spark's `datediff(end,
start)`, `log` base 10 against natural, …); and DuckDB-only syntax (`::` casts,
`* exclude (`, `columns(`) is flagged too. The Spark equality test
(test_spark_equality.py) is the end-to-end proof that the models run on Spark; this
guard names the file and line of a non-portable call in a second, without a JVM.
"""

from __future__ import annotations

import re
from pathlib import Path

from bank_tiering.project import PROJECT_DIR

FUNCTIONS_FILE = Path(__file__).with_name("duckdb_only_functions.txt")
SCANNED = ("models", "macros", "analyses", "tests")
#: DuckDB-only syntax: `x::type` casts, `select * exclude (...)` / `replace (...)`,
#: `columns(...)` star expressions.
SYNTAX = {
    "'::' cast": re.compile(r"::\s*[a-z]"),
    "'* exclude (' star": re.compile(r"\*\s+(exclude|replace)\s*\(", re.IGNORECASE),
    "'columns(' star": re.compile(r"(?<![\w.])columns\s*\(", re.IGNORECASE),
}
MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\s*\((.*?){%-?\s*endmacro\s*-?%}", re.DOTALL)


OTHER_MEANING_HEADER = "# same name, another meaning on Spark:"


def duckdb_only_functions() -> set[str]:
    """Every name of the list: DuckDB-only ones and those with another meaning on Spark."""
    return {line.strip().lower() for line in FUNCTIONS_FILE.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def other_meaning_functions() -> set[str]:
    """The names both engines have with different meanings: allowed in the spark__ and
    default__ implementations of a dispatched macro (there Spark's meaning is meant)."""
    text = FUNCTIONS_FILE.read_text()
    return {line.strip().lower() for line in text.split(OTHER_MEANING_HEADER, 1)[1].splitlines()
            if line.strip() and not line.startswith("#")}


def _blank(match: re.Match) -> str:
    """Comments become blanks of the same line count (line numbers stay right)."""
    return "\n" * match.group(0).count("\n")


def _jinja_strings(match: re.Match) -> str:
    """A Jinja tag becomes the text of its string literals (SQL a macro composes, e.g.
    `{% do run_query('alter table ' ~ this) %}`); its calls (`ref(`, `range(`) are Jinja,
    not SQL."""
    strings = re.findall(r"'([^'\n]*)'|\"([^\"\n]*)\"", match.group(0))
    return " ".join(a or b for a, b in strings) + _blank(match)


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"{#.*?#}", _blank, sql, flags=re.DOTALL)
    sql = re.sub(r"{{.*?}}|{%.*?%}", _jinja_strings, sql, flags=re.DOTALL)
    sql = re.sub(r"/\*.*?\*/", _blank, sql, flags=re.DOTALL)
    sql = re.sub(r"--[^\n]*", "", sql)
    # quoted text (labels, messages) is not SQL
    return re.sub(r"'(?:[^'\n]|'')*'", "''", sql)


def _parts(text: str) -> list[tuple[int, str, str]]:
    """(first line, kind, text) of a file: kind `duckdb` for the body of a `duckdb__*` macro
    (not scanned), `engine` for another engine's implementation (`spark__*`, `default__*`),
    `shared` for everything else."""
    parts: list[tuple[int, str, str]] = []
    position, line = 0, 1
    for match in MACRO.finditer(text):
        name = match.group(1)
        kind = ("duckdb" if name.startswith("duckdb__")
                else "engine" if "__" in name and name.split("__")[0] in ("spark", "default")
                else "shared")
        parts.append((line, "shared", text[position:match.start()]))
        line += text[position:match.start()].count("\n")
        parts.append((line, kind, match.group(0)))
        line += match.group(0).count("\n")
        position = match.end()
    parts.append((line, "shared", text[position:]))
    return parts


def _call_pattern(functions: set[str]) -> re.Pattern:
    names = "|".join(sorted(map(re.escape, functions)))
    return re.compile(r"(?<![\w.$])(" + names + r")\s*\(", re.IGNORECASE)


def violations(text: str, functions: set[str],
               other_meaning: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, what) of every DuckDB-only call or syntax outside a duckdb__ macro; names in
    `other_meaning` are allowed in spark__/default__ implementations."""
    everywhere = _call_pattern(functions)
    in_engine_macros = _call_pattern(functions - other_meaning)
    found: list[tuple[int, str]] = []
    for first_line, kind, part in _parts(text):
        if kind == "duckdb":
            continue
        call = in_engine_macros if kind == "engine" else everywhere
        sql = _strip_comments(part)
        for number, line in enumerate(sql.splitlines(), start=first_line):
            found += [(number, f"{m.group(1).lower()}()") for m in call.finditer(line)]
            found += [(number, name) for name, pattern in SYNTAX.items() if pattern.search(line)]
    return found


def test_no_duckdb_only_function_outside_a_dispatched_macro() -> None:
    functions = duckdb_only_functions()
    other_meaning = frozenset(other_meaning_functions())
    problems = []
    for folder in SCANNED:
        for path in sorted((PROJECT_DIR / folder).rglob("*.sql")):
            for line, what in violations(path.read_text(), functions, other_meaning):
                problems.append(f"{path.relative_to(PROJECT_DIR)}:{line}: {what}")
    assert not problems, (
        "DuckDB-only SQL outside an adapter.dispatch macro (write a dispatched macro with a "
        "duckdb__ and a spark__/default__ implementation):\n" + "\n".join(problems))


def test_the_guard_catches_a_duckdb_only_call() -> None:
    """The scan flags a DuckDB-only call in a model and in a shared macro, not in a
    duckdb__ implementation, a comment, quoted text or a Jinja macro call; a name with
    another meaning on Spark only outside a spark__/default__ implementation."""
    functions = duckdb_only_functions()
    other_meaning = frozenset(other_meaning_functions())
    model = (
        "select\n"
        "    strftime(period_month, '%Y-%m') as period_label,  -- strftime( in a comment\n"
        "    {{ dbt.datediff('a', 'b', 'day') }} as days,\n"
        "    'list_sum(x)' as quoted,\n"
        "    amount::decimal(18, 2) as amount\n"
        "from t\n"
        "{% macro shared() %}select list_sum(x) from t{% endmacro %}\n"
        "{% macro duckdb__f() %}select list_sum(x) from t{% endmacro %}\n"
        "{% macro spark__f() %}select to_json(x), list_sum(x) from t{% endmacro %}\n"
        "select to_json(x) from t\n"
    )
    assert violations(model, functions, other_meaning) == [
        (2, "strftime()"), (5, "'::' cast"), (7, "list_sum()"), (9, "list_sum()"),
        (10, "to_json()")]
    assert {"strftime", "list_sum", "json_object", "read_parquet", "isfinite"} <= functions
    assert {"datediff", "to_json", "log"} <= other_meaning
