// Memory after 1M cycles against after 10k: nothing may grow with the number
// of requests served. One child process per engine (signed_cookies, cache
// over memoryCache), run side by side with `node --expose-gc`; each runs
// the cycle of cycles.mjs, yielding to the event loop every 100 cycles as a
// server does between requests (wasm-bindgen frees dropped sessions from a
// FinalizationRegistry, whose callbacks run there), and at 10k, at a tenth
// of the run and at the end settles (gc, let finalizers run, gc) and records:
//   rss, heapUsed, external  (process.memoryUsage())
//   wasmMemory               the instance's WebAssembly.Memory (buffer.byteLength)
//   tableLength, tableLive   length and non-null slots of wasm-bindgen's
//                            __wbindgen_externrefs table (leaked JS handles show here)
// The wasm instance is reached through the glue's initSync(), which returns
// the exports of the instance the package already made.
//
// wasmMemory is a high-water mark (wasm memory never shrinks), so growth can
// be a leak or garbage that waited long for a GC: the Rust side of a dropped
// session is freed only when V8 collects its JS wrapper, and V8 does not see
// the wasm heap's pressure. A control run per engine (gc() every 1000 cycles,
// a tenth of the cycles) tells the two apart: flat there = lag, not a leak
// ("flat" = under 1 byte of wasm memory per cycle, no table growth: a leaked
// session would cost tens of bytes per cycle).
// Env: BENCH_MEMORY_CYCLES (default 1000000).

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { outDir } from "./out.mjs";
import { fileURLToPath } from "node:url";
import { fmt } from "./harness.mjs";

const SELF = fileURLToPath(import.meta.url);
const TOTAL = Number(process.env.BENCH_MEMORY_CYCLES) || 1_000_000;
const FIRST = 10_000;
const CONTROL_GC_EVERY = 1000;
/** The session every run cycles: the realistic one (cycles.mjs). */
const PAYLOAD = "realistic";
const checkpoints = (total) => [FIRST, ...(total / 10 > FIRST ? [Math.round(total / 10)] : []), total];

if (process.argv[2] === "--child") {
  const [, , , engine, totalArg, gcEveryArg] = process.argv;
  const total = Number(totalArg);
  const gcEvery = Number(gcEveryArg);
  const { edgeSignedCookies, edgeCacheMemory, checkCycle } = await import("./cycles.mjs");
  const { initSync } = await import(new URL("edge_sessions.js", import.meta.resolve("edge-sessions/package.json")));
  const cycle = await (engine === "cache" ? edgeCacheMemory : edgeSignedCookies)(PAYLOAD);
  const wasm = initSync(); // already initialised by the package: hands back its exports
  if (!(wasm?.memory instanceof WebAssembly.Memory)) throw new Error("cannot reach the wasm instance's memory");
  const table = wasm.__wbindgen_externrefs;
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      globalThis.gc();
      await tick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const snapshot = (cycles) => {
    const m = process.memoryUsage();
    let live = 0;
    // Freed slots hold null; the few slots wasm-bindgen reserves (undefined, null, true, false) stay constant.
    for (let i = 0; table && i < table.length; i++) if (table.get(i) != null) live++;
    return { cycles, rss: m.rss, heapUsed: m.heapUsed, external: m.external, wasmMemory: wasm.memory.buffer.byteLength, tableLength: table?.length ?? null, tableLive: live };
  };
  let done = 0;
  const runTo = async (target) => {
    while (done < target) {
      const result = await cycle();
      if (done === 0) checkCycle(engine, result, PAYLOAD);
      done++;
      if (done % 100 === 0) await tick();
      if (gcEvery && done % gcEvery === 0) globalThis.gc();
    }
  };
  const start = performance.now();
  const points = [];
  for (const target of checkpoints(total)) {
    await runTo(target);
    await settle();
    points.push(snapshot(done));
  }
  process.stdout.write(`${JSON.stringify({ engine, gcEvery, points, seconds: (performance.now() - start) / 1000 })}\n`);
  process.exit(0);
}

const child = (engine, total, gcEvery) =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", SELF, "--child", engine, String(total), String(gcEvery)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`${engine}: exit ${code}: ${err}`))));
  });

const CONTROL_TOTAL = Math.max(FIRST * 2, Math.round(TOTAL / 10));
console.log(`\n== memory: ${FIRST} cycles against ${TOTAL} (node --expose-gc; per engine a process, all side by side) ==`);
const ENGINES = ["signed_cookies", "cache"];
const [runs, controls] = await Promise.all([
  Promise.all(ENGINES.map((engine) => child(engine, TOTAL, 0))),
  Promise.all(ENGINES.map((engine) => child(engine, CONTROL_TOTAL, CONTROL_GC_EVERY))),
]);

const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
const delta = (a, b, unit = mib) => `${b - a >= 0 ? "+" : "-"}${unit(Math.abs(b - a))}`;
const measures = [
  ["rss", mib],
  ["heapUsed", mib],
  ["external", mib],
  ["wasmMemory", mib],
  ["tableLength", String],
  ["tableLive", String],
];
const header = ["engine", "measure", ...checkpoints(TOTAL).map((c) => `after ${c}`), `growth ${FIRST}→${TOTAL}`];
const lines = [];
for (const r of runs) {
  for (const [key, unit] of measures) {
    lines.push([r.engine, key, ...r.points.map((p) => unit(p[key])), delta(r.points[0][key], r.points.at(-1)[key], unit)]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const render = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log([render(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(render)].join("\n"));

const WATCHED = ["wasmMemory", "tableLength", "tableLive"];
const perCycle = (r, key) => (r.points.at(-1)[key] - r.points[0][key]) / (r.points.at(-1).cycles - r.points[0].cycles);
// Table slots count one by one; wasm memory grows by 64 KiB pages, so a page or two is allocator noise.
const grown = (r) => WATCHED.filter((k) => (k === "wasmMemory" ? perCycle(r, k) >= 1 : perCycle(r, k) > 0));
for (const r of runs) {
  const c = controls.find((x) => x.engine === r.engine);
  const [c0, c1] = [c.points[0], c.points.at(-1)];
  const control =
    `control (gc() every ${CONTROL_GC_EVERY} cycles, ${CONTROL_TOTAL} cycles): wasmMemory ${mib(c0.wasmMemory)} → ${mib(c1.wasmMemory)} ` +
    `(${fmt(perCycle(c, "wasmMemory"))} B/cycle), tableLength ${c0.tableLength} → ${c1.tableLength}, tableLive ${c0.tableLive} → ${c1.tableLive}`;
  const verdict = !grown(r).length
    ? "flat: no growth with requests served"
    : grown(c).length
      ? `GREW (${grown(r).join(", ")}) and the control grew too (${grown(c).join(", ")}): a leak`
      : `grew (${grown(r).join(", ")}) but the control stays flat: garbage awaiting GC (freed from FinalizationRegistry), not a leak; tableLive shows no handle kept`;
  console.log(`${r.engine}: ${TOTAL} cycles in ${fmt(r.seconds, 1)} s, wasmMemory ${fmt(perCycle(r, "wasmMemory"))} B/cycle; ${verdict}`);
  console.log(`  ${control}`);
}
console.log("(wasmMemory: high-water mark of the wasm heap, never shrinks; tableLength: slots of wasm-bindgen's externref table;");
console.log(" tableLive: slots still holding a JS value after gc, i.e. handles not given back)");

writeFileSync(path.join(outDir(), "memory.json"), `${JSON.stringify({ runs, controls }, null, 2)}\n`);
