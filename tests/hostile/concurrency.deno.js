// The overlapping-request cases (concurrency.js) against Deno's own stores
// under `deno test`, one Deno.test per store x case: a real Deno KV (on a
// file), real files (deno-fs), and Deno's node:sqlite. The store directory
// is the first argument:
//
//   NO_COLOR=1 node_modules/.bin/deno test --no-check --unstable-kv \
//     --allow-read=pkg/edge_sessions_bg.wasm,$DIR --allow-write=$DIR \
//     tests/hostile/concurrency.deno.js -- $DIR
//
// (tests/hostile/concurrency.test.mjs runs it so, in a fresh temp directory.)
// Each test also prints `HOSTILE-RESULT {"name","ok","error"}` so the Node
// runner can report every case under its own name.
import * as lib from "edge-sessions";
import { denoKvCache } from "edge-sessions/adapters/deno-kv";
import { denoFiles } from "edge-sessions/adapters/deno-fs";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { DatabaseSync } from "node:sqlite";
import { concurrency } from "./concurrency.js";

const dir = Deno.args[0] ?? (await Deno.makeTempDir({ prefix: "edge-sessions-hostile-deno-" }));

// One KV database, opened outside any test (the resource sanitizer would
// count it); each open() gets a fresh, empty key space under its prefix.
const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
let opened = 0;
const kvCache = () => denoKvCache(kv, { prefix: ["hostile", ++opened] });
const databases = [];
const sqlite = async () => {
  const db = new DatabaseSync(`${dir}/db-${++opened}.sqlite3`);
  databases.push(db);
  await createSqliteTable(db);
  return sqliteDb(db);
};
const files = async () => {
  const path = `${dir}/files-${++opened}`;
  await Deno.mkdir(path);
  return denoFiles(path);
};

export const DENO_STORES = [
  { name: "deno-kv", kind: "cache", open: async () => ({ cache: kvCache() }) },
  { name: "deno-fs", kind: "files", open: async () => ({ files: await files() }) },
  { name: "deno-sqlite", kind: "db", open: async () => ({ db: await sqlite() }) },
  { name: "deno-kv + deno-sqlite", kind: "cached_db", open: async () => ({ cache: kvCache(), db: await sqlite() }) },
];

let registered = 0;
for (const { name, kind, open } of DENO_STORES) {
  for (const { name: caseName, fn } of concurrency({ lib, kind, open })) {
    const title = `${name} (${kind}): ${caseName}`;
    Deno.test(title, async () => {
      try {
        await fn();
        console.log(`HOSTILE-RESULT ${JSON.stringify({ name: title, ok: true })}`);
      } catch (error) {
        console.log(`HOSTILE-RESULT ${JSON.stringify({ name: title, ok: false, error: `${error?.name}: ${error?.message}` })}`);
        throw error;
      }
    });
    registered++;
  }
}
if (registered === 0) throw new Error("hostile deno: no concurrency cases registered");

globalThis.addEventListener("unload", () => {
  kv.close();
  for (const db of databases) db.close();
});
