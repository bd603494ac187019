#!/usr/bin/env bash
# The runtime suite (tests/runtime/suite.js) in Node, Deno, Bun, workerd and
# headless Chromium, side by side (each mostly waits on its runtime). Each
# runtime's output is printed whole, in this order, with its outcome and
# time; exits non-zero if any runtime failed (all of them run regardless).
# Needs `npm ci` and the built package linked as node_modules/edge-sessions.
set -uo pipefail
cd "$(dirname "$0")/../.."   # the repo root: runners and flags use paths from here
bin=node_modules/.bin
out=$(mktemp -d "${TMPDIR:-/tmp}/edge-sessions-runtime.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$out"' EXIT

names=()
start() {
  local name=$1
  shift
  names+=("$name")
  (
    t0=$SECONDS
    "$@" >"$out/$name.log" 2>&1 </dev/null
    echo "$? $((SECONDS - t0))" >"$out/$name.status"
  ) &
  pids+=($!)
}

start node     node tests/runtime/node.test.mjs
# --allow-read only for the .wasm node.js reads; --no-check: see deno.test.js.
start deno     "$bin/deno" test --no-check --allow-read=pkg/edge_sessions_bg.wasm,pkg/edge_sessions_signed_bg.wasm tests/runtime/deno.test.js
start bun      "$bin/bun" tests/runtime/bun.run.mjs
start workerd  node tests/runtime/workerd.run.mjs
start chromium node tests/runtime/chromium.run.mjs
wait

failed=()
for name in "${names[@]}"; do
  read -r rc secs <"$out/$name.status"
  echo "== $name"
  cat "$out/$name.log"
  if [ "$rc" -eq 0 ]; then
    echo "== $name: ok in $secs s"
  else
    echo "== $name: FAILED (exit $rc) in $secs s"
    failed+=("$name")
  fi
done
echo "runtimes: $((${#names[@]} - ${#failed[@]})) passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
