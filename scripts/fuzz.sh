#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for a while, one after the
# other on one core, and prints how many inputs each one executed.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     (default: 60, all)
#
# Each run starts from the committed corpus, fuzz/corpus/<target>/, and
# writes what it finds to fuzz/target/corpus/<target>/ (ignored by git).
# With FUZZ_MINIMIZE=1 the findings are merged into the committed corpus,
# which is then minimized with `cargo fuzz cmin` on edge coverage alone
# (-use_counters=0: hit counts would keep thousands of inputs, and the
# corpus is replayed by `cargo test`, so it stays small). A crash leaves its input
# in fuzz/artifacts/<target>/; the script goes on with the other targets
# and exits 1 at the end.
#
# Needs the nightly toolchain and cargo-fuzz (installed here when missing).
# FUZZ_SANITIZER (default none: the crate has no unsafe code) and
# FUZZ_FLAGS (extra libFuzzer flags) are passed through.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
case $seconds in
  '' | *[!0-9]*) echo "usage: $0 [seconds-per-target] [target ...]" >&2; exit 2 ;;
esac

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzzing needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi

fuzz=(cargo +nightly fuzz)
# Debug assertions on: an arithmetic overflow is a finding even where the
# release build would wrap.
build_flags=(--sanitizer "${FUZZ_SANITIZER:-none}" --debug-assertions)

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <("${fuzz[@]}" list)
fi

"${fuzz[@]}" build "${build_flags[@]}" >/dev/null

failed=()
summary=()
for target in "${targets[@]}"; do
  committed=fuzz/corpus/$target
  work=fuzz/target/corpus/$target
  log=fuzz/target/logs/$target.log
  mkdir -p "$committed" "$work" "$(dirname "$log")" "fuzz/artifacts/$target"
  echo "== $target: ${seconds}s from $(find "$committed" -type f | wc -l) corpus inputs"
  status=0
  # One process, one core (as -jobs=1 -workers=1, but logging here, not to
  # fuzz-0.log). New inputs go to the first corpus directory: the work one.
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  "${fuzz[@]}" run "${build_flags[@]}" "$target" "$work" "$committed" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ -z "$runs" ]; then
    runs=$(sed -n -e 's/^Done \([0-9]*\) runs.*/\1/p' -e 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -1)
  fi
  line="$target: ${runs:-?} executions in ${seconds}s"
  if [ "$status" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    line="$line, FAILED (exit $status${artifact:+, input $artifact}; log $log)"
    grep -m1 -A3 -E "panicked at|ERROR: libFuzzer|deadly signal|timeout" "$log" || true
    failed+=("$target")
  fi
  echo "$line"
  summary+=("$line")
  if [ "${FUZZ_MINIMIZE:-0}" = 1 ] && [ "$status" -eq 0 ]; then
    cp -n "$work"/* "$committed"/ 2>/dev/null || true
    "${fuzz[@]}" cmin "${build_flags[@]}" "$target" "$committed" -- -use_counters=0 >>"$log" 2>&1
    echo "$target: corpus minimized to $(find "$committed" -type f | wc -l) inputs"
  fi
done

echo
echo "executions per target:"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
