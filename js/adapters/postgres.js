// PostgreSQL as Django's `django_session` table, for the db and cached_db
// engines, and as `loadUser` over `auth_user` for getUser: through `pg` (a
// Pool or a Client) or postgres.js (the `sql` function of `postgres(url)`).
// A translation table only: each call is one parameterised query; the core
// decides keys, data and expiry.

import { InvalidSetting } from "../errors.js";
import { fitsInt64, indexName, quotedTable, userFromRow } from "./django-schema.js";

// PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1), Django's
// max_name_length() there; a longer table name would silently be another.
const MAX_NAME_LENGTH = 63;

/**
 * `query(text, values)` resolving to `{ rows, rowCount }`, over pg's
 * `query` or postgres.js's `unsafe` (the same `$n` parameters; its result
 * is the rows, with the affected-row count as `count`).
 */
function queryable(pool, what) {
  if (typeof pool?.query === "function") return (text, values) => pool.query(text, values);
  if (typeof pool?.unsafe === "function") {
    return async (text, values) => {
      const result = await pool.unsafe(text, values);
      return { rows: result, rowCount: result.count };
    };
  }
  throw new InvalidSetting(`${what} needs a pg Pool or Client (new pg.Pool(...)) or a postgres.js sql (postgres(url))`);
}

// The core's dates are Django's UTC text, `YYYY-MM-DD HH:MM:SS[.ffffff]`:
// read as a timestamp, then placed in UTC, whatever the session TimeZone.
const utc = (n) => `$${n}::timestamp AT TIME ZONE 'UTC'`;

/** A DbAdapter over a pg Pool or Client. */
export function postgresDb(pool, { table = "django_session" } = {}) {
  const t = quotedTable(table, MAX_NAME_LENGTH);
  const query = queryable(pool, "postgresDb");
  // The date goes back as the same UTC text, to the microsecond, whatever
  // the client's type parsers or the server's DateStyle and TimeZone.
  const get = `SELECT session_key AS "sessionKey", session_data AS "sessionData", to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS "expireDate" FROM ${t} WHERE session_key = $1`;
  const exists = `SELECT 1 FROM ${t} WHERE session_key = $1`;
  // DO NOTHING turns a duplicate key into 0 rows: Django's IntegrityError, as false.
  const insert = `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES ($1, $2, ${utc(3)}) ON CONFLICT DO NOTHING`;
  const update = `UPDATE ${t} SET session_data = $2, expire_date = ${utc(3)} WHERE session_key = $1`;
  // detectConflicts: the row is replaced only if nobody changed it since it was read.
  const updateIf = `UPDATE ${t} SET session_data = $2, expire_date = ${utc(3)} WHERE session_key = $1 AND session_data = $4`;
  const remove = `DELETE FROM ${t} WHERE session_key = $1`;
  const expired = `DELETE FROM ${t} WHERE expire_date < ${utc(1)}`;
  const rows = async (text, values) => (await query(text, values)).rowCount;
  return {
    get: async (sessionKey) => (await query(get, [sessionKey])).rows[0] ?? null,
    exists: async (sessionKey) => (await rows(exists, [sessionKey])) > 0,
    insert: async (row) => (await rows(insert, [row.sessionKey, row.sessionData, row.expireDate])) > 0,
    update: async (row) => (await rows(update, [row.sessionKey, row.sessionData, row.expireDate])) > 0,
    updateIf: async (row, expected) => (await rows(updateIf, [row.sessionKey, row.sessionData, row.expireDate, expected])) > 0,
    delete: (sessionKey) => rows(remove, [sessionKey]),
    deleteExpired: (before) => rows(expired, [before]),
  };
}

/** The SQL of Django's `sessions.0001_initial` on PostgreSQL, made idempotent. */
export function postgresTableSql({ table = "django_session" } = {}) {
  const t = quotedTable(table, MAX_NAME_LENGTH);
  const like = indexName(table, "session_key", { suffix: "_like", maxLength: MAX_NAME_LENGTH });
  const expiry = indexName(table, "expire_date", { maxLength: MAX_NAME_LENGTH });
  return [
    `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS "${like}" ON ${t} ("session_key" varchar_pattern_ops)`,
    `CREATE INDEX IF NOT EXISTS "${expiry}" ON ${t} ("expire_date")`,
  ];
}

/**
 * Creates the table and its two indexes if they do not exist, in one
 * transaction (one multi-statement query, without parameters, runs as one
 * on PostgreSQL).
 */
export async function createPostgresTable(pool, options = {}) {
  const sql = postgresTableSql(options);
  await queryable(pool, "createPostgresTable")(sql.join(";\n"));
}

/**
 * `loadUser` for getUser over Django's `auth_user` on PostgreSQL. The id is
 * compared as a bigint (an id past an `integer` column's range finds no
 * row), and one past a bigint's is no user, unasked.
 */
export function postgresUsers(pool, { table = "auth_user" } = {}) {
  const query = queryable(pool, "postgresUsers");
  const sql = `SELECT id, password, is_active FROM ${quotedTable(table, MAX_NAME_LENGTH)} WHERE id = $1::bigint`;
  return async (id) => (fitsInt64(id) ? userFromRow((await query(sql, [String(id)])).rows[0]) : null);
}
