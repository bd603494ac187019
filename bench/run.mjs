// The request-cycle benchmark in Node: edge-sessions through its public JS
// API (the signed module, and the full module's signed_cookies, cache and
// db engines), the signed module's raw wasm exports (the floor under the JS
// API), the native core (tools/src/bin/bench_cycle.rs), and the peers, each
// doing the cycle described in cycles.mjs, once per payload.
//
// Method: every row is warmed up until its speed settles, then sized so one
// sample (the mean over a batch of cycles) takes about BENCH_TARGET_MS.
// Samples are taken in rounds, one per row per round, the row order rotated
// each round, so drift (thermal, other load, GC) falls on all rows alike.
// The native core runs in its own process (it times itself: 30 samples of
// ~10 ms); it is run three times per payload spread over the rounds and the
// run with the middle median is reported.
//
// Writes $BENCH_OUT/latest.json (default target/bench/results/):
// { "rows": [{ name, median_us, p25_us, p75_us, samples }] }, names ending in
// ` [payload]` (partial.json when BENCH_ROWS or BENCH_PAYLOADS picks rows).
// Env: BENCH_SAMPLES (default 30, at least 20), BENCH_TARGET_MS (default 15),
// BENCH_ROWS (comma-separated parts of row names: run only those; "native" for the core),
// BENCH_PAYLOADS (comma-separated payload names: two-key, realistic).

import { spawnSync } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import * as full from "edge-sessions";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { PAYLOADS, PORTABLE_ROWS, SECRET, MAX_AGE, checkCycle, cookieHeader, cookieValue, edgeSessionsCycle, expectUser, parseCookies, rowName } from "./cycles.mjs";
import { batchSize, formatTable, summarize, timeBatch, warmUp } from "./harness.mjs";
import { outDir } from "./out.mjs";

const require = createRequire(import.meta.url);
// express-session's own copies of cookie and cookie-signature (the versions it runs with).
const expressRequire = createRequire(require.resolve("express-session"));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SAMPLES = Math.max(20, Number(process.env.BENCH_SAMPLES) || 30);
const TARGET_MS = Number(process.env.BENCH_TARGET_MS) || 15;
const NATIVE = `${ROOT}target/release/bench_cycle`;
const NATIVE_ROW = "edge-sessions native core";

const now = () => performance.now();
const tick = () => new Promise((resolve) => setImmediate(resolve));

// --- Node-only rows ----------------------------------------------------------------

/** edge-sessions' db engine over better-sqlite3's in-memory database. */
function edgeDbSqlite(payload) {
  const database = new Database(":memory:");
  createSqliteTable(database);
  return edgeSessionsCycle(full, { engine: "db", db: sqliteDb(database) })(payload);
}

/**
 * A hand-written signed cookie on node:crypto, as a Node developer would
 * write one: `base64url(json).base64url(HMAC-SHA256)` by `createHmac`,
 * compared with `timingSafeEqual`; no timestamp, no compression.
 */
async function createHmacCookie(payload) {
  const start = PAYLOADS[payload];
  const attributes = `; Max-Age=${MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`;
  const sign = (value) => createHmac("sha256", SECRET).update(value).digest("base64url");
  const write = (data) => {
    const value = Buffer.from(JSON.stringify(data)).toString("base64url");
    return `session=${value}.${sign(value)}${attributes}`;
  };
  let header = cookieHeader("session", cookieValue(write(start)));
  return async () => {
    const token = parseCookies(header).session;
    const dot = token.lastIndexOf(".");
    const value = token.slice(0, dot);
    const expected = Buffer.from(sign(value));
    const given = Buffer.from(token.slice(dot + 1));
    const ok = expected.length === given.length && timingSafeEqual(expected, given);
    const data = ok ? JSON.parse(Buffer.from(value, "base64url").toString()) : {};
    const userId = data.user_id;
    expectUser(userId, start.user_id);
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    const setCookie = write(data);
    header = cookieHeader("session", cookieValue(setCookie));
    return { setCookie, userId, visits: data.visits };
  };
}

/**
 * What express-session does per request, from its own building blocks
 * (the versions it depends on): `cookie.parse`, `cookie-signature`'s
 * unsign/sign of the session id (`s:` prefix), MemoryStore get/set (JSON
 * text; its callbacks are deferred with setImmediate, as in production),
 * `cookie.serialize`.
 */
async function expressSession(payload) {
  const start = PAYLOADS[payload];
  const cookie = expressRequire("cookie");
  const signature = expressRequire("cookie-signature");
  const { MemoryStore } = require("express-session");
  const store = new MemoryStore();
  const get = (sid) => new Promise((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s))));
  const set = (sid, s) => new Promise((resolve, reject) => store.set(sid, s, (e) => (e ? reject(e) : resolve())));
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "lax" };
  const sid = "Yw0cS1mJmQ2nV4xQb7kR3tZ8uH5pL6aE";
  const expires = () => new Date(Date.now() + MAX_AGE * 1000);
  await set(sid, { cookie: { originalMaxAge: MAX_AGE * 1000, expires: expires(), ...cookieOptions }, ...start });
  let header = cookieHeader("connect.sid", encodeURIComponent(`s:${signature.sign(sid, SECRET)}`));
  return async () => {
    const raw = cookie.parse(header)["connect.sid"];
    const id = raw?.startsWith("s:") ? signature.unsign(raw.slice(2), SECRET) : false;
    const session = id ? await get(id) : undefined;
    const data = session ?? { cookie: { originalMaxAge: MAX_AGE * 1000, ...cookieOptions } };
    const userId = data.user_id;
    expectUser(userId, start.user_id);
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    data.cookie.expires = expires();
    await set(id, data);
    const setCookie = cookie.serialize("connect.sid", `s:${signature.sign(id, SECRET)}`, { ...cookieOptions, expires: data.cookie.expires });
    header = cookieHeader("connect.sid", cookieValue(setCookie));
    return { setCookie, userId, visits: data.visits };
  };
}

const ALL_ROWS = [
  ...PORTABLE_ROWS.slice(0, 4),
  ["edge-sessions db+sqlite (js api)", edgeDbSqlite],
  ["plain-JS createHmac cookie", createHmacCookie],
  ...PORTABLE_ROWS.slice(4),
  ["express-session building blocks", expressSession],
];
// BENCH_PAYLOADS=a,b: only these payloads (default: all of PAYLOADS).
const PAYLOAD_NAMES = process.env.BENCH_PAYLOADS?.split(",").map((s) => s.trim()).filter(Boolean) ?? Object.keys(PAYLOADS);
for (const p of PAYLOAD_NAMES) if (!(p in PAYLOADS)) throw new Error(`BENCH_PAYLOADS: no payload ${p} (${Object.keys(PAYLOADS).join(", ")})`);
// BENCH_ROWS=a,b: only the rows whose name contains one of these (and "native" for the native core).
const FILTER = process.env.BENCH_ROWS?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
const wanted = (name) => !FILTER || FILTER.some((f) => name.toLowerCase().includes(f));
const ROWS = PAYLOAD_NAMES.flatMap((payload) =>
  ALL_ROWS.filter(([name]) => wanted(name)).map(([name, make]) => [rowName(name, payload), () => make(payload), payload]),
);

// --- the native core -----------------------------------------------------------------

function runNative(payload) {
  if (!existsSync(NATIVE)) return { error: `${NATIVE} is missing (cargo build --release -p edge-sessions-tools --bin bench_cycle)` };
  const out = spawnSync(NATIVE, ["--payload", payload], { encoding: "utf8" });
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
const head = spawnSync("git", ["-C", ROOT, "describe", "--always", "--dirty"], { encoding: "utf8" }).stdout?.trim() || "?";
const wasmSizes = ["edge_sessions_signed_bg.wasm", "edge_sessions_bg.wasm"].map((f) => `${f} ${statSync(`${ROOT}pkg/${f}`).size} bytes`);
console.log(`edge-sessions ${version("edge-sessions")} at ${head}: ${wasmSizes.join(", ")}, built ${statSync(`${ROOT}pkg/edge_sessions_bg.wasm`).mtime.toISOString()}`);
for (const p of PAYLOAD_NAMES) console.log(`payload ${p}: ${JSON.stringify(PAYLOADS[p])} (then last_path is set)`);
console.log(`method: warm-up until stable, then ${SAMPLES} samples per row of ~${TARGET_MS} ms each (mean of a batch), rows interleaved round-robin`);

const rows = [];
for (const [name, make, payload] of ROWS) {
  const cycle = await make();
  checkCycle(name, await cycle(), payload);
  const perCycle = await warmUp(cycle, now, { tick });
  rows.push({ name, payload, cycle, batch: batchSize(perCycle, TARGET_MS), samples: [] });
}

const nativeRuns = Object.fromEntries(PAYLOAD_NAMES.map((p) => [p, []]));
const nativeAt = new Set([0, Math.floor(SAMPLES / 2), SAMPLES - 1]);
for (let round = 0; round < SAMPLES; round++) {
  if (nativeAt.has(round)) {
    for (const p of PAYLOAD_NAMES) if (wanted(NATIVE_ROW)) nativeRuns[p].push(runNative(p));
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[(i + round) % rows.length];
    const ms = await timeBatch(row.cycle, row.batch, now);
    row.samples.push((ms * 1000) / row.batch);
    await tick(); // between "requests": timers, finalizers (wasm-bindgen frees sessions there) and I/O run
  }
}

const results = [];
for (const payload of PAYLOAD_NAMES) {
  const mine = rows.filter((r) => r.payload === payload).map((row) => ({ name: row.name, ...summarize(row.samples), batch: row.batch }));
  const runs = nativeRuns[payload];
  const good = runs.filter((r) => !r.error).sort((a, b) => a.median_us - b.median_us);
  if (good.length) {
    // After the JS-API rows of edge-sessions.
    const at = mine.filter((r) => r.name.startsWith("edge-sessions")).length;
    mine.splice(at, 0, { name: rowName(NATIVE_ROW, payload), ...good[Math.floor((good.length - 1) / 2)], nativeMedians: good.map((r) => r.median_us) });
  } else if (runs.length) {
    console.log(`native core [${payload}]: not measured: ${runs[0]?.error}`);
  }
  results.push(...mine);
  console.log(`\n-- payload: ${payload}`);
  const ratios = {
    "× signed": rowName("edge-sessions signed (js api)", payload),
    "× floor": rowName("edge-sessions wasm floor (raw exports)", payload),
    "× createHmac": rowName("plain-JS createHmac cookie", payload),
    "× native": rowName(NATIVE_ROW, payload),
  };
  console.log(formatTable(mine, ratios));
  if (good.length) {
    console.log(`native core: ${good.length} runs of bench_cycle --payload ${payload} (30 × ~10 ms each), medians ${good.map((r) => r.median_us.toFixed(2)).join(", ")} µs; the middle one is shown`);
  }
}

const partial = Boolean(FILTER || process.env.BENCH_PAYLOADS);
const file = path.join(outDir(), partial ? "partial.json" : "latest.json");
const json = { rows: results.map(({ name, median_us, p25_us, p75_us, samples }) => ({ name, median_us, p25_us, p75_us, samples })) };
if (!partial && existsSync(file)) {
  // size.mjs and coldstart.mjs add their lists to the same file: keep them.
  const previous = JSON.parse(readFileSync(file, "utf8"));
  for (const key of ["size", "cold"]) if (previous[key]) json[key] = previous[key];
}
writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${file}`);
