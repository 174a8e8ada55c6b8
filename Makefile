# Klientela: the two commands of the README, and their parts.
#   make demo   set everything up, create a demo instance on SQLite, serve it
#   make test   set up what the tests need (Python packages, Debian's Chromium, PostgreSQL and wrk)
#               and run the suite on SQLite and PostgreSQL

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-deps setup setup-test assets bench reference clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

.stamp-setup: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	@touch $@

.stamp-assets: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

.stamp-setup-test: .stamp-setup pyproject.toml
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

setup: .stamp-setup .stamp-assets
setup-test: setup .stamp-setup-test
assets: .stamp-assets

demo: setup
	$(BIN)/klientela demo

test: setup-test
	scripts/test.sh

# The system programs the tests need (Chromium, PostgreSQL, wrk), from Debian; scripts/test.sh runs it too.
test-deps:
	scripts/test-deps.sh

# The reference for plugin authors (core.sdk, the hooks), generated from the code with pdoc.
reference: setup
	$(BIN)/pip install -q -e ".[docs]"
	$(BIN)/klientela docs reference -o build/reference

bench: setup
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/klientela bench run

clean:
	rm -rf $(VENV) node_modules .stamp-* data
