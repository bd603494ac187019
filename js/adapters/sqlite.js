// Any synchronous SQLite handle as Django's `django_session` table, for the
// db and cached_db engines: better-sqlite3, Node's and Deno's `node:sqlite`
// (DatabaseSync), Bun's `bun:sqlite`. A translation table only: each
// DbAdapter call is one parameterised statement with the SQL of d1.js; the
// core decides keys, data and expiry. No Node-only imports: Deno loads it.

import { InvalidSetting } from "../errors.js";
import { indexName, quotedTable } from "./django-schema.js";

function handle(database) {
  if (typeof database?.prepare !== "function") {
    throw new InvalidSetting("sqliteDb needs a synchronous SQLite handle with prepare() (better-sqlite3, node:sqlite's DatabaseSync)");
  }
  return database;
}

/** A DbAdapter over a SQLite handle; each statement is prepared on first use, then reused. */
export function sqliteDb(database, { table = "django_session" } = {}) {
  const t = quotedTable(table);
  const db = handle(database);
  // Prepared lazily: the table may be created after the adapter.
  const sql = (text) => {
    let statement;
    return () => (statement ??= db.prepare(text));
  };
  const get = sql(`SELECT session_key AS sessionKey, session_data AS sessionData, expire_date AS expireDate FROM ${t} WHERE session_key = ?`);
  const exists = sql(`SELECT 1 AS found FROM ${t} WHERE session_key = ?`);
  // DO NOTHING turns a duplicate key into 0 changes: Django's IntegrityError, as false.
  const insert = sql(`INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
  const update = sql(`UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`);
  // detectConflicts: the row is replaced only if nobody changed it since it was read.
  const updateIf = sql(`UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND session_data = ?`);
  const remove = sql(`DELETE FROM ${t} WHERE session_key = ?`);
  // Django's text dates compare as they sort, so SQLite's text `<` is right.
  const expired = sql(`DELETE FROM ${t} WHERE expire_date < ?`);
  // No row is undefined (better-sqlite3, node:sqlite) or null (bun:sqlite): `?? null`, `!= null`.
  // `changes` is a number, or a bigint with node:sqlite's readBigInts; `> 0` reads both.
  return {
    get: (sessionKey) => get().get(sessionKey) ?? null,
    exists: (sessionKey) => exists().get(sessionKey) != null,
    insert: (row) => insert().run(row.sessionKey, row.sessionData, row.expireDate).changes > 0,
    update: (row) => update().run(row.sessionData, row.expireDate, row.sessionKey).changes > 0,
    updateIf: (row, expected) => updateIf().run(row.sessionData, row.expireDate, row.sessionKey, expected).changes > 0,
    delete: (sessionKey) => {
      remove().run(sessionKey);
    },
    deleteExpired: (before) => {
      expired().run(before);
    },
  };
}

/**
 * Django's `sessions.0001_initial` on SQLite: the table and its expire_date
 * index (named as Django names it), if they do not exist. Synchronous.
 */
export function createSqliteTable(database, { table = "django_session" } = {}) {
  const t = quotedTable(table);
  const db = handle(database);
  db.prepare(
    `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
  ).run();
  db.prepare(`CREATE INDEX IF NOT EXISTS "${indexName(table, "expire_date")}" ON ${t} ("expire_date")`).run();
}
