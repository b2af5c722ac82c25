# Fresh machine: `make demo` sets up .venv and runs the extractor on the bundled reports;
# `make test` sets up .venv and runs the tests (what .ci/run calls). Set-up builds llama.cpp's
# server (~4 min on 2 cores) and joins the bundled model (1.1 GB) into ~/.cache once.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
OUT ?= out

.PHONY: setup demo test lint bench clean eval-ci

$(VENV)/.ready: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,llm]'
	$(BIN)/extractor model prepare
	touch $@

# The review page's end-to-end tests drive Debian's chromium (Playwright cannot download its
# own browser here), with CJK fonts so its screenshots are legible; CI runs as root on a clean
# Debian machine.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install chromium for the browser tests"; exit 1; }
	$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium fonts-noto-cjk

setup: $(VENV)/.ready $(CHROMIUM)

demo: setup
	$(BIN)/extractor extract $(SHARED)/seeds $(SHARED)/reports/*.pdf -o $(OUT)/results.jsonl
	$(BIN)/extractor export $(OUT)/results.jsonl --format csv -o $(OUT)/results.csv

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/pytest -q
	$(MAKE) eval-ci

# The eval (eval/README.md) in template mode over the fixtures and a generated set, and in hybrid
# mode over the fixtures and 9 generated cases with a narrative error each, replaying the real
# model's replies (recorded by scripts/record_replies.py with the same --generate options);
# exits non-zero below eval/thresholds.toml. About a minute on 2 cores.
NARRATIVE_LAYOUTS := tab,tab_shifted,pipe,pdf_text,html_gbk,docx,fullwidth,web_noise,form2019
eval-ci: setup
	$(BIN)/extractor eval fixtures/cases --generate 330 --seed 1 --jobs 2 -o $(OUT)/eval-ci \
		--thresholds eval/thresholds.toml -q
	$(BIN)/extractor eval fixtures/cases --mode hybrid --replay tests/recordings/replies.jsonl \
		--generate 9 --seed 1 --inject narrative --layouts $(NARRATIVE_LAYOUTS) \
		-o $(OUT)/eval-ci-hybrid --thresholds eval/thresholds.toml -q

bench: setup
	$(BIN)/python benchmarks/bench_template.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
