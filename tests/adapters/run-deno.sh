#!/usr/bin/env bash
# The storage contract against Deno's own stores (tests/adapters/deno.test.js)
# under real Deno: Deno KV, files and node:sqlite, in a fresh temp directory.
# Prints `deno adapters: N passed, M failed`; fails on a failure or when N is 0.
# Extra arguments go to `deno test` (e.g. --filter deno-kv).
# Needs `npm ci` and the built package linked as node_modules/edge-sessions.
set -uo pipefail
cd "$(dirname "$0")/../.."   # the repo root: the flags use paths from here

dir=$(mktemp -d "${TMPDIR:-/tmp}/edge-sessions-deno.XXXXXX")
log=$(mktemp "${TMPDIR:-/tmp}/edge-sessions-deno-log.XXXXXX")
trap 'rm -rf "$dir" "$log"' EXIT

# --unstable-kv: Deno.openKv is still unstable in Deno 2. Reads: the .wasm
# the package loads and the temp dir; writes: the temp dir only.
# --no-check: see tests/runtime/deno.test.js.
NO_COLOR=1 node_modules/.bin/deno test --no-check --unstable-kv \
  --allow-read="pkg/edge_sessions_bg.wasm,$dir" --allow-write="$dir" \
  "$@" tests/adapters/deno.test.js -- "$dir" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Deno's own last line: `ok | 32 passed | 0 failed (3s)` or `FAILED | ...`.
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1)
passed=$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")
failed=$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")
passed=${passed:-0}
failed=${failed:-0}
echo "deno adapters: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
