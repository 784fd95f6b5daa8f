# 会员 Huiyuan — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HUIYUAN_HOST ?= 127.0.0.1
HUIYUAN_PORT ?= 8000
# The test suite runs on SQLite and on this PostgreSQL; CI fails if it is unreachable.
HUIYUAN_TEST_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test lint bench clean migration-reset

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	HUIYUAN_HOST=$(HUIYUAN_HOST) HUIYUAN_PORT=$(HUIYUAN_PORT) $(BIN)/huiyuan serve --demo --host $(HUIYUAN_HOST) --port $(HUIYUAN_PORT)

# Lint first (a few seconds with mypy's cache): a style or type error fails before the suite runs.
test: lint
	HUIYUAN_TEST_PG=$(HUIYUAN_TEST_PG) HUIYUAN_REQUIRE_PG=1 $(BIN)/pytest -n 2 -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) huiyuan.db* demo.db*

# Development only (before the first release): regenerate migration 0001 from the tables.
migration-reset: install
	$(BIN)/python scripts/reset_migration.py
	$(BIN)/ruff check -q --fix --select I,F401 src/huiyuan/store/migrations/versions
	$(BIN)/ruff format -q src/huiyuan/store/migrations/versions
