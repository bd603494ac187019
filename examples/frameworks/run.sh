#!/usr/bin/env bash
# The framework examples, each built by its framework's own build command,
# started with its own production server on a free port, and driven over
# HTTP (support/drive.mjs): React Router 7, SvelteKit, Astro, Next.js, and
# the Fresh middleware under Deno. One line per check: `pass: ...` or
# `FAIL: ...`; exits non-zero if any example failed.
# Needs the built package (`make build`: pkg/) and the repository's `npm ci`
# (tsc is the examples' own; Deno is the repository's). Installs the
# examples' dependencies (`npm ci` here) when they are missing or stale.
# DEV=1 also drives each example in its framework's dev server.
set -uo pipefail
cd "$(dirname "$0")"
here=$PWD
root=$(cd ../.. && pwd)
bin=$here/node_modules/.bin
export NEXT_TELEMETRY_DISABLED=1 ASTRO_TELEMETRY_DISABLED=1 NO_COLOR=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0
failed=()

# CPU seconds (user + system) used so far by this script's children, in
# $CPU: the figure that does not depend on what else the machine runs.
# (`times` runs in this shell: a $(...) subshell has no children of its own.)
cpu_now() {
  times > "$logs/times"
  CPU=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } printf "%d", s }' "$logs/times")
}

if [ ! -f "$root/pkg/edge_sessions_bg.wasm" ]; then
  echo "frameworks: no built package in pkg/ (run make build)"
  exit 1
fi

start=$SECONDS
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || exit 1
fi
# edge-sessions as npm installs it: the files `npm pack` publishes, copied
# into node_modules (not the link `npm ci` made to pkg/, which bundlers take
# for the app's own source). Refreshed on every run.
rm -rf node_modules/edge-sessions && mkdir -p node_modules/edge-sessions &&
  npm pack "$root/pkg" --pack-destination "$logs" --silent > /dev/null &&
  tar -xzf "$logs"/edge-sessions-*.tgz -C node_modules/edge-sessions --strip-components=1 || exit 1
cpu_now
echo "frameworks: dependencies ready in $((SECONDS - start)) s (CPU $CPU s)"

run() {
  local name=$1 start=$SECONDS cpu0
  cpu_now
  cpu0=$CPU
  shift
  if ("$@") > "$logs/$name.log" 2>&1; then
    passed=$((passed + 1))
    cpu_now
    grep -E '^pass: |^# (pass|fail) ' "$logs/$name.log"
    echo "ok: $name, built and tested in $((SECONDS - start)) s (CPU $((CPU - cpu0)) s)"
  else
    failed+=("$name")
    grep -E '^(pass|FAIL): ' "$logs/$name.log"
    echo "--- $name: last lines of its log"
    tail -n 60 "$logs/$name.log"
    echo "FAIL: $name, after $((SECONDS - start)) s"
  fi
}

# With DEV=1: serve.mjs on the framework's dev server (its port from $PORT).
# dev <label> <dir> <kind> <page> <command line> [NAME=value...]
dev() {
  [ "${DEV:-}" = 1 ] || return 0
  local label=$1 dir=$2 kind=$3 page=$4 command=$5
  shift 5
  env ENV_NODE_ENV=development "$@" node support/serve.mjs "$label" "$dir" "$kind" "$page" /logout -- sh -c "exec $command"
}

# Each serve.mjs call: <label> <dir> <server|signed> <page> <logout> -- <server command>.
react_router() {
  cd "$here/react-router" && rm -rf build .react-router &&
    "$bin/react-router" typegen && "$bin/tsc" --noEmit && "$bin/react-router" build &&
    cd "$here" && node --test react-router/test/storage.test.mjs &&
    EXTRA=react-router/test/session-storage.mjs node support/serve.mjs "react-router (cache engine)" react-router server / /logout \
      -- "$bin/react-router-serve" ./build/server/index.js &&
    EXTRA=react-router/test/session-storage.mjs ENV_SESSION_ENGINE=signed_cookies node support/serve.mjs "react-router (signed_cookies)" react-router signed / /logout \
      -- "$bin/react-router-serve" ./build/server/index.js &&
    dev "react-router (react-router dev)" react-router server / "$bin/react-router dev --port \$PORT --host 127.0.0.1 --strictPort" \
      EXTRA=react-router/test/session-storage.mjs
}

sveltekit() {
  cd "$here/sveltekit" && rm -rf build .svelte-kit &&
    "$bin/svelte-kit" sync && "$bin/tsc" --noEmit && "$bin/vite" build &&
    cd "$here" && node support/serve.mjs sveltekit sveltekit server / /logout -- node build &&
    dev "sveltekit (vite dev)" sveltekit server / "$bin/vite dev --port \$PORT --host 127.0.0.1 --strictPort"
}

astro() {
  cd "$here/astro" && rm -rf dist .astro &&
    "$bin/astro" sync && "$bin/tsc" --noEmit && "$bin/astro" build &&
    cd "$here" && node support/serve.mjs astro astro server / /logout -- node ./dist/server/entry.mjs &&
    dev "astro (astro dev)" astro server / "$bin/astro dev --port \$PORT --host 127.0.0.1"
}

# next build type-checks the app itself (TypeScript, with Next's plugin).
# App Router pages carry Next's own Vary (PAGE_VARY=0; see docs/frameworks.md).
next() {
  cd "$here/next" && rm -rf .next && "$bin/next" build &&
    cd "$here" &&
    PAGE_VARY=0 EXTRA=next/test/middleware.mjs node support/serve.mjs "next (edge middleware, page)" next signed / /logout -- "$bin/next" start &&
    node support/serve.mjs "next (edge route handler)" next signed /api/visits /logout -- "$bin/next" start &&
    node support/serve.mjs "next (Node.js route handler)" next signed /api/node-visits /logout -- "$bin/next" start &&
    dev "next (next dev, middleware page)" next signed / "$bin/next dev --port \$PORT --hostname 127.0.0.1" PAGE_VARY=0 EXTRA=next/test/middleware.mjs &&
    dev "next (next dev, edge route handler)" next signed /api/visits "$bin/next dev --port \$PORT --hostname 127.0.0.1"
}

# The integrations' rules against Sessions.handle, frameworks played by plain objects.
rules() {
  node --test "$root"/tests/frameworks/*.test.mjs
}

# Fresh is on JSR, which this machine cannot reach: the middleware runs under
# Deno behind a context shaped as Fresh 2's (see fresh/fresh_shaped.test.ts).
fresh() {
  "$root/node_modules/.bin/deno" test --allow-net=127.0.0.1 --allow-env --allow-read fresh/fresh_shaped.test.ts
}

if [ $# -eq 0 ]; then set -- rules react-router sveltekit astro next fresh; fi
for name in "$@"; do
  case $name in
    react-router) run react-router react_router ;;
    rules | sveltekit | astro | next | fresh) run "$name" "$name" ;;
    *) echo "frameworks: no example $name"; failed+=("$name") ;;
  esac
done

echo "frameworks: ${passed} passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
