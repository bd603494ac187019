#!/usr/bin/env bash
# `make bench`: the whole benchmark suite in one run, figures printed, no
# assertions on time. In order: the request cycle in Node, on the two-key
# and the realistic session (edge-sessions' signed entry, its raw-export
# floor, the full module's engines, the native core, the npm peers), the cycle
# inside workerd, cold start (Node, workerd), wasm size and what takes the
# bytes, memory after 1M cycles against 10k. Results also land in
# $BENCH_OUT (default target/bench/results/, ignored by git): latest.json
# (the Node table, the `size` and `cold` lists), workerd.json,
# coldstart.json, size.json, memory.json. `--record` then copies them to
# bench/results/, the snapshot that is committed with the figures it backs.
#
# Needs pkg/ built (make build). Installs what is missing: bench/'s own
# node_modules (npm ci --prefix bench; the root install is left alone),
# the root tooling (miniflare, esbuild, binaryen) if absent.
# Env knobs: BENCH_SAMPLES, BENCH_TARGET_MS, BENCH_WORKERD_TARGET_MS,
# BENCH_ROWS, BENCH_PAYLOADS, BENCH_COLD_RUNS, BENCH_COLD_WORKERD_RUNS,
# BENCH_MEMORY_CYCLES.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -f pkg/edge_sessions_bg.wasm ] || [ ! -f pkg/node.js ]; then
  echo "bench: pkg/ is not built; run make build first" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/miniflare ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi
# npm may drop the link to pkg/ (see the Makefile's build target).
[ -e node_modules/edge-sessions ] || ln -sfn ../pkg node_modules/edge-sessions
if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  npm ci --prefix bench --no-audit --no-fund
fi
cargo build --release --quiet -p edge-sessions-tools --bin bench_cycle
export BENCH_OUT="${BENCH_OUT:-target/bench/results}"
rm -f "$BENCH_OUT"/*.json

failed=()
step() {
  local name=$1
  shift
  local start=$SECONDS
  if ! "$@"; then
    failed+=("$name")
    echo "bench: $name FAILED" >&2
  fi
  echo "($name: $((SECONDS - start)) s)"
}
step "node cycle" node bench/run.mjs
step "workerd cycle" node bench/workerd.mjs
step "cold start" node bench/coldstart.mjs
step "size" node bench/size.mjs
step "memory" node bench/memory.mjs

if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
if [ "${1:-}" = "--record" ]; then
  cp "$BENCH_OUT"/*.json bench/results/
  echo "bench: recorded in bench/results/"
fi
echo "bench: done in ${SECONDS} s; results in $BENCH_OUT/"
