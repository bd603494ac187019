// The request-cycle benchmark in Node: edge-sessions through its public JS
// API (three engines), the native core (src/bin/bench_cycle.rs), and the
// peers from npm, each doing the cycle described in cycles.mjs.
//
// Method: every row is warmed up until its speed settles, then sized so one
// sample (the mean over a batch of cycles) takes about BENCH_TARGET_MS.
// Samples are taken in rounds, one per row per round, the row order rotated
// each round, so drift (thermal, other load, GC) falls on all rows alike.
// The native core runs in its own process (it times itself: 30 samples of
// ~10 ms); it is run three times spread over the rounds and the run with the
// middle median is reported.
//
// Writes bench/results/latest.json: { "rows": [{ name, median_us, p25_us, p75_us, samples }] }
// (results/partial.json when BENCH_ROWS picks rows).
// Env: BENCH_SAMPLES (default 30, at least 20), BENCH_TARGET_MS (default 15),
// BENCH_ROWS (comma-separated parts of row names: run only those; "native" for the core).

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { PORTABLE_ROWS, SECRET, MAX_AGE, checkCycle, cookieHeader, edgeSessionsCycle } from "./cycles.mjs";
import { batchSize, formatTable, summarize, timeBatch, warmUp } from "./harness.mjs";

const require = createRequire(import.meta.url);
// express-session's own copies of cookie and cookie-signature (the versions it runs with).
const expressRequire = createRequire(require.resolve("express-session"));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SAMPLES = Math.max(20, Number(process.env.BENCH_SAMPLES) || 30);
const TARGET_MS = Number(process.env.BENCH_TARGET_MS) || 15;
const NATIVE = `${ROOT}target/release/bench_cycle`;
const BASELINE = "edge-sessions signed_cookies (js api)";
const NATIVE_ROW = "edge-sessions native core";

const now = () => performance.now();
const tick = () => new Promise((resolve) => setImmediate(resolve));

// --- Node-only rows ----------------------------------------------------------------

/** edge-sessions' db engine over better-sqlite3's in-memory database. */
function edgeDbSqlite() {
  const database = new Database(":memory:");
  createSqliteTable(database);
  return edgeSessionsCycle({ engine: "db", db: sqliteDb(database) });
}

/**
 * What express-session does per request, from its own building blocks
 * (the versions it depends on): `cookie.parse`, `cookie-signature`'s
 * unsign/sign of the session id (`s:` prefix), MemoryStore get/set (JSON
 * text; its callbacks are deferred with setImmediate, as in production),
 * `cookie.serialize`.
 */
async function expressSession() {
  const cookie = expressRequire("cookie");
  const signature = expressRequire("cookie-signature");
  const { MemoryStore } = require("express-session");
  const store = new MemoryStore();
  const get = (sid) => new Promise((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s))));
  const set = (sid, s) => new Promise((resolve, reject) => store.set(sid, s, (e) => (e ? reject(e) : resolve())));
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "lax" };
  const sid = "Yw0cS1mJmQ2nV4xQb7kR3tZ8uH5pL6aE";
  const expires = () => new Date(Date.now() + MAX_AGE * 1000);
  await set(sid, { cookie: { originalMaxAge: MAX_AGE * 1000, expires: expires(), ...cookieOptions }, user_id: 42, visits: 0 });
  const header = cookieHeader("connect.sid", encodeURIComponent(`s:${signature.sign(sid, SECRET)}`));
  return async () => {
    const raw = cookie.parse(header)["connect.sid"];
    const id = raw?.startsWith("s:") ? signature.unsign(raw.slice(2), SECRET) : false;
    const session = id ? await get(id) : undefined;
    const data = session ?? { cookie: { originalMaxAge: MAX_AGE * 1000, ...cookieOptions } };
    const userId = data.user_id;
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    data.cookie.expires = expires();
    await set(id, data);
    const setCookie = cookie.serialize("connect.sid", `s:${signature.sign(id, SECRET)}`, { ...cookieOptions, expires: data.cookie.expires });
    return { setCookie, userId, visits: data.visits };
  };
}

const ALL_ROWS = [
  ...PORTABLE_ROWS.slice(0, 2),
  ["edge-sessions db+sqlite (js api)", edgeDbSqlite],
  ...PORTABLE_ROWS.slice(2),
  ["express-session building blocks", expressSession],
];
// BENCH_ROWS=a,b: only the rows whose name contains one of these (and "native" for the native core).
const FILTER = process.env.BENCH_ROWS?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
const wanted = (name) => !FILTER || FILTER.some((f) => name.toLowerCase().includes(f));
const ROWS = ALL_ROWS.filter(([name]) => wanted(name));

// --- the native core -----------------------------------------------------------------

function runNative() {
  if (!existsSync(NATIVE)) return { error: `${NATIVE} is missing (cargo build --release --bin bench_cycle)` };
  const out = spawnSync(NATIVE, [], { encoding: "utf8" });
  if (out.status !== 0) return { error: `bench_cycle exited ${out.status}: ${out.stderr}` };
  try {
    return JSON.parse(out.stdout.trim().split("\n").pop());
  } catch {
    return { error: `bench_cycle printed ${JSON.stringify(out.stdout)}` };
  }
}

// --- main ------------------------------------------------------------------------------

/** An installed package's version (read from its folder: not every package exports ./package.json). */
function version(name, from = require) {
  for (const dir of from.resolve.paths(name) ?? []) {
    const file = path.join(dir, name, "package.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).version;
  }
  return "?";
}

console.log("== request cycle in Node ==");
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(
  `peers: iron-session ${version("iron-session")}, hono ${version("hono")}, @hono/session ${version("@hono/session")}, ` +
    `express-session ${version("express-session")} (its cookie ${version("cookie", expressRequire)}, cookie-signature ${version("cookie-signature", expressRequire)})`,
);
const wasmFile = `${ROOT}pkg/edge_sessions_bg.wasm`;
const head = spawnSync("git", ["-C", ROOT, "describe", "--always", "--dirty"], { encoding: "utf8" }).stdout?.trim() || "?";
console.log(`edge-sessions ${version("edge-sessions")} at ${head}: pkg/edge_sessions_bg.wasm ${statSync(wasmFile).size} bytes, built ${statSync(wasmFile).mtime.toISOString()}`);
console.log(`method: warm-up until stable, then ${SAMPLES} samples per row of ~${TARGET_MS} ms each (mean of a batch), rows interleaved round-robin`);

const rows = [];
for (const [name, make] of ROWS) {
  const cycle = await make();
  checkCycle(name, await cycle());
  const perCycle = await warmUp(cycle, now, { tick });
  rows.push({ name, cycle, batch: batchSize(perCycle, TARGET_MS), samples: [] });
}

const nativeRuns = [];
const nativeAt = new Set([0, Math.floor(SAMPLES / 2), SAMPLES - 1]);
for (let round = 0; round < SAMPLES; round++) {
  if (nativeAt.has(round) && wanted(NATIVE_ROW)) nativeRuns.push(runNative());
  for (let i = 0; i < rows.length; i++) {
    const row = rows[(i + round) % rows.length];
    const ms = await timeBatch(row.cycle, row.batch, now);
    row.samples.push((ms * 1000) / row.batch);
    await tick(); // between "requests": timers, finalizers (wasm-bindgen frees sessions there) and I/O run
  }
}

const results = rows.map((row) => ({ name: row.name, ...summarize(row.samples), batch: row.batch }));
const good = nativeRuns.filter((r) => !r.error).sort((a, b) => a.median_us - b.median_us);
if (good.length) {
  // After the JS-API rows of edge-sessions.
  const at = results.filter((r) => r.name.startsWith("edge-sessions")).length;
  results.splice(at, 0, { name: NATIVE_ROW, ...good[Math.floor((good.length - 1) / 2)] });
} else if (nativeRuns.length) {
  console.log(`native core: not measured: ${nativeRuns[0]?.error}`);
}

console.log();
console.log(formatTable(results, { "× signed_cookies": BASELINE, "× native": NATIVE_ROW }));
if (good.length) {
  console.log(`native core: ${good.length} runs of bench_cycle (30 × ~10 ms each), medians ${good.map((r) => r.median_us.toFixed(2)).join(", ")} µs; the middle one is shown`);
}

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
// A filtered run (BENCH_ROWS) leaves the full table of latest.json alone.
const file = new URL(FILTER ? "./results/partial.json" : "./results/latest.json", import.meta.url);
const json = { rows: results.map(({ name, median_us, p25_us, p75_us, samples }) => ({ name, median_us, p25_us, p75_us, samples })) };
writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${fileURLToPath(file)}`);
