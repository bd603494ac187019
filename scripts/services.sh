#!/usr/bin/env bash
# Throwaway Redis and PostgreSQL servers for the adapter tests.
#
#   scripts/services.sh start   install (apt-get, only if missing) and start both
#   scripts/services.sh stop    stop both and delete their data
#   scripts/services.sh status  print whether each answers
#
# A second argument, `redis` or `postgres`, does the same for that one only
# (tests/interop/run.sh needs only Redis).
#
# Both listen on 127.0.0.1 only, on non-default ports (REDIS_PORT, default
# 63790; PG_PORT, default 54329), with their data under target/services/
# (not committed). PostgreSQL trusts loopback connections: these are test
# servers, never anything else. `start` is idempotent: a server that already
# answers is left running. The last lines printed are the connection URLs,
# as `export` lines a shell can eval.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${REDIS_PORT:-63790}
PG_PORT=${PG_PORT:-54329}
ROOT=$PWD/target/services
REDIS_DIR=$ROOT/redis
PG_DIR=$ROOT/pg
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

log() { echo "services: $*" >&2; }

# Which servers this call is about: both, or the one named after the command.
ONLY=${2:-}
case $ONLY in "" | redis | postgres) ;; *) echo "usage: $0 start|stop|status [redis|postgres]" >&2; exit 2 ;; esac
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Runs a PostgreSQL binary as the `postgres` system user when we are root
# (the server refuses to run as root); as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local packages=()
  want redis && ! command -v redis-server >/dev/null && packages+=(redis-server)
  want postgres && ! pg_bin >/dev/null && packages+=(postgresql)
  [ ${#packages[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || { log "need root to apt-get install ${packages[*]}"; exit 1; }
  log "installing ${packages[*]} (apt-get)"
  local started=$SECONDS
  # The packages' own services stay down: Docker images ship a policy-rc.d
  # that refuses service starts; elsewhere we stop nothing we did not start.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >"$ROOT/apt.log" 2>&1 \
    || { apt-get update -q >>"$ROOT/apt.log" 2>&1 && \
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >>"$ROOT/apt.log" 2>&1; } \
    || { log "apt-get failed, see $ROOT/apt.log"; exit 1; }
  log "installed in $((SECONDS - started)) s"
}

redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
pg_up() { [ -n "$(pg_bin)" ] && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

start_redis() {
  if redis_up; then log "redis already up"; return; fi
  mkdir -p "$REDIS_DIR"
  # No persistence: the data dies with the server.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
    --save '' --appendonly no --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 50); do redis_up && return; sleep 0.1; done
  log "redis did not start, see $REDIS_DIR/redis.log"; exit 1
}

start_pg() {
  if pg_up; then log "postgres already up"; return; fi
  local bin
  bin=$(pg_bin)
  if [ ! -s "$PG_DIR/data/PG_VERSION" ]; then
    rm -rf "$PG_DIR" && mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 \
      || { log "initdb failed, see $PG_DIR/initdb.log"; exit 1; }
  fi
  # TCP on loopback only, no Unix socket; durability off (throwaway data).
  as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { log "postgres did not start, see $PG_DIR/postgres.log"; exit 1; }
}

stop_redis() {
  if [ -f "$REDIS_DIR/redis.pid" ]; then
    local pid
    pid=$(cat "$REDIS_DIR/redis.pid")
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$REDIS_DIR"
}

stop_pg() {
  if [ -f "$PG_DIR/data/postmaster.pid" ] && [ -n "$(pg_bin)" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

urls() {
  want redis && echo "export REDIS_URL=$REDIS_URL"
  want postgres && echo "export DATABASE_URL=$DATABASE_URL"
  return 0
}

case "${1:-}" in
  start)
    mkdir -p "$ROOT"
    install_missing
    want redis && start_redis
    want postgres && start_pg
    urls
    ;;
  stop)
    want redis && stop_redis
    want postgres && stop_pg
    if [ -z "$ONLY" ]; then
      rm -rf "$ROOT"
      log "stopped; $ROOT removed"
    else
      rmdir "$ROOT" 2>/dev/null || true # when nothing else is left in it
      log "$ONLY stopped; its data removed"
    fi
    ;;
  status)
    if want redis; then redis_up && log "redis up at $REDIS_URL" || log "redis down"; fi
    if want postgres; then pg_up && log "postgres up at $DATABASE_URL" || log "postgres down"; fi
    ;;
  *)
    echo "usage: $0 start|stop|status [redis|postgres]" >&2
    exit 2
    ;;
esac
