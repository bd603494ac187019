#!/usr/bin/env bash
# Runs every example's test; each test runs its example for real: the
# Workers inside workerd (Miniflare), the Deno server under Deno, the Node
# server as a process, the page in headless Chromium, and the framework
# examples (React Router, SvelteKit, Astro, Next.js, Fresh) built and served
# by their frameworks (examples/frameworks/run.sh, which runs their one
# `npm ci` when needed). Runs them all side by side (each mostly waits on its
# runtime), prints each one's output whole, in order, then exits non-zero if
# any failed.
# Needs `npm ci`, the built package linked as node_modules/edge-sessions,
# and Chromium at /usr/bin/chromium (scripts/install-tools.sh).
set -uo pipefail
cd "$(dirname "$0")/.."   # the repo root: the tests' paths are from here
bin=node_modules/.bin
out=$(mktemp -d "${TMPDIR:-/tmp}/edge-sessions-examples.XXXXXX")
pids=()
names=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$out"' EXIT

run() {
  local name=$1
  shift
  names+=("$name")
  (
    start=$SECONDS
    "$@" >"$out/$name.log" 2>&1 </dev/null
    echo "$? $((SECONDS - start))" >"$out/$name.status"
  ) &
  pids+=($!)
}

run cloudflare-worker node --test examples/cloudflare-worker/test/*.test.mjs
# The Hono example (app.request() in Node, then workerd) and the middleware's own rules.
run hono node --test examples/hono/test/*.test.mjs tests/hono/*.test.mjs
run node node --test examples/node/test/*.test.mjs
run deno "$bin/deno" test --quiet --unstable-kv --allow-run --allow-env --allow-read --allow-write \
  --allow-net=127.0.0.1 examples/deno/main.test.js
run browser node --test examples/browser/test/*.test.mjs
run frameworks examples/frameworks/run.sh
wait

passed=0
failed=()
for name in "${names[@]}"; do
  read -r status secs <"$out/$name.status"
  echo "== examples/$name"
  cat "$out/$name.log"
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "== examples/$name: ok in $secs s"
  else
    failed+=("$name")
    echo "== examples/$name: FAILED in $secs s"
  fi
done

# An example directory this script does not know is reported, so it gets a line above.
for dir in examples/*/; do
  name=$(basename "$dir")
  case $name in
    cloudflare-worker | hono | node | deno | browser | frameworks | support) ;;
    django-interop | django-edge) echo "note: examples/$name is run against a real Django by make interop (tests/interop/run.sh)" ;;
    *) echo "note: examples/$name is not run by examples/run-all.sh" ;;
  esac
done

echo "examples: ${passed} passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
