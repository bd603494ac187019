// The runtime suite inside workerd, through Miniflare's JS API (works on Node 20
// despite Miniflare's Node >= 22 notice). Run: node tests/runtime/workerd.run.mjs
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { Miniflare } from "miniflare";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// Miniflare does not resolve npm packages, so resolve "edge-sessions" as
// wrangler's bundler would for Workers: the first `exports["."]` condition
// among these wins (the package's map is flat).
const CONDITIONS = ["workerd", "worker", "browser", "import", "default"];
const manifest = new URL(import.meta.resolve("edge-sessions/package.json"));
const dot = JSON.parse(readFileSync(manifest, "utf8")).exports["."];
const entry = fileURLToPath(new URL(dot[Object.keys(dot).find((c) => CONDITIONS.includes(c))], manifest));
console.log(`workerd: edge-sessions -> ${entry}`);

// An in-memory worker beside suite.js; Miniflare follows its static imports
// (entry -> edge_sessions.js, api.js, errors.js, adapters/memory.js, the .wasm).
const scriptPath = path.join(ROOT, "tests/runtime/workerd.worker.mjs");
const script = `
import * as lib from ${JSON.stringify("./" + path.relative(path.dirname(scriptPath), entry))};
import { runSuite } from "./suite.js";
export default {
  async fetch() {
    return Response.json({ userAgent: navigator.userAgent, results: await runSuite(lib) });
  },
};`;

const mf = new Miniflare({
  modules: true,
  modulesRoot: ROOT,
  scriptPath,
  script,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    // What wrangler does with a .wasm import: a precompiled WebAssembly.Module.
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2026-01-01",
});

let ok = false;
try {
  const response = await mf.dispatchFetch("http://localhost/");
  if (!response.ok) throw new Error(`worker answered ${response.status}: ${await response.text()}`);
  const { userAgent, results } = await response.json();
  console.log(`workerd: navigator.userAgent = ${userAgent}`);
  ok = (await import("./suite.js")).report("workerd", results);
} finally {
  await mf.dispose();
}
process.exitCode = ok ? 0 : 1;
