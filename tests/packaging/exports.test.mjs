// The package's `exports` map as each consumer resolves it: Node, Deno and
// Bun (their own resolvers, running fixtures/probe.mjs), workerd (bundled
// with wrangler's conditions, then run by Miniflare), and a bundler
// (esbuild's CLI with --platform=browser, --platform=node and
// --conditions=workerd). Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker } from "../../examples/support/workerd.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = realpathSync(path.join(ROOT, "node_modules/edge-sessions")); // where the link points: pkg/
const BIN = path.join(ROOT, "node_modules/.bin");
const manifest = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
const adapters = readdirSync(path.join(PKG, "adapters")).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3));

/** Every public specifier and the file (relative to the package) Node-like runtimes must pick. */
const PUBLIC = {
  "edge-sessions": "node.js",
  "edge-sessions/manual": "manual.js",
  "edge-sessions/hono": "hono.js",
  ...Object.fromEntries(["react-router", "sveltekit", "astro", "next", "fresh"].map((f) => [`edge-sessions/${f}`, `${f}.js`])),
  "edge-sessions/wasm": "edge_sessions_bg.wasm",
  "edge-sessions/package.json": "package.json",
  ...Object.fromEntries(adapters.map((a) => [`edge-sessions/adapters/${a}`, `adapters/${a}.js`])),
};
/** Paths that exist in the package but are not part of its API. */
const PRIVATE = ["edge-sessions/api.js", "edge-sessions/edge_sessions.js", "edge-sessions/errors.js", "edge-sessions/sessions-for.js"];

const tmp = mkdtempSync(path.join(tmpdir(), "edge-sessions-exports-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("every exports target exists, and \".\" lists the runtime conditions before browser/default", () => {
  const dot = manifest.exports["."];
  assert.deepEqual(Object.keys(dot), ["types", "workerd", "deno", "bun", "node", "edge-light", "browser", "default"]);
  for (const [sub, target] of Object.entries(manifest.exports)) {
    for (const file of typeof target === "string" ? [target] : Object.values(target)) {
      if (!file.includes("*")) assert.doesNotThrow(() => readFileSync(path.join(PKG, file)), `${sub} -> ${file}`);
    }
  }
  assert.deepEqual(manifest.exports["./hono"], { types: "./hono.d.ts", default: "./hono.js" });
});

const PROBE = path.join(ROOT, "tests/packaging/fixtures/probe.mjs");
const specifiers = JSON.stringify([...Object.keys(PUBLIC), ...PRIVATE]);

/** Runs the probe in a runtime; checks what it resolved and that the entry it chose works. */
function probe(runtime, command, args) {
  const output = execFileSync(command, [...args, PROBE], {
    cwd: ROOT, env: { ...process.env, PROBE_SPECIFIERS: specifiers, NO_COLOR: "1" }, encoding: "utf8",
  });
  const { resolved, roundTrip, middleware } = JSON.parse(output.trim().split("\n").at(-1));
  for (const [specifier, file] of Object.entries(PUBLIC)) {
    assert.equal(resolved[specifier], pathToFileURL(path.join(PKG, file)).href, `${runtime}: ${specifier}`);
  }
  for (const specifier of PRIVATE) assert.match(resolved[specifier], /^error: /, `${runtime}: ${specifier} must not resolve`);
  assert.equal(roundTrip, true, `${runtime}: dumps/loads through the chosen entry`);
  assert.equal(middleware, "function", `${runtime}: edge-sessions/hono loads`);
  console.log(`${runtime}: edge-sessions -> ${path.relative(ROOT, fileURLToPath(resolved["edge-sessions"]))}`);
}

test("Node resolves every subpath (the node condition) and refuses private files", () => {
  probe("node", process.execPath, []);
});

test("Deno resolves every subpath (the deno condition)", () => {
  probe("deno", path.join(BIN, "deno"), ["run", "--quiet", `--allow-read=${ROOT}`, "--allow-env=PROBE_SPECIFIERS"]);
});

test("Bun resolves every subpath (the bun condition)", () => {
  probe("bun", path.join(BIN, "bun"), []);
});

const FIXTURE = path.join(ROOT, "tests/packaging/fixtures/entry.js");

/** esbuild's CLI on the fixture; the package files that went into the bundle. */
function esbuild(name, flags) {
  const meta = path.join(tmp, `${name}.json`);
  execFileSync(path.join(BIN, "esbuild"), [FIXTURE, "--bundle", "--format=esm", `--outdir=${path.join(tmp, name)}`,
    `--metafile=${meta}`, "--log-level=warning", ...flags], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const inputs = Object.keys(JSON.parse(readFileSync(meta, "utf8")).inputs).map((f) => path.resolve(ROOT, f));
  return inputs.filter((f) => f.startsWith(PKG + path.sep)).map((f) => path.relative(PKG, f)).sort();
}
const ENTRIES = ["browser.js", "node.js", "workerd.js", "edge-light.js", "manual.js"];
const entryIn = (files) => files.filter((f) => ENTRIES.includes(f));

test("esbuild --platform=browser picks browser.js (the .wasm as a file)", () => {
  const files = esbuild("browser", ["--platform=browser", "--loader:.wasm=file"]);
  assert.deepEqual(entryIn(files), ["browser.js"]);
  assert.ok(files.includes("hono.js") && files.includes("adapters/kv.js"));
});

test("esbuild --conditions=workerd picks workerd.js (the .wasm external)", () => {
  const files = esbuild("workerd", ["--platform=browser", "--conditions=workerd", "--external:*.wasm"]);
  assert.deepEqual(entryIn(files), ["workerd.js"]);
});

test("esbuild --platform=node picks node.js", () => {
  const files = esbuild("node", ["--platform=node", "--external:*.wasm"]);
  assert.deepEqual(entryIn(files), ["node.js"]);
});

test("workerd: a Worker bundled with wrangler's conditions loads the workerd entry and runs", async () => {
  const { modules, inputs } = await bundleWorker(path.join(ROOT, "tests/packaging/fixtures/worker.js"));
  const files = inputs.map((f) => path.relative(PKG, path.resolve(ROOT, f)));
  assert.deepEqual(entryIn(files), ["workerd.js"]);
  const mf = new Miniflare({ modules, modulesRoot: path.join(ROOT, "tests/packaging/fixtures"), compatibilityDate: "2026-01-01" });
  try {
    const response = await mf.dispatchFetch("http://localhost/");
    assert.deepEqual(await response.json(), { roundTrip: true, middleware: "function" });
  } finally {
    await mf.dispose();
  }
});
