// `loadUser` for `getUser` (edge-sessions/django) over Django's `auth_user`
// table: one parameterised query per call, reading `id`, `password` and
// `is_active` only. A translation table, as the session adapters are: the
// core decides what the session means.

import { InvalidSetting } from "../errors.js";
import { fitsInt64, quotedTable, userFromRow as user } from "./django-schema.js";

/** A bigint id as a bound parameter drivers take everywhere: its digits. */
const bound = (id) => (typeof id === "bigint" ? String(id) : id);

function need(handle, method, what, hint) {
  if (typeof handle?.[method] !== "function") throw new InvalidSetting(`${what} needs ${hint}`);
  return handle;
}

/** `loadUser` over a D1 database (Workers). */
export function d1Users(database, { table = "auth_user" } = {}) {
  const db = need(database, "prepare", "d1Users", "a D1 database binding (env.DB)");
  const statement = db.prepare(`SELECT id, password, is_active FROM ${quotedTable(table)} WHERE id = ?`);
  return async (id) => (fitsInt64(id) ? user(await statement.bind(bound(id)).first()) : null);
}

/** `loadUser` over a synchronous SQLite handle (better-sqlite3, node:sqlite, bun:sqlite). */
export function sqliteUsers(database, { table = "auth_user" } = {}) {
  const db = need(database, "prepare", "sqliteUsers", "a synchronous SQLite handle with prepare()");
  const sql = `SELECT id, password, is_active FROM ${quotedTable(table)} WHERE id = ?`;
  let statement; // prepared on first use: the table may be created after the adapter
  return async (id) => {
    if (!fitsInt64(id)) return null; // SQLite's integers are 64-bit; a driver may refuse a wider bigint
    statement ??= db.prepare(sql);
    return user(statement.get(id) ?? null);
  };
}

// PostgreSQL's and MySQL's live with their session tables (the same
// drivers, quoting and identifier limits).
export { postgresUsers } from "./postgres.js";
export { mysqlUsers } from "./mysql.js";
