#!/usr/bin/env bash
# Start or stop the real Redis and PostgreSQL servers the tests use, on loopback ports of their
# own, installing Debian's packages first when they are absent. Safe to run as root: PostgreSQL
# runs as the `postgres` user, in a data directory of its own.
#
#   scripts/services.sh start   # prints the export lines for HUB_TEST_DATABASE_URL/REDIS_URL
#   scripts/services.sh stop
#
# HUB_TEST_REDIS_SERVERS=N starts N Redis servers on consecutive ports, one per parallel test
# process: pub/sub channels are server-wide, so two processes sharing a server would hear each
# other's live events. HUB_TEST_REDIS_URLS lists them; HUB_TEST_REDIS_URL is the first.
set -euo pipefail

RUN_DIR=${HUB_TEST_RUN_DIR:-/tmp/hub-test-services}
REDIS_PORT=${HUB_TEST_REDIS_PORT:-6390}
PG_PORT=${HUB_TEST_PG_PORT:-54329}
REDIS_SERVERS=${HUB_TEST_REDIS_SERVERS:-1}
PG_DB=hub_test

log() { printf 'services: %s\n' "$*" >&2; }

redis_ports() { seq -s ' ' "$REDIS_PORT" $((REDIS_PORT + REDIS_SERVERS - 1)); }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_packages() {
  if command -v redis-server >/dev/null 2>&1 && [ -n "$(pg_bin)" ]; then return; fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing redis-server and postgresql from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server postgresql >/dev/null
}

# As root, PostgreSQL refuses to run: hand its commands to the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install_packages
  mkdir -p "$RUN_DIR"
  chmod 755 "$RUN_DIR"
  local port urls=""
  for port in $(redis_ports); do
    if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
      redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' \
        --appendonly no --dir "$RUN_DIR" --pidfile "$RUN_DIR/redis-$port.pid" \
        --logfile "$RUN_DIR/redis-$port.log"
    fi
    urls="$urls${urls:+,}redis://127.0.0.1:$port/0"
  done
  local bin data="$RUN_DIR/pg"
  bin=$(pg_bin)
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    as_pg "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$RUN_DIR"
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # No fsync: each commit otherwise waits about 2 ms on the disk, thousands of times a run.
    # A commit still writes its WAL before it returns (synchronous_commit stays on), so a
    # killed server process loses nothing; only a crash of the machine itself could, and the
    # test data is thrown away then anyway. Production keeps PostgreSQL's defaults.
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PORT -k $RUN_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 \
          -c fsync=off -c full_page_writes=off" start >/dev/null
  fi
  if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"
  fi
  for port in $(redis_ports); do
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  log "redis on 127.0.0.1:$(redis_ports | tr ' ' ','), postgresql on 127.0.0.1:$PG_PORT"
  echo "export HUB_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export HUB_TEST_REDIS_URLS=$urls"
  echo "export HUB_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

stop() {
  local port
  for port in $(redis_ports); do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  local bin
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$RUN_DIR/pg/PG_VERSION" ]; then
    as_pg "$bin/pg_ctl" -D "$RUN_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
