#!/usr/bin/env bash
# `make test` and `make check`: runs the Makefile's targets as parts, the
# independent ones side by side, each part's output kept in
# target/test-logs/<mode>/<part>.log and printed as one block when the part
# ends; then a summary: each part's status (ok, FAILED, SKIPPED with why, or
# NOT RUN because a part it needs failed) and time, and the total.
#
#   scripts/test-all.sh test    the whole suite (make test)
#   scripts/test-all.sh check   the inner loop (make check)
#
# `make test`, on 2 cores: the compiler-bound parts run in two lanes that
# never wait on each other's cargo lock (the package's release build in
# target/release and target/wasm32-unknown-unknown/release; lints, native and
# wasm tests in target/debug), while the servers start (scripts/services.sh,
# one set for the whole run, its URLs exported to the suites that follow the
# build, stopped at the end whatever happens), the interop virtualenvs fill
# and npm audit asks the registry. Once pkg/ is built, the suites that need
# it run TEST_JOBS at a time (default 3; most of their time is spent waiting
# on workerd, browsers, Deno, Django and the servers), longest first.
#
# A part that prints a line `SKIPPED: <why>` and succeeds (the Makefile turns
# a script's exit 3 into success) is SKIPPED, never counted as passed. The
# exit status is non-zero when a part FAILED or was NOT RUN.
set -uo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-test}
case $MODE in test | check) ;; *) echo "usage: $0 test|check" >&2; exit 2 ;; esac
JOBS=${TEST_JOBS:-3}
# A suite still running after TEST_PART_TIMEOUT seconds (default 600; the
# compiler-bound parts get three times that, for a cold build on a busy
# machine) is stopped, its whole process group, and FAILED: a suite that
# hangs (a server left running) must not hang the run.
PART_TIMEOUT=${TEST_PART_TIMEOUT:-600}
MAKE=(timeout --kill-after=20 "$PART_TIMEOUT" make -s)
MAKE_LONG=(timeout --kill-after=20 "$((PART_TIMEOUT * 3))" make -s)
LOGS=target/test-logs/$MODE
rm -rf "$LOGS" && mkdir -p "$LOGS"
T0=$EPOCHREALTIME
export MAKEFLAGS= # each part's make on its own (no -k/-j from the caller)

seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a + 0.5 }'; }
human() { if [ "$1" -ge 60 ]; then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }
say() { { flock 9; echo "$@"; } 9>"$LOGS/.print"; }

# run_part NAME COMMAND...: runs COMMAND, its output in NAME.log, and writes
# NAME.result: "<status>\t<seconds>\t<why>".
run_part() {
  local name=$1 t0=$EPOCHREALTIME rc status why="" secs
  shift
  touch "$LOGS/$name.started"
  "$@" >"$LOGS/$name.log" 2>&1 </dev/null
  rc=$?
  secs=$(seconds_since "$t0")
  if [ $rc -eq 124 ] && [ "$1" = timeout ]; then
    status=FAILED why="timed out after $3 s, stopped"
  elif [ $rc -ne 0 ]; then
    status=FAILED why="exit $rc"
  elif why=$(grep -m 1 '^SKIPPED: ' "$LOGS/$name.log"); then
    status=SKIPPED why=${why#SKIPPED: }
  else
    status=ok why=""
  fi
  {
    flock 9
    echo "=============== $name"
    cat "$LOGS/$name.log"
    echo "=============== $name: $status in $(human "$secs")${why:+ ($why)}"
  } 9>"$LOGS/.print"
  printf '%s\t%s\t%s\n' "$status" "$secs" "$why" >"$LOGS/$name.result"
  [ $status != FAILED ]
}

# A part that cannot run because a part it needs did not succeed.
not_run() {
  printf 'NOT RUN\t0\t%s\n' "$2" >"$LOGS/$1.result"
  say "=============== $1: NOT RUN ($2)"
}

# await NAME...: waits for those parts to end; fails (naming the first that
# did not succeed) unless each is ok or SKIPPED.
await() {
  local name status
  for name in "$@"; do
    until [ -f "$LOGS/$name.result" ]; do sleep 0.2; done
    status=$(cut -f1 "$LOGS/$name.result")
    if [ "$status" != ok ] && [ "$status" != SKIPPED ]; then
      echo "$name $status"
      return 1
    fi
  done
}

# then NAME NEEDS COMMAND...: runs the part once the parts in NEEDS (a
# space-separated list) succeeded; NOT RUN otherwise.
then_part() {
  local name=$1 needs=$2 failed
  shift 2
  if failed=$(await $needs); then run_part "$name" "$@"; else not_run "$name" "needs $failed"; return 1; fi
}

# --- services, started once and stopped at exit --------------------------------
kill_tree() { # a process and everything it started, by pid
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null
}
cleanup() {
  local pid dir
  for pid in $(jobs -p); do kill_tree "$pid"; done # this shell's own background jobs still running
  dir=$(sed -n 's/^export EDGE_SERVICES_DIR=//p' "$LOGS/services.env" 2>/dev/null)
  [ -n "$dir" ] && scripts/services.sh stop "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_services() {
  scripts/services.sh start >"$LOGS/services.env.tmp" || return 1
  mv "$LOGS/services.env.tmp" "$LOGS/services.env"
  grep -o '[A-Z_]*_URL=[a-z]*://[^ ]*' "$LOGS/services.env" | sed 's/^/services: /'
}
use_services() { # once the servers are up (or failed), exports their URLs to the parts started from now on
  until [ -f "$LOGS/services.result" ]; do sleep 0.2; done
  if [ -f "$LOGS/services.env" ]; then source "$LOGS/services.env"; fi
}

# --- the parts ---------------------------------------------------------------------
# Display order of the summary: every part either mode may run.
ORDER_TEST=(setup-rust setup-npm setup-system setup-deny services venvs audit
  fmt clippy native wasm msrv deny build lint-js
  js runtime e2e adapters-node adapters-deno adapters-workerd adapters-drivers interop
  examples packaging snippets unstorage hostile node22 support)
ORDER_CHECK=(setup fmt clippy native biome tsc js)

# The suites that need pkg/ and the servers, longest first (measured on 2
# cores), with what they need besides.
POST_BUILD=(
  "hostile:services:test-hostile"
  "packaging::test-packaging"
  "examples::test-examples"
  "adapters-node:services:test-adapters-node"
  "interop:services venvs:interop"
  "lint-js::lint-js"
  "support:services:test-support"
  "runtime::test-runtime"
  "js::test-js"
  "e2e::test-e2e"
  "snippets:services:test-snippets"
  "unstorage:services:test-unstorage"
  "adapters-workerd::test-adapters-workerd"
  "adapters-drivers:services:test-adapters-drivers"
  "node22:services:test-node22"
  "adapters-deno::test-adapters-deno"
)

prepare_venvs() { # Django 5.2's, and 6.1's where Python 3.12 exists (the interop part reports its cells NOT RUN otherwise)
  tests/interop/run.sh --prepare
}

bg() { # bg COMMAND...: in the background (cleanup stops it if still running)
  "$@" &
}
fg() { # fg COMMAND...: waits for it, as a background job, so Ctrl-C reaches our trap at once
  "$@" &
  wait $!
}

run_pool() {
  local entry name needs target running
  local -a queue=("$@")
  while [ ${#queue[@]} -gt 0 ]; do
    running=0
    for entry in "${POST_BUILD[@]}"; do
      name=${entry%%:*}
      [ -f "$LOGS/$name.started" ] && [ ! -f "$LOGS/$name.result" ] && running=$((running + 1))
    done
    if [ $running -ge "$JOBS" ]; then sleep 0.2; continue; fi
    entry=${queue[0]}
    queue=("${queue[@]:1}")
    name=${entry%%:*}
    needs=${entry#*:}
    target=${needs#*:}
    needs=${needs%%:*}
    touch "$LOGS/$name.started"
    bg then_part "$name" "$needs" "${MAKE[@]}" "$target"
  done
}

lane_b() {
  then_part fmt setup-rust "${MAKE[@]}" lint-fmt
  then_part clippy setup-rust "${MAKE_LONG[@]}" lint-clippy
  then_part native setup-rust "${MAKE_LONG[@]}" test-native
  then_part wasm "setup-rust setup-system" "${MAKE_LONG[@]}" test-wasm
  then_part msrv setup-rust "${MAKE_LONG[@]}" msrv
  then_part deny setup-deny "${MAKE[@]}" deny
  true
}

test_mode() {
  # Rust first: everything else needs its toolchain.
  fg run_part setup-rust scripts/install-tools.sh rust
  bg run_part setup-npm scripts/install-tools.sh npm
  bg run_part setup-system scripts/install-tools.sh system
  bg run_part setup-deny scripts/install-tools.sh deny
  bg run_part services start_services
  # The interop virtualenvs (PyPI) and the audit (the npm registry) only wait on the network.
  bg run_part venvs prepare_venvs
  bg run_part audit "${MAKE[@]}" audit

  # Lane B: lints and tests in target/debug (never waiting on the release build's lock).
  bg lane_b

  # Lane A: the package, then the suites that need it.
  if fg then_part build 'setup-rust setup-npm' "${MAKE_LONG[@]}" build; then
    use_services
    run_pool "${POST_BUILD[@]}"
  else
    for entry in "${POST_BUILD[@]}"; do not_run "${entry%%:*}" "needs build"; done
  fi
  wait
}

rust_check() { # one lane: clippy and cargo test share target/debug's lock
  then_part fmt setup "${MAKE[@]}" lint-fmt
  then_part clippy setup "${MAKE_LONG[@]}" lint-clippy
  then_part native setup "${MAKE_LONG[@]}" test-native
  true
}

check_mode() {
  fg run_part setup scripts/install-tools.sh rust npm
  bg rust_check
  # JS: lint and tests against the existing pkg/ (its js/ layer refreshed).
  fg then_part biome setup "${MAKE[@]}" lint-biome
  if [ -d target/glue-types ]; then
    fg then_part tsc setup "${MAKE[@]}" lint-tsc
  else
    run_part tsc echo "SKIPPED: no target/glue-types (the wasm glue's declarations): run make build once"
  fi
  if [ -f pkg/edge_sessions_bg.wasm ]; then
    fg then_part js setup bash -c 'scripts/build-pkg.sh --js-only && ln -sfn ../pkg node_modules/edge-sessions &&
      newer=$(find src -name "*.rs" -newer pkg/edge_sessions_bg.wasm | head -n 1) &&
      { [ -z "$newer" ] || echo "note: pkg/ wasm is older than $newer: the JS tests ran against the last make build"; } &&
      make -s test-js'
  else
    run_part js echo "SKIPPED: no pkg/ to test: run make build once"
  fi
  wait
}

echo "make $MODE: logs in $LOGS/"
if [ "$MODE" = test ]; then test_mode; ORDER=("${ORDER_TEST[@]}"); else check_mode; ORDER=("${ORDER_CHECK[@]}"); fi

# --- summary -----------------------------------------------------------------------
total=$(seconds_since "$T0")
declare -A count=()
echo
echo "=============== make $MODE: summary"
for name in "${ORDER[@]}"; do
  [ -f "$LOGS/$name.result" ] || continue
  IFS=$'\t' read -r status secs why <"$LOGS/$name.result"
  count[$status]=$((${count[$status]:-0} + 1))
  printf '  %-8s %-17s %7s  %s\n' "$status" "$name" "$(human "$secs")" "$why"
  # Tests skipped inside a part that passed (node:test, the contract runners).
  if [ -f "$LOGS/$name.log" ]; then
    skipped=$(grep -hoE '^(ℹ|#) skipped [0-9]+' "$LOGS/$name.log" | awk '{ n += $3 } END { print n + 0 }')
    own=$(grep -cE '^SKIP ' "$LOGS/$name.log")
    if [ $((skipped + own)) -gt 0 ]; then
      printf '  %-8s %-17s %7s  %s\n' "" "" "" "$((skipped + own)) test(s) skipped inside:"
      grep -hE '# SKIP|^SKIP ' "$LOGS/$name.log" | sed -E 's/^[[:space:]]*//' | sort -u | head -n 5 | sed 's/^/                                      /'
    fi
  fi
done
summary="${count[ok]:-0} ok, ${count[FAILED]:-0} failed, ${count[SKIPPED]:-0} skipped, ${count[NOT RUN]:-0} not run"
echo "  total $(human "$total") wall clock ($summary; logs in $LOGS/)"
[ "${count[FAILED]:-0}" -eq 0 ] && [ "${count[NOT RUN]:-0}" -eq 0 ]
