// PostgreSQL (the `pg` client: a Pool or a Client) as Django's
// `django_session` table, for the db and cached_db engines. A translation
// table only: each DbAdapter call is one parameterised query; the core
// decides keys, data and expiry.

import { InvalidSetting } from "../errors.js";
import { indexName, quotedTable } from "./django-schema.js";

// PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1), Django's
// max_name_length() there; a longer table name would silently be another.
const MAX_NAME_LENGTH = 63;

function queryable(pool, what) {
  if (typeof pool?.query !== "function") throw new InvalidSetting(`${what} needs a pg Pool or Client (new pg.Pool(...))`);
  return pool;
}

// The core's dates are Django's UTC text, `YYYY-MM-DD HH:MM:SS[.ffffff]`:
// read as a timestamp, then placed in UTC, whatever the session TimeZone.
const utc = (n) => `$${n}::timestamp AT TIME ZONE 'UTC'`;

/** A DbAdapter over a pg Pool or Client. */
export function postgresDb(pool, { table = "django_session" } = {}) {
  const t = quotedTable(table, MAX_NAME_LENGTH);
  const db = queryable(pool, "postgresDb");
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
  const rows = async (text, values) => (await db.query(text, values)).rowCount;
  return {
    get: async (sessionKey) => (await db.query(get, [sessionKey])).rows[0] ?? null,
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
 * transaction (one multi-statement query runs as one on PostgreSQL).
 */
export async function createPostgresTable(pool, options = {}) {
  const sql = postgresTableSql(options);
  await queryable(pool, "createPostgresTable").query(sql.join(";\n"));
}
