// The storage contract (contract.js) against Deno's own stores under
// `deno test`, one Deno.test per adapter x case: a real Deno KV (on a file),
// real files, and Deno's node:sqlite. Run by tests/adapters/run-deno.sh, which
// gives a fresh temp directory as the first argument:
//   deno test --no-check --unstable-kv --allow-read=pkg/edge_sessions_bg.wasm,$DIR \
//     --allow-write=$DIR tests/adapters/deno.test.js -- $DIR
// (--no-check: see tests/runtime/deno.test.js.)
import * as lib from "edge-sessions";
import { denoKvCache } from "edge-sessions/adapters/deno-kv";
import { denoFiles } from "edge-sessions/adapters/deno-fs";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { DatabaseSync } from "node:sqlite";
import { conflictCases, contract } from "./contract.js";

const dir = Deno.args[0] ?? (await Deno.makeTempDir({ prefix: "edge-sessions-deno-" }));
console.log(`deno adapters: edge-sessions -> ${import.meta.resolve("edge-sessions")}, stores in ${dir}`);

// One KV database (opened outside any test, so the resource sanitizer does
// not count it); each open() gets a fresh, empty key space under its prefix.
const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
let opened = 0;
const kvCache = () => denoKvCache(kv, { prefix: ["contract", ++opened] });
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

// realTtl: the adapter honours a 1-second TTL at once (see deno-kv.js for
// why KV's own expireIn is not enough).
const adapters = [
  { name: "deno-kv", kind: "cache", realTtl: true, cas: true, open: async () => ({ cache: kvCache() }) },
  { name: "deno-fs", kind: "files", open: async () => ({ files: await files() }) },
  { name: "deno-sqlite", kind: "db", cas: true, open: async () => ({ db: await sqlite() }) },
  { name: "deno-kv + deno-sqlite", kind: "cached_db", realTtl: true, open: async () => ({ cache: kvCache(), db: await sqlite() }) },
];

let registered = 0;
for (const { name, kind, realTtl, cas, open } of adapters) {
  // Stores that compare-and-swap also run the lost-update protection cases.
  const cases = [...contract({ lib, kind, open, realTtl }), ...(cas ? conflictCases({ lib, kind, open }) : [])];
  for (const { name: caseName, fn } of cases) {
    Deno.test(`${name} (${kind}): ${caseName}`, fn);
    registered++;
  }
}
if (registered === 0) throw new Error("deno adapters: no contract cases registered");

globalThis.addEventListener("unload", () => {
  kv.close();
  for (const db of databases) db.close();
});
