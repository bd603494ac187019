#!/usr/bin/env bash
# Live interop with a real Django, both directions (tests/interop/django.test.mjs).
# Creates the virtualenv and installs Django and redis-py from PyPI when
# missing, takes Redis for the shared cached_db cache from REDIS_URL (`make
# test` exports it) or starts one (scripts/services.sh), migrates a temporary
# SQLite file, creates the user, runs the tests, stops every server it started.
#
#   tests/interop/run.sh
#   tests/interop/run.sh --prepare     only the virtualenv (make test fills it early)
#   INTEROP_PYTHON_BIN=python3.12 INTEROP_VENV=examples/django-interop/.venv-django6 \
#     INTEROP_DJANGO='Django>=6.0,<6.1' tests/interop/run.sh
#   INTEROP_REDIS_URL=redis://host:port/db tests/interop/run.sh   # a Redis of your own
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EXAMPLE=$ROOT/examples/django-interop
VENV=${INTEROP_VENV:-$EXAMPLE/.venv}
case $VENV in /*) ;; *) VENV=$ROOT/$VENV ;; esac

# Python, Django and redis-py: a venv of our own, filled from PyPI only.
if ! "$VENV/bin/python" -c "import django, redis" 2>/dev/null; then
  started=$SECONDS
  [ -x "$VENV/bin/python" ] || "${INTEROP_PYTHON_BIN:-python3}" -m venv "$VENV"
  if [ -n "${INTEROP_DJANGO:-}" ]; then
    # That Django, and requirements.txt's other lines (the pinned redis-py).
    mapfile -t others < <(grep -Eiv '^[[:space:]]*(#|$)|^django([^a-z0-9_.-]|$)' "$EXAMPLE/requirements.txt")
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$INTEROP_DJANGO" "${others[@]}"
  else
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$EXAMPLE/requirements.txt"
  fi
  echo "interop: venv + Django + redis-py in $((SECONDS - started)) s"
fi
[ "${1:-}" = --prepare ] && exit 0
echo "interop: $("$VENV/bin/python" --version), Django $("$VENV/bin/python" -m django --version)," \
  "redis-py $("$VENV/bin/python" -c 'import redis; print(redis.__version__)')"

# The package and the npm tools (better-sqlite3, miniflare).
[ -f pkg/edge_sessions_bg.wasm ] || make setup build
[ -d node_modules/better-sqlite3 ] && [ -d node_modules/miniflare ] || npm ci --no-audit --no-fund
ln -sfn ../pkg node_modules/edge-sessions # npm ci removes the link

TMP=$(mktemp -d)
export INTEROP_PIDFILE=$TMP/pids INTEROP_MATRIX=$TMP/matrix.txt
touch "$INTEROP_PIDFILE"
source tests/support/services.bash
cleanup() {
  # Every server the tests started, by pid (they stop them too; this covers a crash).
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$INTEROP_PIDFILE"
  [ -n "${TEST_PID:-}" ] && kill "$TEST_PID" 2>/dev/null || true
  stop_own_services
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Redis, the cache both sides share in the cached_db+redis column: yours
# (INTEROP_REDIS_URL), else REDIS_URL, else a throwaway server started here.
if [ -z "${INTEROP_REDIS_URL:-}" ]; then
  how="from REDIS_URL"
  [ -n "${REDIS_URL:-}" ] || how="started here"
  need_services redis
  INTEROP_REDIS_URL=$REDIS_URL
  echo "interop: Redis at $INTEROP_REDIS_URL ($how)"
fi
export INTEROP_REDIS_URL

export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the example folder
export DB_PATH=$TMP/db.sqlite3 SESSION_FILE_PATH=$TMP/sessions INTEROP_PYTHON=$VENV/bin/python
export INTEROP_USERNAME=alice INTEROP_PASSWORD="interop-$RANDOM-$RANDOM-password"
mkdir "$SESSION_FILE_PATH"
# Settings need a SECRET_KEY even for migrate; the tests start servers with their own.
(cd "$EXAMPLE" && SECRET_KEY=setup-only "$INTEROP_PYTHON" manage.py migrate --verbosity 0 &&
  SECRET_KEY=setup-only DJANGO_SUPERUSER_PASSWORD=$INTEROP_PASSWORD "$INTEROP_PYTHON" manage.py createsuperuser \
    --noinput --username "$INTEROP_USERNAME" --email alice@example.com >/dev/null)

status=0
# --test-force-exit: once every test has ended, exit even if a handle (a
# server a failed test left running) would keep the process alive.
node --test --test-force-exit --test-reporter=spec tests/interop/django.test.mjs &
TEST_PID=$!
wait "$TEST_PID" || status=$?
TEST_PID=
[ -f "$INTEROP_MATRIX" ] && cat "$INTEROP_MATRIX"
exit "$status"
