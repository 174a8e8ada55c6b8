# Klientela: the two commands of the README, and their parts.
#   make demo   set everything up, create a demo instance on SQLite, serve it
#   make test   set up what the tests need and run the suite on SQLite and PostgreSQL

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup setup-test assets bench clean

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

bench: setup
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/klientela bench run

clean:
	rm -rf $(VENV) node_modules .stamp-* data
