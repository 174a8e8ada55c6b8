#!/usr/bin/env bash
# Run the whole suite on SQLite, then on a real PostgreSQL started here.
# Extra arguments go to pytest (e.g. scripts/test.sh -k editions).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "== suite on SQLite"
KLIENTELA_TEST_DB=sqlite $PY -m pytest -q "$@"

echo "== suite on PostgreSQL"
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$PG_TMP"' EXIT
KLIENTELA_TEST_DB=postgres KLIENTELA_TEST_PG_URL="$KLIENTELA_TEST_PG_URL" $PY -m pytest -q "$@"
