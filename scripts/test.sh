#!/usr/bin/env bash
# Run the whole suite on SQLite and on a real PostgreSQL started here.
# Extra arguments go to pytest (e.g. scripts/test.sh -k editions).
#
# The two engines' runs share nothing (each has its own database, server
# port, browser and temp dirs), so on a machine with two or more cores they
# run side by side: each is mostly one busy core plus waiting on its server
# and browser, and together they finish in about the time of the longer one.
# KLIENTELA_TEST_SERIAL=1 runs them one after the other (easier to read).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# What the suite needs from Debian (Chromium, PostgreSQL, ...), installed when missing.
scripts/test-deps.sh
# Installed above, so a missing program is a failure here, never a skip
# (tests/browser/conftest.py skips only outside this script and CI).
export KLIENTELA_TEST_STRICT=1

LOGS=$(mktemp -d /tmp/klientela-test.XXXXXX)

eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$PG_TMP"; rm -rf "$LOGS"' EXIT

sqlite_suite() { KLIENTELA_TEST_DB=sqlite $PY -m pytest -q -p no:cacheprovider "$@"; }
postgres_suite() { KLIENTELA_TEST_DB=postgres KLIENTELA_TEST_PG_URL="$KLIENTELA_TEST_PG_URL" $PY -m pytest -q -p no:cacheprovider "$@"; }

if [ "${KLIENTELA_TEST_SERIAL:-}" = "1" ] || [ "$(nproc)" -lt 2 ]; then
    echo "== suite on SQLite"
    sqlite_suite "$@"
    echo "== suite on PostgreSQL"
    postgres_suite "$@"
    exit 0
fi

echo "== suite on SQLite and on PostgreSQL, side by side (logs follow when both end)"
start=$SECONDS
sqlite_suite "$@" >"$LOGS/sqlite.log" 2>&1 &
sqlite_pid=$!
postgres_suite "$@" >"$LOGS/postgres.log" 2>&1 &
postgres_pid=$!
# A line a minute, so a CI log shows the run is alive.
last=0
while kill -0 "$sqlite_pid" 2>/dev/null || kill -0 "$postgres_pid" 2>/dev/null; do
    sleep 5
    if [ $(( (SECONDS - start) / 60 )) -gt "$last" ]; then last=$(( (SECONDS - start) / 60 )); echo "   ... $last min"; fi
done
sqlite_rc=0; wait "$sqlite_pid" || sqlite_rc=$?
postgres_rc=0; wait "$postgres_pid" || postgres_rc=$?
echo "== suite on SQLite (exit $sqlite_rc)"
cat "$LOGS/sqlite.log"
echo "== suite on PostgreSQL (exit $postgres_rc)"
cat "$LOGS/postgres.log"
echo "== both engines in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
[ "$sqlite_rc" = 0 ] && [ "$postgres_rc" = 0 ]
