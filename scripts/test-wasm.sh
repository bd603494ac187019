#!/usr/bin/env bash
# The wasm boundary tests (#[wasm_bindgen_test] in src/wasm/tests.rs), in
# Node and in headless Chromium. A runner that is misconfigured can report
# success after running nothing, so each run must show a count above zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner

run() {
  local where=$1 out
  shift
  out=$(env "$@" cargo test --target wasm32-unknown-unknown --lib 2>&1) || { echo "$out"; exit 1; }
  local passed
  passed=$(echo "$out" | sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' | tail -1)
  if [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
    echo "$out"
    echo "wasm-bindgen-test ($where): no tests ran" >&2
    exit 1
  fi
  echo "wasm-bindgen-test ($where): $passed passed"
}

run node WASM_BINDGEN_USE_BROWSER=
run chromium WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)"
