# The two commands are `make run` and `make test`; the rest are conveniences.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app backend
PIP := $(BIN)/pip --disable-pip-version-check -q

.PHONY: help run test openapi migrate demo lint clean pwa

help:
	@echo "make run      install, migrate, load demo data, build the PWA, serve on http://127.0.0.1:8000"
	@echo "make test     every test tier on SQLite, then on a throwaway PostgreSQL cluster"
	@echo "make openapi  regenerate schemas/openapi.json"
	@echo "make migrate  bring the database to the latest migration"
	@echo "make demo     load the demo data (idempotent)"
	@echo "make lint     static checks"
	@echo "make clean    remove caches and build output (keeps .venv and instance/)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed ($(PYTHON) is $$($(PYTHON) --version 2>&1)); try make PYTHON=python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo load
	@$(MAKE) --no-print-directory pwa
	@echo "serving on http://$${GUNICORN_BIND:-127.0.0.1:$${PORT:-8000}} (Ctrl-C stops)"
	exec $(BIN)/gunicorn -c backend/gunicorn.conf.py 'backend:create_app()'

pwa:
	@if [ -f pwa/package.json ]; then \
		cd pwa && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; } && npm run build; \
	else \
		echo "pwa/package.json not there yet: skipping the PWA build"; \
	fi

test: $(VENV)/.installed-test
	bash scripts/run-tests.sh

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

demo: $(VENV)/.installed
	$(FLASK) demo load

openapi: $(VENV)/.installed
	$(BIN)/flask --app backend openapi write --format=json schemas/openapi.json

lint: $(VENV)/.installed
	@if [ -x $(BIN)/ruff ]; then $(BIN)/ruff check backend tests scripts; \
	else echo "ruff is not installed ($(BIN)/pip install ruff); byte-compiling only"; \
		$(BIN)/python -m compileall -q backend tests scripts; fi

clean:
	find . -path ./$(VENV) -prune -o -path ./pwa/node_modules -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .tmp *.egg-info pwa/dist backend/static/app bench/out
