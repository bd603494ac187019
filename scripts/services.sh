#!/usr/bin/env bash
# Throwaway Redis, PostgreSQL and MariaDB servers for the tests, one set per
# run: each `start` makes a new set on free ports, so two runs on one machine
# (two checkouts, two `make test`) never share or collide.
#
#   eval "$(scripts/services.sh start)"            Redis, PostgreSQL and MariaDB
#   eval "$(scripts/services.sh start redis)"      only the ones named
#   scripts/services.sh stop                       stops the set in $EDGE_SERVICES_DIR
#   scripts/services.sh stop DIR                   ... or the set in DIR
#   scripts/services.sh status [DIR]               whether each server of the set answers
#
# `start` installs a missing server from Debian's packages (redis-server,
# postgresql, mariadb-server; apt-get, as root), then prints `export` lines
# for a shell to eval:
#   EDGE_SERVICES_DIR  the set's private directory (data, logs, pids): what `stop` removes
#   REDIS_URL          redis://127.0.0.1:PORT
#   DATABASE_URL       postgres://postgres:postgres@127.0.0.1:PORT/postgres  (the superuser)
#   MYSQL_URL          mysql://edge:edge@127.0.0.1:PORT/edge     (all privileges: tests create databases)
# Progress goes to stderr. Every server listens on 127.0.0.1 only, keeps its
# data outside the checkout (a fresh directory under /tmp, or $TMPDIR when
# the servers' users can reach it), with durability off: test servers,
# never anything else. As root, PostgreSQL and MariaDB run as their system
# users (`postgres`, `mysql`), which own their data directories; as anyone
# else every server runs as the invoking user.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(redis postgres mysql)
log() { echo "services: $*" >&2; }
die() { log "$*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}
mariadbd_bin() { command -v mariadbd || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; }; }

# Runs a server binary as its system user when we are root (PostgreSQL
# refuses root; MariaDB is told --user); as ourselves otherwise.
as_user() {
  local user=$1
  shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

install_missing() {
  local packages=() name
  for name in "$@"; do
    case $name in
      redis) command -v redis-server >/dev/null || packages+=(redis-server) ;;
      postgres) pg_bin >/dev/null || packages+=(postgresql) ;;
      mysql) { mariadbd_bin >/dev/null && command -v mariadb-install-db >/dev/null; } || packages+=(mariadb-server) ;;
    esac
  done
  [ ${#packages[@]} -eq 0 ] && return
  is_root || die "need root to apt-get install ${packages[*]} (or install them yourself)"
  log "installing ${packages[*]} (apt-get)"
  local started=$SECONDS aptlog
  aptlog=$(mktemp "${TMPDIR:-/tmp}/edge-services-apt.XXXXXX")
  # The packages' own services stay down where a policy-rc.d refuses
  # service starts (containers); we stop nothing we did not start.
  # One install at a time on this machine: dpkg has a single lock.
  (
    flock 9
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >"$aptlog" 2>&1 ||
      { apt-get update -q >>"$aptlog" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >>"$aptlog" 2>&1; }
  ) 9>/tmp/edge-services-apt.lock || die "apt-get failed, see $aptlog"
  rm -f "$aptlog"
  log "installed ${packages[*]} in $((SECONDS - started)) s"
}

# A port nobody listens on now (the kernel's pick). Another process may
# take it before our server binds it: each start_* retries on a new port.
free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# The parent directory for a new set: $TMPDIR when every server user can
# enter it, else /tmp (a private $TMPDIR, e.g. under root's home, is fine
# for Redis but not for the `postgres` and `mysql` users).
base_dir() {
  local base=${TMPDIR:-/tmp} user
  if is_root && [ "$base" != /tmp ]; then
    for user in postgres mysql; do
      id "$user" >/dev/null 2>&1 || continue
      runuser -u "$user" -- test -x "$base" 2>/dev/null || { echo /tmp; return; }
    done
  fi
  echo "$base"
}

# A directory of the set owned by the server's user (and only it).
owned_dir() {
  local dir=$1 user=$2
  mkdir -p "$dir"
  if is_root; then chown "$user:" "$dir"; fi
  chmod 700 "$dir"
}

wait_for() { # seconds, command...
  local tries=$(($1 * 10))
  shift
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# --- Redis ------------------------------------------------------------------
redis_up() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
start_redis() {
  local dir=$SET/redis port
  mkdir -p "$dir"
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    # No persistence: the data dies with the server.
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
      --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log" || true
    if wait_for 5 redis_up "$port"; then
      echo "$port" >"$dir/port"
      echo "export REDIS_URL=redis://127.0.0.1:$port" >>"$SET/env"
      return
    fi
    stop_redis
    grep -q "Address already in use" "$dir/log" 2>/dev/null || break
    mkdir -p "$dir"
  done
  die "redis did not start: $(tail -n 5 "$dir/log" 2>/dev/null)"
}
stop_redis() {
  local dir=$SET/redis pid
  [ -f "$dir/pid" ] && pid=$(cat "$dir/pid") && kill "$pid" 2>/dev/null &&
    wait_for 5 eval "! kill -0 $pid" || true
  rm -rf "$dir"
}

# --- PostgreSQL ---------------------------------------------------------------
pg_up() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$1"; }
start_pg() {
  local dir=$SET/postgres bin port
  bin=$(pg_bin)
  owned_dir "$dir" postgres
  # A password checked over TCP (Hyperdrive, for one, wants one in the URL).
  echo postgres >"$dir/pwfile"
  is_root && chown postgres: "$dir/pwfile"
  as_user postgres "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    # TCP on loopback only, no Unix socket; durability off (throwaway data).
    if as_user postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 2>&1 && pg_up "$port"; then
      echo "$port" >"$dir/port"
      echo "export DATABASE_URL=postgres://postgres:postgres@127.0.0.1:$port/postgres" >>"$SET/env"
      return
    fi
    grep -q "could not bind\|Address already in use" "$dir/log" 2>/dev/null || break
  done
  die "postgres did not start: $(tail -n 5 "$dir/log" 2>/dev/null)"
}
stop_pg() {
  local dir=$SET/postgres
  if [ -f "$dir/data/postmaster.pid" ] && [ -n "$(pg_bin)" ]; then
    as_user postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# --- MariaDB (Django's MySQL backend; MariaDB >= 10.5) -------------------------
mysql_admin() { mariadb --no-defaults --protocol=socket -S "$SET/mysql/sock" -u root "$@"; }
start_mysql() {
  local dir=$SET/mysql port bin user=mysql pid
  bin=$(mariadbd_bin)
  is_root || user=$(id -un)
  owned_dir "$dir" "$user"
  # root without a password over the socket only (the server listens on
  # loopback; `edge` is the account the tests use over TCP).
  mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" --skip-test-db \
    --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 ||
    die "mariadb-install-db failed: $(tail -n 5 "$dir/install.log")"
  [ "$user" = mysql ] && chown -R mysql: "$dir/data"
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    # Durability and the extras off: a throwaway server.
    "$bin" --no-defaults --user="$user" --datadir="$dir/data" --bind-address=127.0.0.1 --port="$port" \
      --socket="$dir/sock" --pid-file="$dir/pid" --log-error="$dir/log" --skip-name-resolve \
      --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 \
      --innodb-doublewrite=0 --skip-log-bin --performance-schema=0 --max-connections=200 \
      >/dev/null 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$dir/server.pid"
    if wait_for 30 mysql_admin -e "SELECT 1"; then
      mysql_admin -e "CREATE DATABASE edge CHARACTER SET utf8mb4;
        CREATE USER 'edge'@'127.0.0.1' IDENTIFIED BY 'edge';
        GRANT ALL PRIVILEGES ON *.* TO 'edge'@'127.0.0.1';" ||
        die "could not create the edge account: see $dir/log"
      echo "$port" >"$dir/port"
      echo "export MYSQL_URL=mysql://edge:edge@127.0.0.1:$port/edge" >>"$SET/env"
      return
    fi
    kill "$pid" 2>/dev/null || true
    wait_for 10 eval "! kill -0 $pid" || true
    grep -q "Address already in use\|Can't start server: Bind" "$dir/log" 2>/dev/null || break
  done
  die "mariadb did not start: $(tail -n 5 "$dir/log" 2>/dev/null)"
}
stop_mysql() {
  local dir=$SET/mysql pid
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    # SIGKILL: nothing in a throwaway server is worth a clean shutdown.
    kill -KILL "$pid" 2>/dev/null && wait_for 10 eval "! kill -0 $pid" || true
  fi
  rm -rf "$dir"
}

# -----------------------------------------------------------------------------
names() { # the servers named on the command line, or all
  local name
  [ $# -eq 0 ] && set -- "${ALL[@]}"
  for name in "$@"; do
    case $name in
      redis | postgres | mysql) echo "$name" ;;
      *) echo "usage: $0 start [redis|postgres|mysql ...] | stop [DIR] | status [DIR]" >&2; exit 2 ;;
    esac
  done
}

set_of() { # the set a stop/status is about: DIR, else $EDGE_SERVICES_DIR
  SET=${1:-${EDGE_SERVICES_DIR:-}}
  [ -n "$SET" ] || die "no set: pass its directory or set EDGE_SERVICES_DIR (printed by start)"
  [ -f "$SET/.edge-services" ] || die "$SET is not a set made by $0 start"
}

stop_set() {
  stop_mysql
  stop_pg
  stop_redis
  rm -rf "$SET"
}

case "${1:-}" in
  start)
    shift
    mapfile -t want < <(names "$@")
    install_missing "${want[@]}"
    SET=$(mktemp -d "$(base_dir)/edge-services.XXXXXX")
    # Entered (not listed) by the servers' users, for their own subdirectories.
    chmod 711 "$SET"
    touch "$SET/.edge-services"
    echo "export EDGE_SERVICES_DIR=$SET" >"$SET/env"
    trap 'status=$?; [ $status -eq 0 ] || stop_set; exit $status' EXIT
    started=$SECONDS
    # The servers start side by side (initdb and mariadb-install-db take seconds each).
    pids=()
    for name in "${want[@]}"; do
      case $name in
        redis) start_redis & ;;
        postgres) start_pg & ;;
        mysql) start_mysql & ;;
      esac
      pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ "$failed" = 0 ] || exit 1
    log "${want[*]} up in $((SECONDS - started)) s, in $SET"
    cat "$SET/env"
    ;;
  stop)
    set_of "${2:-}"
    stop_set
    log "stopped; $SET removed"
    ;;
  status)
    set_of "${2:-}"
    rc=0
    for name in "${ALL[@]}"; do
      port=$(cat "$SET/$name/port" 2>/dev/null) || continue
      case $name in
        redis) redis_up "$port" ;;
        postgres) pg_up "$port" ;;
        mysql) mysql_admin -e "SELECT 1" >/dev/null 2>&1 ;;
      esac && log "$name up on 127.0.0.1:$port" || { log "$name DOWN (port $port)"; rc=1; }
    done
    exit $rc
    ;;
  *)
    echo "usage: $0 start [redis|postgres|mysql ...] | stop [DIR] | status [DIR]" >&2
    exit 2
    ;;
esac
