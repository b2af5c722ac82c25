# Fresh machine: `make demo` sets up .venv and runs the extractor on the bundled reports;
# `make test` sets up .venv and runs the tests (what .ci/run calls).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
OUT ?= out

.PHONY: setup demo test lint bench clean

$(VENV)/.ready: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.ready

demo: setup
	$(BIN)/extractor extract $(SHARED)/seeds $(SHARED)/reports/*.pdf -o $(OUT)/results.jsonl
	$(BIN)/extractor export $(OUT)/results.jsonl --format csv -o $(OUT)/results.csv

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_template.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
