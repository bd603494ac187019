// Overlapping requests on one session (tests/hostile/concurrency.js) on
// every store: under Node the in-memory stores, SQLite (better-sqlite3),
// a directory (node:fs), real Redis and real PostgreSQL; under Deno, Deno KV,
// deno-fs and node:sqlite (concurrency.deno.js, run here with the repo's
// deno); inside workerd (Miniflare), KV, the Cache API, Durable Objects and
// D1 (concurrency.worker.js). One test per store, one subtest per case.
//
// Redis and PostgreSQL: REDIS_URL / DATABASE_URL when set (run.sh sets
// them); otherwise tests/support/services.mjs starts a set for this process
// and stops it at exit.
//
//   node --test tests/hostile/concurrency.test.mjs

import { after, before, describe, test } from "node:test";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as lib from "edge-sessions";
import { nodeStores, ROOT } from "../support/services.mjs";
import { packageImports, startWorker, WORKERS_ADAPTERS } from "../support/workerd.mjs";
import { concurrency } from "./concurrency.js";

// Counts for the summary line: stores run, cases passed and failed.
const tally = { stores: 0, passed: 0, failed: 0 };
after(() => {
  console.log(`hostile concurrency: ${tally.stores} stores, ${tally.passed + tally.failed} store x case runs: ${tally.passed} passed, ${tally.failed} failed`);
});

/** One case as a subtest of `t`, counted. */
async function counted(t, name, fn) {
  let ok = false;
  await t.test(name, async () => {
    await fn();
    ok = true;
  });
  ok ? tally.passed++ : tally.failed++;
}

/** Runs the cases for one store as subtests of `t`. */
async function runCases(t, cases) {
  tally.stores++;
  for (const { name, fn } of cases) await counted(t, name, fn);
}

/** Reports results computed elsewhere (Deno, workerd) as subtests of `t`. */
async function report(t, results, stores = 1) {
  if (results.length === 0) throw new Error("no results");
  tally.stores += stores;
  for (const r of results) {
    await counted(t, r.name, () => {
      if (!r.ok) throw new Error(r.error);
    });
  }
}

// --- Node: in-memory, SQLite, files, Redis, PostgreSQL ---------------------------------

describe("node", () => {
  let real; // fresh stores on the real servers (tests/support/services.mjs)
  before(async () => {
    real = await nodeStores({ tag: "hostile" });
  });
  after(async () => {
    await real?.close();
  });
  const fresh = {
    redis: () => real.fresh.redis(),
    postgres: () => real.fresh.postgres(),
    sqlite: () => real.fresh.sqlite(),
    files: () => real.fresh.files(),
  };

  const stores = [
    { name: "memoryCache", kind: "cache", open: () => ({ cache: lib.memoryCache() }) },
    { name: "memoryDb", kind: "db", open: () => ({ db: lib.memoryDb() }) },
    { name: "memoryFiles", kind: "files", open: () => ({ files: lib.memoryFiles() }) },
    { name: "cached_db: memoryCache + memoryDb", kind: "cached_db", open: () => ({ cache: lib.memoryCache(), db: lib.memoryDb() }) },
    { name: "sqliteDb (better-sqlite3 file)", kind: "db", open: () => ({ db: fresh.sqlite() }) },
    { name: "nodeFiles (temp dir)", kind: "files", open: async () => ({ files: await fresh.files() }) },
    { name: "redisCache", kind: "cache", open: () => ({ cache: fresh.redis() }) },
    { name: "postgresDb (pg)", kind: "db", open: async () => ({ db: await fresh.postgres() }) },
    { name: "cached_db: redisCache + postgresDb", kind: "cached_db", open: async () => ({ cache: fresh.redis(), db: await fresh.postgres() }) },
    { name: "cached_db: memoryCache + sqliteDb", kind: "cached_db", open: () => ({ cache: lib.memoryCache(), db: fresh.sqlite() }) },
  ];
  for (const store of stores) {
    test(`node ${store.name} [${store.kind}]`, (t) => runCases(t, concurrency({ lib, ...store })));
  }
});

// --- Deno: Deno KV, deno-fs, node:sqlite -----------------------------------------------

describe("deno", () => {
  test("deno stores (concurrency.deno.js under deno test)", async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), "edge-sessions-hostile-deno-"));
    try {
      const args = ["test", "--no-check", "--unstable-kv", `--allow-read=pkg/edge_sessions_bg.wasm,${dir}`, `--allow-write=${dir}`,
        "tests/hostile/concurrency.deno.js", "--", dir];
      const output = await new Promise((resolve, reject) => {
        const child = spawn(path.join(ROOT, "node_modules/.bin/deno"), args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
        let text = "";
        child.stdout.on("data", (chunk) => { text += chunk; });
        child.stderr.on("data", (chunk) => { text += chunk; });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, text }));
      });
      const results = [...output.text.matchAll(/^HOSTILE-RESULT (.*)$/gm)].map((m) => JSON.parse(m[1]));
      const summary = /^(ok|FAILED) \| (\d+) passed \| (\d+) failed/m.exec(output.text);
      t.diagnostic(`deno: ${summary?.[0] ?? "no summary"}`);
      if (results.length === 0) throw new Error(`deno ran no case (exit ${output.code}):\n${output.text.slice(-3000)}`);
      await report(t, results, new Set(results.map((r) => r.name.split(" (")[0])).size);
      if (output.code !== 0 && results.every((r) => r.ok)) throw new Error(`deno exited ${output.code}:\n${output.text.slice(-3000)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// --- workerd: KV, Cache API, Durable Objects, D1 ---------------------------------------

describe("workerd", () => {
  let worker;
  before(async () => {
    // As tests/adapters/workerd.run.mjs: the package as Workers resolve it, its adapters beside it.
    const scriptPath = path.join(ROOT, "tests/hostile/concurrency.entry.mjs"); // given inline, never written
    const script = `
${packageImports(scriptPath, WORKERS_ADAPTERS)}
import { concurrencyWorker } from "./concurrency.worker.js";
export { SessionCacheObject };
export default concurrencyWorker({ lib, kvCache, cacheApiCache, durableObjectCache, d1Db, createD1Table });
`;
    worker = await startWorker({
      scriptPath,
      script,
      kvNamespaces: ["KV"],
      d1Databases: ["DB"],
      durableObjects: { SESSIONS: { className: "SessionCacheObject", useSQLite: true } },
    });
  });
  after(async () => {
    await worker?.dispose();
  });

  const get = (route) => worker.get(route);
  for (const store of ["kv", "cache-api", "durable-object", "d1", "cached_db kv+d1", "cached_db durable-object+d1"]) {
    test(`workerd ${store}`, async (t) => {
      const kinds = await get("stores");
      if (!kinds[store]) throw new Error(`the worker has no store ${store}`);
      await report(t, await get(`run/${encodeURIComponent(store)}`));
    });
  }
});
