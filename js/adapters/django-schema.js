// Django's schema-editor rules the SQL adapters share: which table names
// may be spliced into SQL, and how Django names an index. Plain JS with no
// imports beyond the package, so it loads in Node, Deno, Bun and workerd.

import { InvalidSetting } from "../errors.js";

/**
 * `table` quoted for SQL (double quotes; `quote` "`" for MySQL), or
 * InvalidSetting. A table name cannot be a bound parameter, so only plain
 * identifiers (a letter, then letters, digits or `_`, at most `maxLength`
 * chars) are spliced into SQL.
 */
export function quotedTable(table, maxLength = 128, quote = '"') {
  const identifier = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${maxLength - 1}}$`);
  if (typeof table !== "string" || !identifier.test(table)) {
    throw new InvalidSetting(
      `table must be a plain SQL identifier (a letter, then letters, digits or _, at most ${maxLength} chars), not ${JSON.stringify(table)}`,
    );
  }
  return `${quote}${table}${quote}`;
}

const INT64 = 2n ** 63n;

/**
 * Whether a user id fits a 64-bit signed integer, the widest primary key
 * any of the databases has. Past it no row can match, as Django's lookups
 * answer an out-of-range integer with no rows (5.0+) rather than a
 * database error; the loaders answer null without asking.
 */
export function fitsInt64(id) {
  const n = typeof id === "bigint" ? id : BigInt(id);
  return n >= -INT64 && n < INT64;
}

/** `sqliteSessionSql`'s seven statements, each through `prepare` (the schema left out). */
export function statements(sql, prepare) {
  const { schema, ...each } = sql;
  return Object.fromEntries(Object.entries(each).map(([name, text]) => [name, prepare(text)]));
}

/** The user getUser expects (`{ id, password, isActive }`) from an `auth_user` row, or null. */
export function userFromRow(row) {
  if (row == null) return null;
  return { id: row.id, password: row.password, isActive: Boolean(Number(row.is_active)) };
}

/**
 * The SQL of the SQLite adapters (`sqliteDb` over a local handle, `d1Db`
 * over D1), one statement per DbAdapter call, `?` parameters in the order
 * of each comment, and Django's `sessions.0001_initial` on SQLite (made
 * idempotent) as `schema`. Django's text dates compare as they sort, so
 * SQLite's text `<` is right for `expired`.
 */
export function sqliteSessionSql(table = "django_session") {
  const t = quotedTable(table);
  return {
    // sessionKey
    get: `SELECT session_key AS sessionKey, session_data AS sessionData, expire_date AS expireDate FROM ${t} WHERE session_key = ?`,
    exists: `SELECT 1 AS found FROM ${t} WHERE session_key = ?`,
    // sessionKey, sessionData, expireDate. DO NOTHING turns a duplicate key
    // into 0 changes: Django's IntegrityError, as false.
    insert: `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
    // sessionData, expireDate, sessionKey
    update: `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
    // sessionData, expireDate, sessionKey, expected: detectConflicts, the row
    // is replaced only if nobody changed it since it was read.
    updateIf: `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND session_data = ?`,
    // sessionKey
    remove: `DELETE FROM ${t} WHERE session_key = ?`,
    // before
    expired: `DELETE FROM ${t} WHERE expire_date < ?`,
    schema: [
      `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS "${indexName(table, "expire_date")}" ON ${t} ("expire_date")`,
    ],
  };
}

/**
 * Django's `BaseDatabaseSchemaEditor._create_index_name(table, [column], suffix)`:
 * `<table>_<column>_<md5(table + column)[:8]><suffix>`, shortened as Django
 * shortens it when longer than the backend's `max_name_length()` (63 on
 * PostgreSQL; SQLite has none, so Django uses 200).
 */
export function indexName(table, column, { suffix = "", maxLength = 200 } = {}) {
  let hashSuffix = md5Hex(table + column).slice(0, 8) + suffix;
  const name = `${table}_${column}_${hashSuffix}`;
  if (name.length <= maxLength) return name;
  if (hashSuffix.length > maxLength / 3) hashSuffix = hashSuffix.slice(0, Math.floor(maxLength / 3));
  const other = Math.floor((maxLength - hashSuffix.length) / 2) - 1;
  const short = `${table.slice(0, other)}_${column.slice(0, other)}_${hashSuffix}`;
  // Django's "D" prefix for names starting with "_" or a digit cannot apply:
  // quotedTable() only lets through names that start with a letter.
  return short;
}

// MD5 (RFC 1321) of a string's UTF-8 bytes, as hex. Synchronous and
// dependency-free: crypto.subtle has no MD5 outside Workers, and node:crypto
// is not everywhere. Used only for index names, never for security.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** The MD5 digest of `text` (UTF-8) as 32 lowercase hex chars. */
export function md5Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (bytes.length * 8) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bytes.length / 2 ** 29), true);
  let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let block = 0; block < padded.length; block += 64) {
    let [a, b, c, d] = [a0, b0, c0, d0];
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f = [(b & c) | (~b & d), (d & b) | (~d & c), b ^ c ^ d, c ^ (b | ~d)][round];
      const g = [i, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][round];
      const sum = (a + f + K[i] + view.getUint32(block + g * 4, true)) | 0;
      const shift = S[round * 4 + (i % 4)];
      [a, d, c] = [d, c, b];
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    [a0, b0, c0, d0] = [(a0 + a) | 0, (b0 + b) | 0, (c0 + c) | 0, (d0 + d) | 0];
  }
  const out = new DataView(new ArrayBuffer(16));
  for (const [i, word] of [a0, b0, c0, d0].entries()) out.setUint32(i * 4, word, true);
  return [...new Uint8Array(out.buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
