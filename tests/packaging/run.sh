#!/usr/bin/env bash
# The packaging checks on the built pkg/: what `npm pack` would publish,
# the `exports` map under Node, Deno, Bun, workerd and esbuild, publint,
# and tsc on every example and on a TS consumer of every subpath.
# Needs `npm ci` and the built package linked as node_modules/edge-sessions.
set -euo pipefail
cd "$(dirname "$0")/../.."
node --test tests/packaging/*.test.mjs
