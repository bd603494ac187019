// Cloudflare D1 as Django's `django_session` table, for the db and cached_db
// engines. A translation table only: each DbAdapter call is one
// parameterised statement (the SQL of sqlite.js, from django-schema.js);
// the core decides keys, data and expiry.

import { InvalidSetting } from "../errors.js";
import { sqliteSessionSql, statements } from "./django-schema.js";

function binding(database) {
  if (typeof database?.prepare !== "function") throw new InvalidSetting("d1Db needs a D1 database binding (env.DB)");
  return database;
}

/** A DbAdapter over a D1 database; statements are prepared once, bound per call. */
export function d1Db(database, { table = "django_session" } = {}) {
  const sql = sqliteSessionSql(table);
  const db = binding(database);
  const { get, exists, insert, update, updateIf, remove, expired } = statements(sql, (text) => db.prepare(text));
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

/** Django's `sessions.0001_initial` on SQLite: the table and its expire_date index, in one batch. */
export async function createD1Table(database, { table = "django_session" } = {}) {
  const db = binding(database);
  await db.batch(sqliteSessionSql(table).schema.map((text) => db.prepare(text)));
}
