// Cold start: what loading edge-sessions costs a fresh process or isolate.
//
// Node: fresh child processes (interleaved, BENCH_COLD_RUNS each, default 15),
//   "steps": new WebAssembly.Module(bytes) (compile), import of the
//            wasm-bindgen glue, initSync (instantiate), then the first
//            request (new Sessions + one signed_cookies cycle, all cold JIT);
//   "import": `await import("edge-sessions")` as an application does it
//            (module graph + read + compile + instantiate), then the first request.
// workerd: fresh Miniflare instances (BENCH_COLD_WORKERD_RUNS each, default 7),
//   an empty Worker against one importing edge-sessions (module-level
//   initSync of the precompiled module) and running one cycle per request,
//   both bundled alike. Startup (`new Miniflare` until ready: workerd spawn,
//   script load, wasm compile + instantiate) and first / second request
//   latency; the package's cost is the difference of medians. Miniflare's
//   own startup is large and noisy beside it: read the difference with the IQRs.
// Writes bench/results/coldstart.json.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fmt, quantile } from "./harness.mjs";

const SELF = fileURLToPath(import.meta.url);
const [, , flag, mode] = process.argv;

// --- the child: one cold measurement, printed as JSON ------------------------------

async function firstRequest(Sessions) {
  const t = performance.now();
  const sessions = new Sessions({ secretKey: "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz", engine: "signed_cookies" });
  const first = sessions.open();
  await first.set("user_id", 42);
  const { setCookie } = await first.processResponse(200);
  const session = sessions.fromCookieHeader(`theme=dark; ${setCookie.split(";")[0]}`);
  await session.set("visits", ((await session.get("visits", 0)) ?? 0) + 1);
  await session.processResponse(200);
  return performance.now() - t;
}

if (flag === "--child") {
  const pkg = new URL(import.meta.resolve("edge-sessions/package.json"));
  const out = {};
  if (mode === "steps") {
    const bytes = readFileSync(new URL("edge_sessions_bg.wasm", pkg));
    let t = performance.now();
    const module = new WebAssembly.Module(bytes);
    out.compileMs = performance.now() - t;
    t = performance.now();
    const glue = await import(new URL("edge_sessions.js", pkg));
    out.glueImportMs = performance.now() - t;
    t = performance.now();
    glue.initSync({ module });
    out.instantiateMs = performance.now() - t;
    // api.js imports the same glue instance, already initialised.
    const { Sessions } = await import(new URL("api.js", pkg));
    out.firstRequestMs = await firstRequest(Sessions);
  } else {
    const t = performance.now();
    const { Sessions } = await import("edge-sessions");
    out.importMs = performance.now() - t;
    out.firstRequestMs = await firstRequest(Sessions);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

// --- the orchestrator ----------------------------------------------------------------

const stats = (list) => {
  const sorted = list.filter(Number.isFinite).sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), n: sorted.length };
};
const show = (s) => `${fmt(s.median)} ms (IQR ${fmt(s.p25)}–${fmt(s.p75)}, n=${s.n})`;
const results = { node: {}, workerd: {} };

console.log("\n== cold start ==");
const RUNS = Math.max(10, Number(process.env.BENCH_COLD_RUNS) || 15);
const node = { steps: [], import: [] };
for (let i = 0; i < RUNS; i++) {
  for (const m of ["steps", "import"]) {
    const child = spawnSync(process.execPath, [SELF, "--child", m], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(`cold-start child (${m}) failed: ${child.stderr}`);
    node[m].push(JSON.parse(child.stdout.trim().split("\n").pop()));
  }
}
const col = (list, key) => stats(list.map((r) => r[key]));
results.node = {
  compileMs: col(node.steps, "compileMs"),
  glueImportMs: col(node.steps, "glueImportMs"),
  instantiateMs: col(node.steps, "instantiateMs"),
  compilePlusInstantiateMs: stats(node.steps.map((r) => r.compileMs + r.instantiateMs)),
  firstRequestMs: col(node.steps, "firstRequestMs"),
  importMs: col(node.import, "importMs"),
  importFirstRequestMs: col(node.import, "firstRequestMs"),
};
const N = results.node;
console.log(`Node ${process.version}, ${RUNS} fresh processes per measure (medians):`);
console.log(`  new WebAssembly.Module(bytes)   ${show(N.compileMs)}`);
console.log(`  import glue (edge_sessions.js)  ${show(N.glueImportMs)}`);
console.log(`  initSync (instantiate)          ${show(N.instantiateMs)}`);
console.log(`  compile + instantiate           ${show(N.compilePlusInstantiateMs)}`);
console.log(`  first request after that       ${show(N.firstRequestMs)}  (new Sessions + a signed_cookies cycle, cold JIT)`);
console.log(`  await import("edge-sessions")   ${show(N.importMs)}  (the whole package, as an app loads it)`);
console.log(`  first request after the import  ${show(N.importFirstRequestMs)}`);

// workerd
const { Miniflare } = await import("miniflare");
const { bundleWorker, workerOptions } = await import("./bundle.mjs");
const WRUNS = Math.max(5, Number(process.env.BENCH_COLD_WORKERD_RUNS) || 7);
const empty = await bundleWorker({ source: `export default { fetch() { return new Response("ok"); } };` });
// Only edge-sessions in this one (cycles.mjs would bring every peer along).
const withPackage = await bundleWorker({
  source: `import { Sessions } from "edge-sessions";
let sessions, header;
export default {
  async fetch() {
    if (!sessions) {
      sessions = new Sessions({ secretKey: "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz", engine: "signed_cookies" });
      const first = sessions.open();
      await first.set("user_id", 42);
      header = "theme=dark; " + (await first.processResponse(200)).setCookie.split(";")[0];
    }
    const session = sessions.fromCookieHeader(header);
    await session.set("visits", (await session.get("visits", 0)) + 1);
    return new Response((await session.processResponse(200)).setCookie);
  },
};`,
});
const variants = { empty: { bundle: empty, runs: [] }, "edge-sessions": { bundle: withPackage, runs: [] } };
try {
  for (let i = 0; i < WRUNS; i++) {
    for (const v of Object.values(variants)) {
      const hr = () => Number(process.hrtime.bigint()) / 1e6;
      let t = hr();
      const mf = new Miniflare(workerOptions(v.bundle.dir));
      try {
        await mf.ready;
        const readyMs = hr() - t;
        t = hr();
        const first = await mf.dispatchFetch("http://bench.local/");
        await first.text();
        const firstMs = hr() - t;
        t = hr();
        const second = await mf.dispatchFetch("http://bench.local/");
        await second.text();
        const secondMs = hr() - t;
        if (!first.ok || !second.ok) throw new Error(`worker answered ${first.status}/${second.status}`);
        v.runs.push({ readyMs, firstMs, secondMs });
      } finally {
        await mf.dispose();
      }
    }
  }
} finally {
  empty.remove();
  withPackage.remove();
}
const wasmSize = readFileSync(new URL(import.meta.resolve("edge-sessions/wasm"))).length;
console.log(`workerd (Miniflare), ${WRUNS} fresh instances per worker, interleaved (medians):`);
console.log(`  ${"".padEnd(16)}${"startup (to ready)".padEnd(38)}${"first request".padEnd(38)}second request`);
for (const [name, v] of Object.entries(variants)) {
  const s = { readyMs: stats(v.runs.map((r) => r.readyMs)), firstMs: stats(v.runs.map((r) => r.firstMs)), secondMs: stats(v.runs.map((r) => r.secondMs)) };
  results.workerd[name] = s;
  console.log(`  ${name.padEnd(16)}${show(s.readyMs).padEnd(38)}${show(s.firstMs).padEnd(38)}${show(s.secondMs)}`);
}
const W = results.workerd;
results.workerd.packageCost = {
  startupMs: W["edge-sessions"].readyMs.median - W.empty.readyMs.median,
  firstRequestMs: W["edge-sessions"].firstMs.median - W.empty.firstMs.median,
};
console.log(
  `  edge-sessions - empty: startup ${fmt(results.workerd.packageCost.startupMs)} ms, first request ${fmt(results.workerd.packageCost.firstRequestMs)} ms ` +
    `(startup includes compiling + instantiating the ${wasmSize}-byte module; first request: new Sessions + one cycle, cold)`,
);

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/coldstart.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
