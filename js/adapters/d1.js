// Cloudflare D1 as Django's `django_session` table, for the db and cached_db
// engines. A translation table only: each DbAdapter call is one
// parameterised statement; the core decides keys, data and expiry.

import { InvalidSetting } from "../errors.js";

// A table name cannot be a bound parameter, so it is spliced into the SQL:
// only plain identifiers get through. Starting with a letter and at most
// 128 chars keeps Django's index name unmangled (no "D" prefix, no truncation).
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

function quoted(table) {
  if (typeof table !== "string" || !IDENTIFIER.test(table)) {
    throw new InvalidSetting(`table must be a plain SQL identifier (a letter, then letters, digits or _), not ${JSON.stringify(table)}`);
  }
  return `"${table}"`;
}

function binding(database) {
  if (typeof database?.prepare !== "function") throw new InvalidSetting("d1Db needs a D1 database binding (env.DB)");
  return database;
}

/** A DbAdapter over a D1 database; statements are prepared once, bound per call. */
export function d1Db(database, { table = "django_session" } = {}) {
  const t = quoted(table);
  const db = binding(database);
  const sql = (text) => db.prepare(text);
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
  const changes = async (statement) => (await statement.run()).meta.changes;
  return {
    get: (sessionKey) => get.bind(sessionKey).first(),
    exists: async (sessionKey) => (await exists.bind(sessionKey).first()) !== null,
    insert: async (row) => (await changes(insert.bind(row.sessionKey, row.sessionData, row.expireDate))) > 0,
    update: async (row) => (await changes(update.bind(row.sessionData, row.expireDate, row.sessionKey))) > 0,
    updateIf: async (row, expected) => (await changes(updateIf.bind(row.sessionData, row.expireDate, row.sessionKey, expected))) > 0,
    delete: (sessionKey) => changes(remove.bind(sessionKey)),
    deleteExpired: (before) => changes(expired.bind(before)),
  };
}

/** Django's `sessions.0001_initial` on SQLite: the table and its expire_date index. */
export async function createD1Table(database, { table = "django_session" } = {}) {
  const t = quoted(table);
  const db = binding(database);
  // Django names the index table_column_<first 8 hex of md5(table + column)>;
  // Workers' crypto.subtle has MD5 (Node's does not).
  const md5 = new Uint8Array(await crypto.subtle.digest("MD5", new TextEncoder().encode(`${table}expire_date`)));
  const suffix = [...md5.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
  await db.batch([
    db.prepare(
      `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
    ),
    db.prepare(`CREATE INDEX IF NOT EXISTS "${table}_expire_date_${suffix}" ON ${t} ("expire_date")`),
  ]);
}
