#!/usr/bin/env bash
# The Node adapter suite against real servers: starts throwaway Redis and
# PostgreSQL (scripts/services.sh), runs the contract over every adapter
# (node.run.mjs), then the adapter, fault and CLI tests (node:test), and
# stops the servers whatever happened. Needs pkg/ built and linked as
# node_modules/edge-sessions (make build).
set -euo pipefail
cd "$(dirname "$0")/../.."

trap 'scripts/services.sh stop' EXIT
eval "$(scripts/services.sh start)"

status=0
node tests/adapters/node.run.mjs || status=1
# One file at a time: the fault tests pause every Redis client for a second.
node --test --test-concurrency=1 tests/adapters/node-adapters.test.mjs tests/adapters/faults.test.mjs tests/adapters/cli.test.mjs || status=1
exit $status
