// Cold start: what loading edge-sessions costs a fresh process or isolate,
// per entry point (`edge-sessions/signed`, `edge-sessions`).
//
// Node: fresh child processes (interleaved, BENCH_COLD_RUNS each, default 15),
//   "steps":  new WebAssembly.Module(bytes) (compile), import of the
//             wasm-bindgen glue, initSync (instantiate), then the first
//             response (new Sessions + one realistic-session cycle, cold JIT);
//   "import": `await import(entry)` as an application does it (module graph
//             + read + compile + instantiate), then the first response;
//   "hono":   the same for hono's signed-cookie helpers, the lightest peer.
// workerd: fresh Miniflare instances (BENCH_COLD_WORKERD_RUNS each, default 7):
//   an empty Worker against one per entry, importing it and running one
//   cycle per request, bundled alike (bench/bundle.mjs). Startup (`new
//   Miniflare` until ready: workerd spawn, script load, wasm compile +
//   instantiate) and first request; the entry's cost is the difference of
//   medians over the empty Worker (Miniflare's own startup is large and
//   noisy beside it: read the difference with the IQRs).
// Writes $BENCH_OUT/coldstart.json and the `cold` list of latest.json:
// { name, compile_instantiate_ms, first_response_ms } per entry, where
// first_response_ms is import + new Sessions + the first response (Node) or
// startup + first request over the empty Worker (workerd). hono's helpers,
// not an entry of ours, are printed and kept in coldstart.json only.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, quantile } from "./harness.mjs";
import { mergeLatest, outDir } from "./out.mjs";
import { PAYLOADS, SECRET } from "./payloads.mjs";

const SELF = fileURLToPath(import.meta.url);
const [, , flag, mode, entryName] = process.argv;
const SESSION = PAYLOADS.realistic;

/** Each entry point: its import specifier, and its files in pkg/ for the "steps" child. */
const ENTRIES = {
  "edge-sessions/signed": { wasm: "edge_sessions_signed_bg.wasm", glue: "edge_sessions_signed.js", api: "signed.js" },
  "edge-sessions": { wasm: "edge_sessions_bg.wasm", glue: "edge_sessions.js", api: "main.js" },
};

// --- the child: one cold measurement, printed as JSON ------------------------------

/** new Sessions, a session written, then one cycle reading it back (`await` is a no-op on the signed entry). */
async function firstResponse(Sessions) {
  const t = performance.now();
  const sessions = new Sessions({ secretKey: SECRET, engine: "signed_cookies" });
  const first = sessions.open();
  await first.update(SESSION);
  const { setCookie } = await first.processResponse(200);
  const session = sessions.fromCookieHeader(`theme=dark; ${setCookie.split(";")[0]}`);
  if ((await session.get("user_id")) !== SESSION.user_id) throw new Error("the session did not read back");
  await session.set("visits", (await session.get("visits", 0)) + 1);
  await session.processResponse(200);
  return performance.now() - t;
}

/** hono's helpers doing the same: sign, then verify, parse and sign again. */
async function honoFirstResponse() {
  const t = performance.now();
  const { generateSignedCookie, getSignedCookie } = await import("hono/cookie");
  const importMs = performance.now() - t;
  const written = await generateSignedCookie("session", JSON.stringify(SESSION), SECRET, { path: "/" });
  const header = `theme=dark; ${written.split(";")[0]}`;
  const c = { req: { raw: { headers: { get: () => header } } } };
  const data = JSON.parse(await getSignedCookie(c, SECRET, "session"));
  if (data.user_id !== SESSION.user_id) throw new Error("hono: the cookie did not read back");
  data.visits += 1;
  await generateSignedCookie("session", JSON.stringify(data), SECRET, { path: "/" });
  return { importMs, firstRequestMs: performance.now() - t - importMs };
}

if (flag === "--child") {
  const out = {};
  if (mode === "hono") {
    Object.assign(out, await honoFirstResponse());
  } else if (mode === "steps") {
    const files = ENTRIES[entryName];
    const pkg = new URL(import.meta.resolve("edge-sessions/package.json"));
    const bytes = readFileSync(new URL(files.wasm, pkg));
    let t = performance.now();
    const module = new WebAssembly.Module(bytes);
    out.compileMs = performance.now() - t;
    t = performance.now();
    const glue = await import(new URL(files.glue, pkg));
    const { parseBoundary } = await import(new URL("api.js", pkg));
    out.glueImportMs = performance.now() - t;
    t = performance.now();
    glue.initSync({ module });
    glue.useJsonParse(parseBoundary);
    out.instantiateMs = performance.now() - t;
    // The API imports the same glue instance, already initialised.
    const { Sessions } = await import(new URL(files.api, pkg));
    out.firstRequestMs = await firstResponse(Sessions);
  } else {
    const t = performance.now();
    const { Sessions } = await import(entryName);
    out.importMs = performance.now() - t;
    out.firstRequestMs = await firstResponse(Sessions);
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
const cold = [];

console.log("\n== cold start ==");
const RUNS = Math.max(10, Number(process.env.BENCH_COLD_RUNS) || 15);
const children = [...Object.keys(ENTRIES).flatMap((entry) => [["steps", entry], ["import", entry]]), ["hono", "hono"]];
const runs = new Map(children.map((c) => [c.join(" "), []]));
for (let i = 0; i < RUNS; i++) {
  for (const [m, entry] of children) {
    // bench/ as the working directory: hono resolves from bench/node_modules.
    const child = spawnSync(process.execPath, [SELF, "--child", m, entry], { encoding: "utf8", cwd: path.dirname(SELF) });
    if (child.status !== 0) throw new Error(`cold-start child (${m} ${entry}) failed: ${child.stderr}`);
    runs.get(`${m} ${entry}`).push(JSON.parse(child.stdout.trim().split("\n").pop()));
  }
}
const col = (list, key) => stats(list.map((r) => r[key]));
console.log(`Node ${process.version}, ${RUNS} fresh processes per measure (medians):`);
for (const entry of Object.keys(ENTRIES)) {
  const steps = runs.get(`steps ${entry}`);
  const imports = runs.get(`import ${entry}`);
  const N = {
    compileMs: col(steps, "compileMs"),
    glueImportMs: col(steps, "glueImportMs"),
    instantiateMs: col(steps, "instantiateMs"),
    compilePlusInstantiateMs: stats(steps.map((r) => r.compileMs + r.instantiateMs)),
    firstRequestMs: col(steps, "firstRequestMs"),
    importMs: col(imports, "importMs"),
    importFirstRequestMs: col(imports, "firstRequestMs"),
    importPlusFirstResponseMs: stats(imports.map((r) => r.importMs + r.firstRequestMs)),
  };
  results.node[entry] = N;
  cold.push({ name: `${entry} (node)`, compile_instantiate_ms: N.compilePlusInstantiateMs.median, first_response_ms: N.importPlusFirstResponseMs.median });
  console.log(`  ${entry}`);
  console.log(`    new WebAssembly.Module(bytes)     ${show(N.compileMs)}`);
  console.log(`    import glue + api.js              ${show(N.glueImportMs)}`);
  console.log(`    initSync (instantiate)            ${show(N.instantiateMs)}`);
  console.log(`    compile + instantiate             ${show(N.compilePlusInstantiateMs)}`);
  console.log(`    first response after that         ${show(N.firstRequestMs)}  (new Sessions + a realistic-session cycle, cold JIT)`);
  console.log(`    await import("${entry}")${" ".repeat(Math.max(1, 14 - entry.length))}${show(N.importMs)}  (as an app loads it)`);
  console.log(`    import + new Sessions + first response  ${show(N.importPlusFirstResponseMs)}`);
}
const hono = runs.get("hono hono");
const honoTotal = stats(hono.map((r) => r.importMs + r.firstRequestMs));
results.node.hono = { importMs: col(hono, "importMs"), firstRequestMs: col(hono, "firstRequestMs"), importPlusFirstResponseMs: honoTotal };
console.log(`  hono/cookie: import + first response ${show(honoTotal)}  (the same cycle with generateSignedCookie/getSignedCookie)`);

// workerd
const { Miniflare } = await import("miniflare");
const { bundleWorker, workerOptions } = await import("./bundle.mjs");
const WRUNS = Math.max(5, Number(process.env.BENCH_COLD_WORKERD_RUNS) || 7);
/** A Worker running one cycle per request on `entry` (only that import, no peers). */
const workerSource = (entry) => `import { Sessions } from "${entry}";
const SESSION = ${JSON.stringify(SESSION)};
let sessions, header;
export default {
  async fetch() {
    if (!sessions) {
      sessions = new Sessions({ secretKey: ${JSON.stringify(SECRET)}, engine: "signed_cookies" });
      const first = sessions.open();
      await first.update(SESSION);
      header = "theme=dark; " + (await first.processResponse(200)).setCookie.split(";")[0];
    }
    const session = sessions.fromCookieHeader(header);
    await session.set("visits", (await session.get("visits", 0)) + 1);
    return new Response((await session.processResponse(200)).setCookie);
  },
};`;
const variants = { empty: { bundle: await bundleWorker({ source: `export default { fetch() { return new Response("ok"); } };` }), runs: [] } };
for (const entry of Object.keys(ENTRIES)) variants[entry] = { bundle: await bundleWorker({ source: workerSource(entry) }), runs: [] };
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
  for (const v of Object.values(variants)) v.bundle.remove();
}
console.log(`workerd (Miniflare), ${WRUNS} fresh instances per worker, interleaved (medians):`);
console.log(`  ${"".padEnd(22)}${"startup (to ready)".padEnd(38)}${"first request".padEnd(38)}second request`);
for (const [name, v] of Object.entries(variants)) {
  const s = { readyMs: stats(v.runs.map((r) => r.readyMs)), firstMs: stats(v.runs.map((r) => r.firstMs)), secondMs: stats(v.runs.map((r) => r.secondMs)) };
  results.workerd[name] = s;
  console.log(`  ${name.padEnd(22)}${show(s.readyMs).padEnd(38)}${show(s.firstMs).padEnd(38)}${show(s.secondMs)}`);
}
const W = results.workerd;
for (const entry of Object.keys(ENTRIES)) {
  const startupMs = W[entry].readyMs.median - W.empty.readyMs.median;
  const firstRequestMs = W[entry].firstMs.median - W.empty.firstMs.median;
  W[entry].overEmpty = { startupMs, firstRequestMs };
  cold.push({ name: `${entry} (workerd, over an empty Worker)`, compile_instantiate_ms: startupMs, first_response_ms: startupMs + firstRequestMs });
  console.log(`  ${entry} - empty: startup ${fmt(startupMs)} ms (includes compile + instantiate), first request ${fmt(firstRequestMs)} ms, together ${fmt(startupMs + firstRequestMs)} ms`);
}

writeFileSync(path.join(outDir(), "coldstart.json"), `${JSON.stringify(results, null, 2)}\n`);
const ms = (x) => Math.round(x * 1000) / 1000;
mergeLatest("cold", cold.map((c) => ({ name: c.name, compile_instantiate_ms: ms(c.compile_instantiate_ms), first_response_ms: ms(c.first_response_ms) })));
