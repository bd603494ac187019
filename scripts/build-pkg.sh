#!/usr/bin/env bash
# Builds pkg/, the npm package: the core compiled to four wasm modules
# (`edge-sessions`, `edge-sessions/signed`, and the side modules of
# `edge-sessions/digests` and `edge-sessions/django`), wasm-bindgen's glue
# for each (--target web: it accepts a WebAssembly.Module, bytes or a URL),
# wasm-opt -Oz from npm's binaryen, then the hand-written js/ layer.
# `--js-only` refreshes just the js/ layer in an existing pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."

copy_js() {
  cp js/*.js js/entries/*.js js/*.d.ts js/package.json pkg/
  mkdir -p pkg/adapters pkg/sql && cp js/adapters/*.js js/adapters/*.d.ts pkg/adapters/
  cp js/sql/*.sql pkg/sql/ 2>/dev/null || true
  cp js/README.md LICENSE pkg/ # the npm-facing README (the repository's is README.md)
}
if [ "${1:-}" = "--js-only" ]; then
  copy_js
  exit 0
fi

# name: the glue's file name; features: what the module holds (Cargo.toml).
MODULES=(
  "edge_sessions:sessions,stores"
  "edge_sessions_signed:sessions"
  "edge_sessions_digests:digests"
  "edge_sessions_django:csrf"
)
WASM=target/wasm32-unknown-unknown/release/edge_sessions.wasm
# Built aside, then moved in file by file (rename is atomic), so tests
# running meanwhile never see a half-written package.
STAGE=target/pkg-stage
rm -rf "$STAGE" && mkdir -p "$STAGE" pkg
for module in "${MODULES[@]}"; do
  name=${module%%:*}
  features=${module#*:}
  cargo build --lib --release --target wasm32-unknown-unknown --no-default-features --features "$features"
  # Kept for the size guard (scripts/size-guard.mjs reads the names section).
  cp "$WASM" "$STAGE/$name.raw.wasm"
  # One result per export (see the script): Node 20's V8 compiles the module 2.5x faster.
  node scripts/single-results.mjs "$WASM" "$STAGE/$name.input.wasm"
  # --weak-refs: sessions a request drops are freed by the GC, no .free() needed.
  wasm-bindgen --target web --weak-refs --out-dir "$STAGE" --out-name "$name" "$STAGE/$name.input.wasm"
  # Only npm's binaryen: Debian's older wasm-opt emits modules that fail to load.
  # A big function with one caller stays a function of its own: V8 compiles a
  # function whole on its first call, so the cold paths folded into a hot one
  # (inflate into unsign, settings parsing into the constructor) were compiled
  # by the first request too (17 -> 14 ms in a fresh Node process; same size).
  node_modules/.bin/wasm-opt -Oz --one-caller-inline-max-function-size 200 \
    --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    "$STAGE/${name}_bg.wasm" -o "$STAGE/${name}_bg.wasm"
done
# The glue's own declarations are for type-checking js/ (js/tsconfig.json), not shipped.
mkdir -p target/glue-types
for module in "${MODULES[@]}"; do
  name=${module%%:*}
  mv -f "$STAGE/${name}_bg.wasm" "$STAGE/$name.js" pkg/
  mv -f "$STAGE/$name.d.ts" target/glue-types/
done

copy_js

for module in "${MODULES[@]}"; do
  name=${module%%:*}
  raw=$(wc -c < "pkg/${name}_bg.wasm")
  gz=$(gzip -9 -c "pkg/${name}_bg.wasm" | wc -c)
  echo "pkg/${name}_bg.wasm: $raw bytes, $gz gzip -9"
done
