/**
 * Django's schema-editor rules, shared by the SQL adapters (SQLite, D1,
 * PostgreSQL, MySQL): which table names may be spliced into SQL, the names
 * Django gives indexes, and the SQLite statements `sqliteDb` and `d1Db`
 * share. Pure JS (a small MD5 included), for any runtime.
 *
 * @example
 * import { indexName } from "edge-sessions/adapters/django-schema";
 * indexName("django_session", "expire_date"); // "django_session_expire_date_a5c62663"
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { InvalidSetting } from "../index.js";

/**
 * `table` in double quotes (or `quote`: "`" for MySQL), for SQL. Throws
 * {@link InvalidSetting} unless it is a letter followed by letters, digits
 * or `_`, at most `maxLength` (default 128) chars in all.
 *
 * @example
 * quotedTable("django_session"); // "\"django_session\""
 * quotedTable("django_session", 64, "`"); // "`django_session`"
 */
export function quotedTable(table: string, maxLength?: number, quote?: string): string;

/**
 * Each statement of {@link sqliteSessionSql} (not its `schema`) through
 * `prepare`: `{ get, exists, insert, update, updateIf, remove, expired }`.
 */
export function statements<T>(
  sql: ReturnType<typeof sqliteSessionSql>,
  prepare: (text: string) => T,
): Record<"get" | "exists" | "insert" | "update" | "updateIf" | "remove" | "expired", T>;

/**
 * Whether a user id (a number, a bigint or its digits) fits a 64-bit
 * signed integer. The users loaders answer null past it without a query,
 * as Django's lookups find no row for an out-of-range integer.
 */
export function fitsInt64(id: number | bigint | string): boolean;

/** The user `getUser` reads, from an `auth_user` row (`id`, `password`, `is_active`); null for no row. */
export function userFromRow(
  row: { id: unknown; password: string; is_active: unknown } | null | undefined,
): { id: any; password: string; isActive: boolean } | null;

/**
 * The SQL the SQLite adapters (`sqliteDb`, `d1Db`) run, one source for
 * both: a statement per DbAdapter call with `?` parameters (`get`,
 * `exists`, `remove`: the session key; `insert`: key, data, expiry date;
 * `update`: data, expiry date, key; `updateIf`: the same and the expected
 * data; `expired`: the date before which rows go), and `schema`, Django's
 * `sessions.0001_initial` on SQLite made idempotent (the table, then the
 * `expire_date` index named as Django names it). Throws
 * {@link InvalidSetting} for a bad table name.
 *
 * @example
 * sqliteSessionSql().schema[1];
 * // CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")
 */
export function sqliteSessionSql(table?: string): {
  get: string;
  exists: string;
  insert: string;
  update: string;
  updateIf: string;
  remove: string;
  expired: string;
  schema: string[];
};

/**
 * Django's `_create_index_name(table, [column], suffix)`: `table_column_`
 * + the first 8 hex digits of `md5(table + column)` + `suffix`, shortened
 * as Django does past `maxLength` (Django's `max_name_length()`: 63 on
 * PostgreSQL; 200, Django's fallback, on SQLite).
 *
 * @example
 * indexName("django_session", "session_key", { suffix: "_like", maxLength: 63 });
 * // "django_session_session_key_c0390e0f_like"
 */
export function indexName(table: string, column: string, options?: { suffix?: string; maxLength?: number }): string;

/**
 * The MD5 digest of `text`'s UTF-8 bytes as 32 lowercase hex digits, for
 * names only (MD5 is not a security primitive).
 *
 * @example
 * md5Hex(""); // "d41d8cd98f00b204e9800998ecf8427e"
 */
export function md5Hex(text: string): string;
