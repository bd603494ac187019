#!/usr/bin/env bash
# `make interop`: live interop with a stock Django, each runtime (Node, Deno,
# Bun, workerd) x each store (PostgreSQL, MySQL, Redis, database + Redis),
# both directions (tests/interop/matrix.mjs). Starts what it needs:
#
# - the venvs, from PyPI (pip's cache makes a refill fast): Django 5.2 in
#   examples/django-interop/.venv, Django 6.1 in .venv-django6.1 with the
#   Python 3.12 on PATH or under pyenv (none: its cells are NOT RUN, failed);
#   requirements.txt's drivers (psycopg, mysqlclient, redis-py) in both;
#   mysqlclient builds against Debian's default-libmysqlclient-dev
#   (apt-get, as root, when missing);
# - Redis, PostgreSQL and MariaDB from REDIS_URL, DATABASE_URL, MYSQL_URL
#   (`make test` exports them), else a set started here and stopped at the end;
# - pkg/ (make build) and the npm tools when missing.
#
#   tests/interop/run.sh              the matrix
#   tests/interop/run.sh --prepare    only the venvs (make test fills them early)
#   INTEROP_ONLY='^workerd' tests/interop/run.sh    only the cells whose name matches
#
# Prints one line per cell, `cell <runtime> <engine>/<store> [Django x.y]: N
# passed, M failed[, K limited]`, then `interop: N passed, M failed, K limited`.
# Exits non-zero on any failure or NOT RUN cell. The servers' logs and the
# failures in detail stay in target/interop/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EXAMPLE=$ROOT/examples/django-interop

# --- the venvs ---------------------------------------------------------------------------
# mysqlclient (Django's MySQL driver) compiles against libmysqlclient.
need_mysqlclient_build() {
  pkg-config --exists mysqlclient 2>/dev/null && command -v cc >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "interop: mysqlclient needs default-libmysqlclient-dev, pkg-config and a C compiler (apt-get, as root)" >&2
    return 1
  fi
  echo "interop: installing default-libmysqlclient-dev pkg-config gcc (apt-get)" >&2
  (
    flock 9
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends default-libmysqlclient-dev pkg-config gcc libc6-dev >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends default-libmysqlclient-dev pkg-config gcc libc6-dev >/dev/null; }
  ) 9>/tmp/edge-services-apt.lock
}

# venv DIR PYTHON [DJANGO_REQUIREMENT]: Django and requirements.txt's drivers, once.
venv() {
  local dir=$1 python=$2 django=${3:-} started=$SECONDS others
  "$dir/bin/python" -c "import django, psycopg, MySQLdb, redis" 2>/dev/null && return 0
  need_mysqlclient_build || return 1
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  if [ -n "$django" ]; then
    mapfile -t others < <(grep -Eiv '^[[:space:]]*(#|$)|^django([^a-z0-9_.-]|$)' "$EXAMPLE/requirements.txt")
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$django" "${others[@]}"
  else
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$EXAMPLE/requirements.txt"
  fi
  echo "interop: $("$dir/bin/python" -m django --version) in ${dir#"$ROOT"/} ($((SECONDS - started)) s)"
}

# Django 6.x needs Python >= 3.12: PATH or pyenv (a shim may stand for no real one: run each).
python312() {
  local candidate
  for candidate in "$(command -v python3.12 2>/dev/null)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

DJANGO5=$EXAMPLE/.venv
DJANGO6=$EXAMPLE/.venv-django6.1
status=0
venv "$DJANGO5" "${INTEROP_PYTHON_BIN:-python3}" || status=1
if py312=$(python312); then
  # A failure here leaves Django 6.1's cells NOT RUN (failed), said in the matrix.
  venv "$DJANGO6" "$py312" 'Django>=6.1,<6.2' || echo "interop: the Django 6.1 venv could not be made" >&2
else
  py312=
  echo "interop: no Python 3.12 on this machine: the Django 6.1 cells are NOT RUN"
fi
[ "${1:-}" = --prepare ] && exit $status

djangos() { # INTEROP_DJANGOS for matrix.mjs: each version, or why it cannot run
  local five six
  if "$DJANGO5/bin/python" -c "import django, psycopg, MySQLdb, redis" 2>/dev/null; then
    five="{\"label\":\"$("$DJANGO5/bin/python" -m django --version | cut -d. -f1,2)\",\"python\":\"$DJANGO5/bin/python\"}"
  else
    five='{"label":"5.2","notRun":"its venv could not be made (see above)"}'
  fi
  if [ -z "$py312" ]; then
    six='{"label":"6.1","notRun":"Django 6.1 needs Python 3.12, and this machine has none"}'
  elif "$DJANGO6/bin/python" -c "import django, psycopg, MySQLdb, redis" 2>/dev/null; then
    six="{\"label\":\"$("$DJANGO6/bin/python" -m django --version | cut -d. -f1,2)\",\"python\":\"$DJANGO6/bin/python\"}"
  else
    six='{"label":"6.1","notRun":"its venv could not be made (see above)"}'
  fi
  echo "[$five,$six]"
}

# --- the package, the npm tools, the servers ---------------------------------------------
[ -f pkg/edge_sessions_bg.wasm ] || make setup build
[ -d node_modules/miniflare ] && [ -d node_modules/postgres ] && [ -x node_modules/.bin/deno ] || npm ci --no-audit --no-fund
ln -sfn ../pkg node_modules/edge-sessions # npm ci removes the link

source tests/support/services.bash
TEST_PID=
export INTEROP_PIDFILE
INTEROP_PIDFILE=$(mktemp "${TMPDIR:-/tmp}/edge-interop-pids.XXXXXX")
cleanup() {
  # Every server the matrix started, by pid (it stops them too; this covers a crash).
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$INTEROP_PIDFILE"
  [ -n "$TEST_PID" ] && kill "$TEST_PID" 2>/dev/null || true
  rm -f "$INTEROP_PIDFILE"
  stop_own_services 2>/dev/null # quietly: the totals stay the last line
}
trap cleanup EXIT
trap 'exit 130' INT TERM
need_services redis postgres mysql

export INTEROP_DJANGOS INTEROP_LOGS=$ROOT/target/interop
INTEROP_DJANGOS=$(djangos)
rm -rf "$INTEROP_LOGS" && mkdir -p "$INTEROP_LOGS"
node tests/interop/matrix.mjs &
TEST_PID=$!
wait "$TEST_PID" || status=1
TEST_PID=
exit $status
