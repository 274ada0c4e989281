# Quick start: `make run` (demo on a real sample, served on http://127.0.0.1:8000) and `make test` (whole suite).
# `make` alone lists the targets: each one's "## " line below says what it does.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test setup setup-dev services lint schema bench clean

## make help: list the targets and what each does (the default).
help:
	@sed -n 's/^## make /  make /p' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,sentence-transformers]'
	touch $@ $(VENV)/.installed-base

## make setup: create .venv and install the package (PyPI).
setup: $(VENV)/.installed-base

## make setup-dev: the same, with the test and lint tools and the sentence-transformers backend.
setup-dev: $(VENV)/.installed-dev

## make run: import a real sample consultation, synthesise it, serve the API and the HTML report.
run: setup
	$(BIN)/synthese demo --host $(HOST) --port $(PORT)

## make test: dev dependencies, test services (PostgreSQL, Redis, Chromium), then the whole suite.
test: setup-dev services
	$(BIN)/python -m pytest

## make services: as root, install and start PostgreSQL, Redis and Chromium for the tests (scripts/).
services:
	bash scripts/install-services.sh
	bash scripts/install-chromium.sh
	bash scripts/start-services.sh

## make lint: ruff (rules and format) on the code, strict mypy on synthesis/ and schemas/.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict synthesis schemas

## make schema: write schemas/report.schema.json, the report's public contract, from schemas/report.py.
schema: setup
	$(BIN)/python -m schemas.export

## make bench: measure quality and speed again and rewrite BENCHMARKS.md (long).
bench: setup-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py

## make clean: remove .venv and the caches; data/ (the demo's database) is kept.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
