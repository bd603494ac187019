#!/usr/bin/env bash
# The hostile-input suite: the matrix (matrix.test.mjs), overlapping requests
# on every store under Node, Deno and workerd (concurrency.test.mjs), and
# secrets never shown (secrets.test.mjs). Redis and PostgreSQL: from
# REDIS_URL / DATABASE_URL (`make test` exports them), else a set started
# here (scripts/services.sh) and stopped afterwards.
#
# Prints each test, then the matrix size and outcome, the concurrency and
# secrets summaries, and `hostile: N tests, P passed, F failed`. Fails on
# any failure, a test marked todo or skipped, or when no test ran. Extra arguments go to `node --test`
# (e.g. --test-name-pattern=zip).
# Needs `npm ci` and the built package linked as node_modules/edge-sessions.
set -uo pipefail
cd "$(dirname "$0")/../.."

source tests/support/services.bash

tap=$(mktemp "${TMPDIR:-/tmp}/edge-sessions-hostile.XXXXXX")
cleanup() {
  rm -f "$tap"
  stop_own_services
}
trap cleanup EXIT

need_services redis postgres || { echo "hostile: could not start Redis/PostgreSQL" >&2; exit 1; }

# One file at a time; spec output on the terminal, TAP kept for the counts.
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "$@" \
  tests/hostile/matrix.test.mjs tests/hostile/concurrency.test.mjs tests/hostile/secrets.test.mjs
status=$?

count() { grep -E "^# $1 [0-9]+$" "$tap" | tail -n 1 | awk '{print $3}'; }
tests=$(count tests); pass=$(count pass); fail=$(count fail); todo=$(count todo); skipped=$(count skipped)
tests=${tests:-0}; pass=${pass:-0}; fail=${fail:-0}; todo=${todo:-0}; skipped=${skipped:-0}

echo
grep -hoE "hostile matrix: [0-9]+ cases: .*|hostile concurrency: .*|secrets: [0-9]+ errors provoked.*" "$tap" | sort -u
echo "hostile: $tests tests, $pass passed, $fail failed, $todo todo, $skipped skipped"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$todo" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$tests" -gt 0 ] && [ "$pass" -gt 0 ]
