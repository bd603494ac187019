// The adapter contract (tests/adapters/contract.js) against every adapter
// Node can reach: the in-memory ones, and the real things: Redis,
// PostgreSQL, a SQLite file (better-sqlite3), a directory (node:fs).
// Each `open()` gives a fresh, empty store: its own Redis key prefix, its
// own PostgreSQL/SQLite table, its own directory.
//
//   REDIS_URL, DATABASE_URL   default to what scripts/services.sh prints
//
// Prints one line per adapter x case, then `node adapters: N passed, M failed`;
// exits non-zero on any failure or when nothing ran.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createClient } from "redis";
import * as lib from "edge-sessions";
import { nodeFiles } from "edge-sessions/adapters/fs";
import { createPostgresTable, postgresDb } from "edge-sessions/adapters/postgres";
import { redisCache } from "edge-sessions/adapters/redis";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { conflictCases, contract, runContract } from "./contract.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:63790";
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:54329/postgres";

const run = `r${Date.now().toString(36)}`; // keeps names of this run apart from any other's
let serial = 0;
const next = () => `${run}_${++serial}`;

const redis = await createClient({ url: REDIS_URL }).connect();
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
const work = await mkdtemp(join(tmpdir(), "edge-sessions-adapters-"));
const sqlite = new Database(join(work, "db.sqlite3"));
const pgTables = [];
const redisPrefixes = [];

const stores = {
  redis: () => {
    const prefix = `edge-sessions-test:${next()}:`;
    redisPrefixes.push(prefix);
    return redisCache(redis, { prefix });
  },
  postgres: async () => {
    const table = `django_session_${next()}`;
    pgTables.push(table);
    await createPostgresTable(pool, { table });
    return postgresDb(pool, { table });
  },
  sqlite: () => {
    const table = `django_session_${next()}`;
    createSqliteTable(sqlite, { table });
    return sqliteDb(sqlite, { table });
  },
  files: async () => {
    const directory = join(work, next());
    await (await import("node:fs/promises")).mkdir(directory);
    return nodeFiles(directory);
  },
};

const adapters = [
  { name: "memoryCache", kind: "cache", realTtl: true, cas: true, open: () => ({ cache: lib.memoryCache() }) },
  { name: "memoryDb", kind: "db", cas: true, open: () => ({ db: lib.memoryDb() }) },
  { name: "memoryFiles", kind: "files", open: () => ({ files: lib.memoryFiles() }) },
  { name: "redisCache", kind: "cache", realTtl: true, cas: true, open: () => ({ cache: stores.redis() }) },
  { name: "sqliteDb (better-sqlite3 file)", kind: "db", cas: true, open: () => ({ db: stores.sqlite() }) },
  { name: "postgresDb (pg)", kind: "db", cas: true, open: async () => ({ db: await stores.postgres() }) },
  { name: "nodeFiles (temp dir)", kind: "files", open: async () => ({ files: await stores.files() }) },
  { name: "cached_db: redisCache + postgresDb", kind: "cached_db", open: async () => ({ cache: stores.redis(), db: await stores.postgres() }) },
  { name: "cached_db: memoryCache + sqliteDb", kind: "cached_db", open: () => ({ cache: lib.memoryCache(), db: stores.sqlite() }) },
];

let passed = 0;
let failed = 0;
const started = performance.now();
try {
  // The adapters run one after another; the real-TTL cases sleep, so the
  // two real caches would be faster in parallel, but the output stays readable.
  for (const adapter of adapters) {
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
  // Leave the servers as found: drop this run's tables and keys.
  for (const table of pgTables) await pool.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
  for (const prefix of redisPrefixes) {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
      if (keys.length) await redis.del(keys);
    }
  }
  await (typeof redis.close === "function" ? redis.close() : redis.quit());
  await pool.end();
  sqlite.close();
  await rm(work, { recursive: true, force: true });
}

console.log(`     all adapters in ${Math.round(performance.now() - started)} ms`);
console.log(`node adapters: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
