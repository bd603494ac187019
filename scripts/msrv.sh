#!/usr/bin/env bash
# The declared minimum Rust (Cargo.toml's `rust-version`) builds the library:
# `cargo check` of the lib with that very toolchain, natively with every
# feature and for wasm32 with each module's features (scripts/build-pkg.sh's
# three), so a newer std API, language feature or dependency would fail here.
# Not covered: the tests and tools (their dev-dependencies may need a newer
# Rust; they build with rust-toolchain.toml's pinned release), and codegen
# (a check does not run LLVM).
#
# Installs the MSRV toolchain (minimal profile, + wasm32 target) when missing.
# When it cannot be installed (no network to the Rust dist server), prints
# `SKIPPED: <why>` and exits 3: not a pass (`make msrv` goes on; `make test`
# lists it as SKIPPED).
# The check's build directory is a cache outside the checkout
# ($EDGE_SESSIONS_CACHE, default ~/.cache/edge-sessions), shared by clones.
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)
pinned=$(sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' rust-toolchain.toml)
[ -n "$msrv" ] || { echo "msrv: FAILED: Cargo.toml declares no rust-version" >&2; exit 1; }
# The pinned toolchain must not be older than what we claim to support.
if [ "$(printf '%s\n%s\n' "$msrv" "$pinned" | sort -V | head -n 1)" != "$msrv" ]; then
  echo "msrv: FAILED: rust-toolchain.toml pins $pinned, older than the declared rust-version $msrv" >&2
  exit 1
fi

host=$(rustc -vV | sed -n 's/^host: //p')
toolchain=$msrv-$host
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1 ||
  ! rustup target list --installed --toolchain "$toolchain" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "msrv: installing Rust $msrv (minimal profile, wasm32 target)"
  if ! out=$(rustup toolchain install "$msrv" --profile minimal --target wasm32-unknown-unknown --no-self-update 2>&1); then
    echo "$out" | tail -n 3
    echo "SKIPPED: Rust $msrv (the declared rust-version) cannot be installed here, so nothing checked it"
    exit 3
  fi
fi

export CARGO_TARGET_DIR=${EDGE_SESSIONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/edge-sessions}/msrv-target
check() {
  local what=$1
  shift
  if ! out=$(cargo "+$toolchain" check --quiet --lib -p edge-sessions "$@" 2>&1); then
    echo "$out"
    echo "msrv: FAILED: the lib ($what) does not build with Rust $msrv"
    exit 1
  fi
  echo "msrv: lib ($what) builds with $(rustup run "$toolchain" rustc --version | cut -d' ' -f1-2)"
}
check "native, every feature" --all-features
# The wasm modules' feature sets, as scripts/build-pkg.sh lists them ("name:features").
modules=$(sed -n 's/^ *"[a-z_]*:\([a-z,]*\)"$/\1/p' scripts/build-pkg.sh)
[ -n "$modules" ] || { echo "msrv: FAILED: no MODULES found in scripts/build-pkg.sh" >&2; exit 1; }
for features in $modules; do
  check "wasm32, $features" --target wasm32-unknown-unknown --no-default-features --features "$features"
done
echo "msrv: ok: rust-version $msrv (pinned toolchain $pinned)"
