// One hostile input in a process of its own, for inputs that may trap inside
// wasm or throw through it (so they cannot hurt the matrix's own instance):
//
//   node tests/hostile/probe.mjs <probe name>
//
// Runs the probe's call, then a second call on the same session when the
// probe has one (a session must not stay stuck), then the health check on
// this process's (same) wasm instance. Prints one JSON line:
//   { probe, settled: "resolved"|"rejected"|"hung", name, message,
//     runtimeError, followUp: {...} | null, uncaught: [...], health: "ok"|"..." }
// Exits 0 whatever happened: the matrix judges the JSON.

import * as lib from "edge-sessions";
import { asyncMemoryDb, healthCheck, makeSentinel } from "./health.js";

const uncaught = [];
process.on("uncaughtException", (error) => uncaught.push(`uncaughtException: ${error?.message ?? error}`));
process.on("unhandledRejection", (error) => uncaught.push(`unhandledRejection: ${error?.message ?? error}`));

const KEY = "abcdefgh12345678abcdefgh12345678";
const sentinel = makeSentinel(lib);

/** An Error whose `message` getter throws. */
function errorWithThrowingMessage() {
  const error = new Error("placeholder");
  Object.defineProperty(error, "message", { get() { throw new Error("message getter boom"); } });
  return error;
}

/** A Date whose getTime() throws. */
function dateWithThrowingGetTime() {
  const date = new Date();
  date.getTime = () => { throw new Error("getTime boom"); };
  return date;
}

const dbSessions = (overrides) => new lib.Sessions({ secretKey: "probe", engine: "db", db: { ...asyncMemoryDb(lib), ...overrides } });

/** Each probe: () => { call, followUp? } (followUp: a second call on the same session). */
const PROBES = {
  // Control: a well-behaved async adapter, so a broken harness shows.
  "control: a well-behaved async adapter": () => {
    const s = dbSessions({}).open(KEY);
    return { call: () => s.get("a"), followUp: () => s.get("a") };
  },
  "fromCookieHeader(123)": () => ({ call: async () => lib.Sessions.prototype.fromCookieHeader.call(dbSessions({}), 123) }),
  "fromCookieHeader({})": () => ({ call: async () => dbSessions({}).fromCookieHeader({}) }),
  "fromCookieHeader(true)": () => ({ call: async () => dbSessions({}).fromCookieHeader(true) }),
  "open(123)": () => ({ call: async () => dbSessions({}).open(123) }),
  "deleteFromStore(5)": () => {
    const s = dbSessions({}).open();
    return { call: () => s.deleteFromStore(5), followUp: () => s.keys() };
  },
  "processResponse(200, 7): a numeric Vary (node:http getHeader can return one)": () => {
    const s = dbSessions({}).open();
    return { call: async () => { await s.set("a", 1); return s.processResponse(200, 7); }, followUp: () => s.keys() };
  },
  "processResponse(200, ['Accept']): an array Vary (node:http getHeader can return one)": () => {
    const s = dbSessions({}).open();
    return { call: async () => { await s.set("a", 1); return s.processResponse(200, ["Accept"]); }, followUp: () => s.keys() };
  },
  "db get() rejects with an Error whose message getter throws": () => {
    const s = dbSessions({ get: () => Promise.reject(errorWithThrowingMessage()) }).open(KEY);
    return { call: () => s.get("a"), followUp: () => s.get("a") };
  },
  "db get() throws an Error whose message getter throws": () => {
    const s = dbSessions({ get: () => { throw errorWithThrowingMessage(); } }).open(KEY);
    return { call: () => s.get("a"), followUp: () => s.get("a") };
  },
  "db get() resolves to a row whose expireDate Date has a throwing getTime": () => {
    const s = dbSessions({ get: async (k) => ({ sessionKey: k, sessionData: "x", expireDate: dateWithThrowingGetTime() }) }).open(KEY);
    return { call: () => s.get("a"), followUp: () => s.get("a") };
  },
  "db get() returns a row whose expireDate Date has a throwing getTime": () => {
    const s = dbSessions({ get: (k) => ({ sessionKey: k, sessionData: "x", expireDate: dateWithThrowingGetTime() }) }).open(KEY);
    return { call: () => s.get("a"), followUp: () => s.get("a") };
  },
  "files list() resolves to a Proxy array whose elements throw": () => {
    const files = { ...lib.memoryFiles(), list: async () => new Proxy(["sessionidx"], { get(t, p) { if (p === "0") throw new Error("element boom"); return Reflect.get(t, p); } }) };
    const sessions = new lib.Sessions({ secretKey: "probe", engine: "file", files });
    return { call: () => sessions.clearExpired(), followUp: () => sessions.clearExpired() };
  },
};

async function settle(call, ms = 2000) {
  let timer;
  const hung = new Promise((resolve) => { timer = setTimeout(() => resolve({ settled: "hung" }), ms); });
  const outcome = Promise.resolve()
    .then(call)
    .then(
      () => ({ settled: "resolved" }),
      (error) => ({
        settled: "rejected",
        name: error?.name ?? String(error),
        message: String(error?.message ?? error).slice(0, 200),
        runtimeError: error instanceof WebAssembly.RuntimeError,
      }),
    );
  const result = await Promise.race([outcome, hung]);
  clearTimeout(timer);
  return result;
}

const name = process.argv[2];
if (!PROBES[name]) {
  console.log(JSON.stringify({ probe: name, error: `no such probe; known: ${Object.keys(PROBES).join(" | ")}` }));
  process.exit(0);
}
const { call, followUp } = PROBES[name]();
const result = { probe: name, ...(await settle(call)) };
result.followUp = followUp ? await settle(followUp) : null;
await new Promise((resolve) => setTimeout(resolve, 50)); // let stray microtasks and timers surface
try {
  await healthCheck(lib, sentinel);
  result.health = "ok";
} catch (error) {
  result.health = `${error?.name}: ${error?.message}`;
}
result.uncaught = uncaught;
console.log(JSON.stringify(result));
process.exit(0);
