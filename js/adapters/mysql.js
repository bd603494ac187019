// MySQL and MariaDB (the `mysql2` client: a `mysql2/promise` Pool or
// Connection) as Django's `django_session` table, for the db and cached_db
// engines, and as `loadUser` over `auth_user` for getUser. A translation
// table only: each call is one parameterised statement; the core decides
// keys, data and expiry.

import { InvalidSetting } from "../errors.js";
import { fitsInt64, indexName, quotedTable, userFromRow } from "./django-schema.js";

// MySQL's identifier limit, Django's max_name_length() there.
const MAX_NAME_LENGTH = 64;
// mysql2's error code for a taken primary key: Django's IntegrityError.
const DUPLICATE_KEY = "ER_DUP_ENTRY";

const quoted = (table) => quotedTable(table, MAX_NAME_LENGTH, "`");

/** `execute` (a prepared statement) where the handle has it, else `query`; resolves to the rows or the result header. */
function runner(pool, what) {
  if (typeof pool?.execute === "function") return async (sql, values) => (await pool.execute(sql, values))[0];
  if (typeof pool?.query === "function") return async (sql, values) => (await pool.query(sql, values))[0];
  throw new InvalidSetting(`${what} needs a mysql2/promise Pool or Connection (mysql.createPool(...))`);
}

/** A DbAdapter over a mysql2/promise Pool or Connection. */
export function mysqlDb(pool, { table = "django_session" } = {}) {
  const t = quoted(table);
  const run = runner(pool, "mysqlDb");
  // expire_date is datetime(6) holding UTC (Django's USE_TZ = True on MySQL):
  // the core's `YYYY-MM-DD HH:MM:SS[.ffffff]` goes in as it is, and comes back
  // as the same text, whatever the client's date parsing or time zone.
  const get = `SELECT session_key AS sessionKey, session_data AS sessionData, DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS expireDate FROM ${t} WHERE session_key = ?`;
  const exists = `SELECT 1 AS found FROM ${t} WHERE session_key = ?`;
  const insert = `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?)`;
  // affectedRows counts matched rows with CLIENT_FOUND_ROWS, which mysql2
  // sets by default (and Django's backend too): an update that changes
  // nothing still finds its row.
  const update = `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`;
  // detectConflicts: replaced only if nobody changed it since it was read,
  // compared byte for byte (the column's collation may ignore case).
  const updateIf = `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND CAST(session_data AS BINARY) = CAST(? AS BINARY)`;
  const remove = `DELETE FROM ${t} WHERE session_key = ?`;
  const expired = `DELETE FROM ${t} WHERE expire_date < ?`;
  const changed = async (sql, values) => (await run(sql, values)).affectedRows > 0;
  return {
    get: async (sessionKey) => (await run(get, [sessionKey]))[0] ?? null,
    exists: async (sessionKey) => (await run(exists, [sessionKey])).length > 0,
    insert: (row) =>
      changed(insert, [row.sessionKey, row.sessionData, row.expireDate]).catch((error) => {
        if (error?.code === DUPLICATE_KEY) return false;
        throw error;
      }),
    update: (row) => changed(update, [row.sessionData, row.expireDate, row.sessionKey]),
    updateIf: (row, expected) => changed(updateIf, [row.sessionData, row.expireDate, row.sessionKey, expected]),
    delete: (sessionKey) => run(remove, [sessionKey]),
    deleteExpired: (before) => run(expired, [before]),
  };
}

/**
 * Django's `sessions.0001_initial` on MySQL as one idempotent statement:
 * the table (`session_key varchar(40)` primary key, `session_data
 * longtext`, `expire_date datetime(6)`) and the `expire_date` index named
 * as Django names it.
 */
export function mysqlTableSql({ table = "django_session" } = {}) {
  const t = quoted(table);
  const expiry = indexName(table, "expire_date", { maxLength: MAX_NAME_LENGTH });
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (\`session_key\` varchar(40) NOT NULL PRIMARY KEY, \`session_data\` longtext NOT NULL, \`expire_date\` datetime(6) NOT NULL, INDEX \`${expiry}\` (\`expire_date\`))`,
  ];
}

/** Creates the table and its index if they do not exist. Safe to repeat. */
export async function createMysqlTable(pool, options = {}) {
  const run = runner(pool, "createMysqlTable");
  // query, not execute: MySQL cannot prepare every DDL statement.
  for (const sql of mysqlTableSql(options)) await (typeof pool.query === "function" ? pool.query(sql) : run(sql, []));
}

/**
 * `loadUser` for getUser over Django's `auth_user` on MySQL: one
 * `SELECT id, password, is_active` per call. The id is bound as its digits
 * and compared as an integer (a string compared with an integer column
 * would be compared as a double, inexact past 2**53); one past a 64-bit
 * integer's range is no user, unasked.
 */
export function mysqlUsers(pool, { table = "auth_user" } = {}) {
  const run = runner(pool, "mysqlUsers");
  const sql = `SELECT id, password, is_active FROM ${quoted(table)} WHERE id = CAST(? AS SIGNED)`;
  return async (id) => (fitsInt64(id) ? userFromRow((await run(sql, [String(id)]))[0]) : null);
}
