# Two commands (README): `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint browser python-tests clean benchmark dashboard screenshots

# Create .venv and install the pinned dependencies of requirements.lock (resolved by uv
# from pyproject.toml: `uv pip compile pyproject.toml --extra dev --extra spark --python-version 3.11 -o requirements.lock`).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# Generate the sample raw data when data/raw has none, `dbt build`, print the summary.
run: setup
	$(BIN)/bank-tiering run

# Everything CI runs: lint (ruff, sqlfluff) and the test suite (pytest builds the dbt
# project on hand-made and generated raw data, runs every dbt data and unit test).
test: setup lint browser python-tests

# The browser test drives Debian's Chromium through Playwright (`playwright install` cannot
# download a browser here) and needs a CJK font, else Chinese renders as boxes. Installed
# only when missing, so repeated runs cost nothing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
			-y -qq --no-install-recommends chromium fonts-wqy-microhei; \
	fi

# The dashboard on http://127.0.0.1:8501, read-only on the serving file `make run` published.
dashboard: setup
	$(BIN)/bank-tiering dashboard

# docs/screenshots/: every dashboard page in Chromium, taken by the browser test (on the
# test's served sample) so that they always show the code they document.
screenshots: setup browser
	$(BIN)/pytest -q tests/python/test_dashboard_browser.py

# sqlfluff's dbt templater compiles every model; some resolve data-dependent SQL when
# they compile (the scalar-parameter pivot, the balances duplicate switch, incremental
# bounds), so lint compiles against a warehouse built from the hand-made fixture (a full
# refresh: the incremental models of an earlier lint may have another schema).
LINT_ENV := BANK_TIERING_DUCKDB=target/lint/warehouse.duckdb BANK_TIERING_RAW_DIR=tests/fixtures/raw_dirty

lint: setup
	$(BIN)/ruff check src tests scripts
	mkdir -p target/lint
	$(LINT_ENV) $(BIN)/dbt build --project-dir . --profiles-dir profiles --quiet --full-refresh \
		--target-path target/lint --exclude resource_type:test resource_type:unit_test
	$(LINT_ENV) $(BIN)/sqlfluff lint models tests analyses --processes 2

# Two pytest-xdist workers, a test file at a time on each (its module fixtures built once):
# the Spark file, first (tests/python/conftest.py), takes one worker for about 11 minutes
# while the other runs the rest. `.venv/bin/pytest -q` runs it all in one process.
python-tests: setup
	$(BIN)/pytest -q -n 2 --dist loadfile

# The hand-written script vs dbt, full and +1 month (README "Performance"). Extra options
# through BENCH_ARGS, e.g. BENCH_ARGS="--customers 1000000 --memory-limit 3GB --workdir /tmp/b".
benchmark: setup
	$(BIN)/python scripts/benchmark_contribution.py $(BENCH_ARGS)

clean:
	rm -rf target logs data/warehouse.duckdb data/serving
