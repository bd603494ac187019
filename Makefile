# edge-sessions. On a fresh machine (Rust, Node 20, npm, Python 3):
#   make demo   builds the package and serves the demo site (workerd via Miniflare)
#   make test   installs what is missing, then runs the whole suite
# `make conformance VECTORS=<file>` replays Django oracle vectors through the
# native core and through the built package.

VECTORS ?= tests/fixtures/vectors.json
WASM_TARGET := wasm32-unknown-unknown

.PHONY: test setup lint build demo conformance docs bench fuzz test-hostile test-native test-wasm test-js test-adapters test-interop test-examples test-packaging

## The whole suite: lints, native tests, the package in Node, Chromium,
## Deno, workerd and Bun, the conformance replays, and the demo end to end.
test: setup lint test-native build test-wasm test-js test-adapters test-interop test-examples test-packaging test-hostile conformance

## What a fresh machine lacks: wasm target, wasm-bindgen-cli, npm tooling, Chromium.
setup:
	scripts/install-tools.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) -- -D warnings

test-native:
	cargo test --all-targets
	cargo test --doc

## pkg/: the npm package (wasm + glue + js/), linked as node_modules/edge-sessions
## so tests import it by name, as users do.
build:
	scripts/build-pkg.sh
	ln -sfn ../pkg node_modules/edge-sessions

## The wasm boundary in Node and headless Chromium (wasm-bindgen-test).
test-wasm:
	scripts/test-wasm.sh

## The JS API (node:test), the runtime suite in every runtime, the demo in Chromium.
test-js:
	node --test tests/js/
	tests/runtime/run-all.sh
	node --test tests/e2e/

## The storage contract on every adapter against the real component:
## Node (Redis and PostgreSQL servers started here, SQLite, files), Deno
## (Deno KV, SQLite, files) and workerd (KV, D1, Cache API, Durable Objects).
test-adapters:
	tests/adapters/run-node.sh
	tests/adapters/run-deno.sh
	node tests/adapters/workerd.run.mjs

## Sessions shared with a real Django (PyPI) both ways: 5.2, and 6.x where
## a Python 3.12 exists.
test-interop:
	tests/interop/run.sh
	tests/interop/run-django6.sh

## Hostile input through the JS API (each case then proves the same wasm
## instance still works), overlapping requests on every store, secrets.
test-hostile:
	tests/hostile/run.sh

## Every example, run (Workers in workerd, Deno, Node, Hono, a browser page).
test-examples:
	examples/run-all.sh

## What npm would publish, how each runtime and esbuild resolve it, publint, tsc.
test-packaging:
	tests/packaging/run.sh

## API reference from the TSDoc (docs/api/) and the crate's rustdoc (target/doc/).
docs:
	node_modules/.bin/typedoc --options docs/typedoc.json
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib

## Runs each cargo-fuzz target for FUZZ_SECONDS (nightly; installs cargo-fuzz
## if missing) and prints executions per target. `make test` replays the
## committed corpora (tests/fuzz_corpus.rs) on stable.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

## Speed, size, cold start and memory against the peers (prints figures and
## writes bench/results/; asserts nothing).
bench: setup build
	bench/run-all.sh

demo: setup build
	node demo/serve.mjs

## Replays a vectors file; last lines `native: ...` and `js: N passed, M failed, K skipped`.
conformance: build
	cargo run --quiet --release --bin conformance -- $(VECTORS)
	node tests/js/conformance.mjs $(VECTORS)
