# Quick start: `make run` (demo on a real sample, served on http://127.0.0.1:8000) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev services lint schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,sentence-transformers]'
	touch $@ $(VENV)/.installed-base

setup: $(VENV)/.installed-base

setup-dev: $(VENV)/.installed-dev

## make run: import a real sample consultation, synthesise it, serve the API and the HTML report.
run: setup
	$(BIN)/synthese demo --host $(HOST) --port $(PORT)

## make test: dev dependencies, test services (PostgreSQL, Redis, Chromium), then the whole suite.
test: setup-dev services
	$(BIN)/python -m pytest

services:
	bash scripts/install-services.sh
	bash scripts/install-chromium.sh
	bash scripts/start-services.sh

lint: setup-dev
	$(BIN)/ruff check synthesis schemas service tests bench
	$(BIN)/mypy --strict synthesis schemas

schema: setup
	$(BIN)/python -m schemas.export

bench: setup-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) var .pytest_cache
