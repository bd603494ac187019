// The adapter contract (tests/adapters/contract.js) against every adapter
// Node can reach: the in-memory ones, and the real things: Redis,
// PostgreSQL, a SQLite file (better-sqlite3, and node:sqlite where the
// runtime has it: Node 22.5+), a directory (node:fs). Each `open()` gives a
// fresh, empty store (tests/support/services.mjs): its own Redis key
// prefix, its own PostgreSQL/SQLite table, its own directory.
//
//   node tests/adapters/node.run.mjs [--only REGEX]
//
// REDIS_URL, DATABASE_URL: the servers (scripts/services.sh); a set is
// started for this run when they are not set. --only keeps the adapters
// whose name matches (scripts/node22.sh: --only node:sqlite).
//
// Prints one line per adapter x case, then `node adapters: N passed, M failed`
// (and `K skipped`, with why, for an adapter this runtime cannot load);
// exits non-zero on any failure or when nothing ran.

import path from "node:path";
import * as lib from "edge-sessions";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { nodeStores } from "../support/services.mjs";
import { conflictCases, contract, runContract } from "./contract.js";

const only = process.argv.includes("--only") ? new RegExp(process.argv[process.argv.indexOf("--only") + 1]) : null;

const stores = await nodeStores({ tag: "adapters" });
const { fresh } = stores;

// node:sqlite (Node 22.5+): a file of its own beside better-sqlite3's.
const nodeSqlite = await import("node:sqlite").catch(() => null);
const nodeSqliteDb = nodeSqlite?.DatabaseSync ? new nodeSqlite.DatabaseSync(path.join(stores.work, "node-sqlite.sqlite3")) : null;
const freshNodeSqlite = () => {
  const table = `django_session_${stores.next()}`;
  createSqliteTable(nodeSqliteDb, { table });
  return sqliteDb(nodeSqliteDb, { table });
};
const NO_NODE_SQLITE = `node:sqlite needs Node 22.5+ (this is ${process.version}; scripts/node22.sh runs it)`;

const adapters = [
  { name: "memoryCache", kind: "cache", realTtl: true, cas: true, open: () => ({ cache: lib.memoryCache() }) },
  { name: "memoryDb", kind: "db", cas: true, open: () => ({ db: lib.memoryDb() }) },
  { name: "memoryFiles", kind: "files", open: () => ({ files: lib.memoryFiles() }) },
  { name: "redisCache", kind: "cache", realTtl: true, cas: true, open: () => ({ cache: fresh.redis() }) },
  { name: "sqliteDb (better-sqlite3 file)", kind: "db", cas: true, open: () => ({ db: fresh.sqlite() }) },
  { name: "sqliteDb (node:sqlite file)", kind: "db", cas: true, skip: nodeSqliteDb ? null : NO_NODE_SQLITE, open: () => ({ db: freshNodeSqlite() }) },
  { name: "postgresDb (pg)", kind: "db", cas: true, open: async () => ({ db: await fresh.postgres() }) },
  { name: "nodeFiles (temp dir)", kind: "files", open: async () => ({ files: await fresh.files() }) },
  { name: "cached_db: redisCache + postgresDb", kind: "cached_db", open: async () => ({ cache: fresh.redis(), db: await fresh.postgres() }) },
  { name: "cached_db: memoryCache + sqliteDb", kind: "cached_db", open: () => ({ cache: lib.memoryCache(), db: fresh.sqlite() }) },
  {
    name: "cached_db: memoryCache + sqliteDb (node:sqlite)",
    kind: "cached_db",
    skip: nodeSqliteDb ? null : NO_NODE_SQLITE,
    open: () => ({ cache: lib.memoryCache(), db: freshNodeSqlite() }),
  },
].filter((adapter) => !only || only.test(adapter.name));

let passed = 0;
let failed = 0;
let skipped = 0;
const started = performance.now();
try {
  // The adapters run one after another; the real-TTL cases sleep, so the
  // two real caches would be faster in parallel, but the output stays readable.
  for (const adapter of adapters) {
    if (adapter.skip) {
      skipped++;
      console.log(`SKIP ${adapter.name} [${adapter.kind}]: ${adapter.skip}`);
      continue;
    }
    const t0 = performance.now();
    // Stores that compare-and-swap also run the lost-update protection cases.
    const cases = [...contract({ lib, ...adapter }), ...(adapter.cas ? conflictCases({ lib, ...adapter }) : [])];
    const results = await runContract(cases);
    for (const { name, ok, error } of results) {
      ok ? passed++ : failed++;
      console.log(`${ok ? "ok  " : "FAIL"} ${adapter.name} [${adapter.kind}] :: ${name}${ok ? "" : ` -- ${error}`}`);
    }
    console.log(`     ${adapter.name}: ${results.filter((r) => r.ok).length}/${results.length} in ${Math.round(performance.now() - t0)} ms`);
  }
} finally {
  nodeSqliteDb?.close();
  await stores.close();
}

console.log(`     all adapters in ${Math.round(performance.now() - started)} ms`);
console.log(`node adapters: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
