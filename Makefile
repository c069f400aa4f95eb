# kamapp: `make run` (the app with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Debian packages the project needs: Redis for the embedded broker/cache, Chromium for the
# browser tests, fonts and Pango for WeasyPrint, poppler for reading PDFs back in tests.
DEBIAN_PACKAGES := redis-server chromium fonts-dejavu-core fonts-liberation libpango-1.0-0 \
	libpangoft2-1.0-0 poppler-utils

# The first Python >= 3.12 on PATH or under pyenv (Django 6 needs 3.12+).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: help run test bench signals deps system-deps services stop lint clean

help:
	@echo "make run    - the app with demo data at http://127.0.0.1:8000"
	@echo "make test   - the whole test suite"
	@echo "make bench  - benchmarks"
	@echo "make signals - the labelled alert scenarios: recall and false alarms per rule"
	@echo "make stop   - stop the embedded Postgres and Redis"
	@echo "make lint   - ruff check and format check, import-linter's layer contract"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python >= 3.12 found (Django 6 needs it). Install one, e.g. 'pyenv install 3.12', or set PYTHON=/path/to/python3.12." >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[dev]'
	@touch $@

deps: system-deps $(VENV)/.installed

system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

services: deps
	$(PY) -m kamapp.devservices up

run: deps
	$(PY) -m kamapp.devservices run

test: services
	$(PY) -m pytest $(PYTEST_ARGS)

bench: services
	@if ls tests/perf/bench_*.py >/dev/null 2>&1; then \
		for f in tests/perf/bench_*.py; do $(PY) $$f || exit 1; done; \
	else echo "no benchmarks yet"; fi

signals: services
	$(PY) -m pytest tests/signals/test_signals.py::test_the_labelled_scenarios -q -s -p no:cacheprovider

stop:
	$(PY) -m kamapp.devservices down

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean: stop
	rm -rf .data
