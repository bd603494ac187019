// `loadUser` for `getUser` (edge-sessions/django) over Django's `auth_user`
// table: one parameterised query per call, reading `id`, `password` and
// `is_active` only. A translation table, as the session adapters are: the
// core decides what the session means.

import { InvalidSetting } from "../errors.js";
import { quotedTable } from "./django-schema.js";

/** The user object getUser expects, from a row. */
function user(row) {
  if (row == null) return null;
  return { id: row.id, password: row.password, isActive: Boolean(Number(row.is_active)) };
}

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
  return async (id) => user(await statement.bind(bound(id)).first());
}

/** `loadUser` over a synchronous SQLite handle (better-sqlite3, node:sqlite, bun:sqlite). */
export function sqliteUsers(database, { table = "auth_user" } = {}) {
  const db = need(database, "prepare", "sqliteUsers", "a synchronous SQLite handle with prepare()");
  const sql = `SELECT id, password, is_active FROM ${quotedTable(table)} WHERE id = ?`;
  let statement; // prepared on first use: the table may be created after the adapter
  return async (id) => {
    statement ??= db.prepare(sql);
    return user(statement.get(id) ?? null);
  };
}

/**
 * `loadUser` over PostgreSQL (a `pg` Pool or Client). The id is compared as
 * a bigint, so an id past Django's AutoField range finds no row rather than
 * failing the query.
 */
export function postgresUsers(pool, { table = "auth_user" } = {}) {
  const db = need(pool, "query", "postgresUsers", "a pg Pool or Client");
  const sql = `SELECT id, password, is_active FROM ${quotedTable(table, 63)} WHERE id = $1::bigint`;
  return async (id) => user((await db.query(sql, [String(id)])).rows[0]);
}

/**
 * `loadUser` over MySQL: a `mysql2/promise` Pool or Connection (anything
 * whose `execute(sql, params)` resolves to `[rows]`).
 */
export function mysqlUsers(pool, { table = "auth_user" } = {}) {
  const db = need(pool, "execute", "mysqlUsers", "a mysql2/promise Pool or Connection");
  // MySQL quotes identifiers with backticks; the name is checked as for the others.
  const name = quotedTable(table, 64).slice(1, -1);
  const sql = `SELECT id, password, is_active FROM \`${name}\` WHERE id = ?`;
  return async (id) => {
    const [rows] = await db.execute(sql, [String(id)]);
    return user(rows?.[0]);
  };
}
