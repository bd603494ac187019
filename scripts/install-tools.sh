#!/usr/bin/env bash
# Installs what a fresh machine (Rust, Node 20, npm, Python 3) lacks for the
# build and the tests: the wasm target, wasm-bindgen-cli at the version in
# Cargo.lock, the npm tooling, and Debian's Chromium + ChromeDriver.
# Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
  # --locked can fail when the registry lacks one pinned crate; retry unlocked.
  cargo install wasm-bindgen-cli --version "$want" --locked || cargo install wasm-bindgen-cli --version "$want"
fi

[ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/miniflare ] || npm ci --no-audit --no-fund

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq chromium chromium-driver >/dev/null
fi
