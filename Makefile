# edge-sessions: `make test` runs the whole suite on a fresh machine
# (it installs what is missing); `make conformance VECTORS=<file>` replays
# Django oracle vectors through the core.

VECTORS ?= tests/fixtures/vectors.json
WASM_TARGET := wasm32-unknown-unknown

.PHONY: test setup lint conformance check-wasm

## The whole suite: format, lints, native tests (which replay every vector),
## and a build of the core for WebAssembly.
test: setup lint
	cargo test --all-targets
	cargo test --doc
	$(MAKE) check-wasm

## What a fresh machine lacks: the wasm target and the lint components.
setup:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

## The core must build for wasm32 (no threads, no blocking I/O, no clock).
check-wasm:
	cargo build --lib --release --target $(WASM_TARGET)

## Replays a vectors file; the last line is `native: N passed, M failed, K skipped`.
conformance:
	cargo run --quiet --release --bin conformance -- $(VECTORS)
