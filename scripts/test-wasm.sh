#!/usr/bin/env bash
# The wasm boundary tests (#[wasm_bindgen_test] in src/wasm/tests.rs), in
# Node and in headless Chromium (one build, two runs; both run even when the
# first fails). Two traps are checked, not trusted:
#  - a runner that is misconfigured can report success after running
#    nothing, so each run must show a count above zero;
#  - wasm-bindgen-test-runner picks the browser when WASM_BINDGEN_USE_BROWSER
#    is set at all, even empty, so the Node run unsets it, and each run must
#    say where it ran (Chrome's banner in one, not in the other).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner

status=0
run() {
  local where=$1 out rc passed summary
  shift
  out=$(env "$@" cargo test --target wasm32-unknown-unknown --lib 2>&1)
  rc=$?
  echo "$out"
  summary=$(echo "$out" | grep -E '^test result: ' | tail -n 1)
  passed=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed.*/\1/p' <<<"$summary")
  if [ "$where" = chromium ] && ! grep -q 'headless tests in Chrome' <<<"$out"; then
    echo "wasm-bindgen-test ($where): FAILED: the runner did not use Chromium" >&2
    status=1
  elif [ "$where" = node ] && grep -q 'tests in Chrome' <<<"$out"; then
    echo "wasm-bindgen-test ($where): FAILED: the runner used a browser, not Node" >&2
    status=1
  elif [ -z "$passed" ] || { [ "$passed" -eq 0 ] && [ $rc -eq 0 ]; }; then
    echo "wasm-bindgen-test ($where): FAILED: no tests ran" >&2
    status=1
  else
    echo "wasm-bindgen-test ($where): ${summary#test result: }"
    [ $rc -eq 0 ] || status=1
  fi
}

run node -u WASM_BINDGEN_USE_BROWSER WASM_BINDGEN_TEST_ONLY_NODE=1
run chromium WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)"
exit $status
