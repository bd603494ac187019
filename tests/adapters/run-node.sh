#!/usr/bin/env bash
# The Node adapter suite against real servers: Redis, PostgreSQL and MariaDB
# from REDIS_URL / DATABASE_URL / MYSQL_URL (`make test` exports them), else a set started
# here (scripts/services.sh) and stopped whatever happened. Runs the
# contract over every adapter (node.run.mjs), then the adapter, fault and
# CLI tests (node:test). Needs pkg/ built and linked as
# node_modules/edge-sessions (make build).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/services.bash

trap stop_own_services EXIT
need_services redis postgres mysql

status=0
node tests/adapters/node.run.mjs || status=1
# One file at a time: the fault tests pause every Redis client for a second.
node --test --test-concurrency=1 tests/adapters/node-adapters.test.mjs tests/adapters/faults.test.mjs tests/adapters/cli.test.mjs || status=1
exit $status
