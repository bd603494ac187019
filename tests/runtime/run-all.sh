#!/usr/bin/env bash
# The runtime suite (tests/runtime/suite.js) in Node, Deno, Bun, workerd and
# headless Chromium, in turn; stops at the first runtime that fails.
# Needs `npm ci` and the built package linked as node_modules/edge-sessions.
set -euo pipefail
cd "$(dirname "$0")/../.."   # the repo root: runners and flags use paths from here
bin=node_modules/.bin

run() {
  local name=$1 start=$SECONDS
  shift
  echo "== $name"
  "$@"
  echo "== $name: ok in $((SECONDS - start)) s"
}

run node     node tests/runtime/node.test.mjs
# --allow-read only for the .wasm node.js reads; --no-check: see deno.test.js.
run deno     "$bin/deno" test --no-check --allow-read=pkg/edge_sessions_bg.wasm tests/runtime/deno.test.js
run bun      "$bin/bun" tests/runtime/bun.run.mjs
run workerd  node tests/runtime/workerd.run.mjs
run chromium node tests/runtime/chromium.run.mjs
