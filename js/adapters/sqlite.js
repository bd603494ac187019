// Any synchronous SQLite handle as Django's `django_session` table, for the
// db and cached_db engines: better-sqlite3, Node's and Deno's `node:sqlite`
// (DatabaseSync), Bun's `bun:sqlite`. A translation table only: each
// DbAdapter call is one parameterised statement with the SQL d1.js uses
// (django-schema.js); the core decides keys, data and expiry. No Node-only
// imports: Deno loads it.

import { InvalidSetting } from "../errors.js";
import { sqliteSessionSql, statements } from "./django-schema.js";

function handle(database) {
  if (typeof database?.prepare !== "function") {
    throw new InvalidSetting("sqliteDb needs a synchronous SQLite handle with prepare() (better-sqlite3, node:sqlite's DatabaseSync)");
  }
  return database;
}

/** A DbAdapter over a SQLite handle; each statement is prepared on first use, then reused. */
export function sqliteDb(database, { table = "django_session" } = {}) {
  const sql = sqliteSessionSql(table);
  const db = handle(database);
  // Prepared lazily: the table may be created after the adapter.
  const lazy = (text) => {
    let statement;
    return () => (statement ??= db.prepare(text));
  };
  const { get, exists, insert, update, updateIf, remove, expired } = statements(sql, lazy);
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
  const db = handle(database);
  for (const text of sqliteSessionSql(table).schema) db.prepare(text).run();
}
