#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for tests and benchmarks.
#
#   eval "$(scripts/pg.sh start)"   # prints export KLIENTELA_TEST_PG_URL=... and PG_TMP=...
#   scripts/pg.sh stop "$PG_TMP"
#
# Debian's postgresql package, initdb as the postgres user, a cluster in a
# temp dir, listening on loopback only, on a spare port, fsync off. No Docker.
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_pg() {
  if ! find_bin >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgresql-contrib >&2
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  install_pg
  local bin tmp port runas
  bin=$(find_bin)
  tmp=$(mktemp -d /tmp/klientela-pg.XXXXXX)
  port=$(free_port)
  if [ "$(id -u)" = "0" ]; then
    chown postgres:postgres "$tmp"
    runas=(runuser -u postgres --)
  else
    runas=()
  fi
  "${runas[@]}" "$bin/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${runas[@]}" "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  "${runas[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt -c "CREATE DATABASE klientela_test" >/dev/null
  echo "export PG_TMP=$tmp"
  echo "export KLIENTELA_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/klientela_test"
}

stop() {
  local tmp=${1:-${PG_TMP:-}}
  [ -n "$tmp" ] && [ -d "$tmp/data" ] || return 0
  local bin runas
  bin=$(find_bin)
  if [ "$(id -u)" = "0" ]; then runas=(runuser -u postgres --); else runas=(); fi
  "${runas[@]}" "$bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  install) install_pg ;;
  *) echo "usage: $0 start|stop [DIR]|install" >&2; exit 2 ;;
esac
