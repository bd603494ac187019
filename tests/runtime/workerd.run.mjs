// The runtime suite inside workerd, through Miniflare's JS API. Miniflare's
// `engines` asks for Node >= 22, but this API runs on Node 20 (checked on 20.20).
// Run: node tests/runtime/workerd.run.mjs
import { fileURLToPath } from "node:url";
import path from "node:path";
import { Miniflare } from "miniflare";
import { report } from "./suite.js";
import { resolveEntry } from "./exports.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// Miniflare does not resolve npm packages: resolve "edge-sessions" with the
// conditions wrangler's bundler uses for Workers.
const entry = resolveEntry(["workerd", "worker", "browser", "import", "default"]);
console.log(`workerd: edge-sessions -> ${entry}`);

// An in-memory worker beside suite.js; Miniflare follows its static imports
// (entry -> edge_sessions.js, api.js, errors.js, adapters/memory.js, the .wasm).
const scriptPath = path.join(ROOT, "tests/runtime/workerd.worker.mjs");
const script = `
import * as lib from ${JSON.stringify("./" + path.relative(path.dirname(scriptPath), entry))};
import { runSuite, FETCH_DROPS_COOKIES } from "./suite.js";
export default {
  async fetch() {
    return Response.json({ userAgent: navigator.userAgent, dropsCookies: FETCH_DROPS_COOKIES, results: await runSuite(lib) });
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
  const { userAgent, dropsCookies, results } = await response.json();
  console.log(`workerd: navigator.userAgent = ${userAgent}`);
  if (dropsCookies) console.log("workerd: Fetch drops Set-Cookie/Cookie here: cookie tests read plain Headers (see suite.js)");
  ok = report("workerd", results);
} finally {
  await mf.dispose();
}
process.exitCode = ok ? 0 : 1;
