/**
 * Cloudflare D1 as Django's `django_session` table, for the `db` and
 * `cached_db` engines. Rows are Django's, so a Django site reading the same
 * SQLite data sees the same sessions.
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { d1Db, createD1Table } from "edge-sessions/adapters/d1";
 *
 * export default { fetch: withSession(handler, (env) => ({ secretKey: env.SECRET_KEY, db: d1Db(env.DB) })) };
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { DbAdapter, InvalidSetting } from "../index.js";

/**
 * The part of a D1 prepared statement the adapter uses. Cloudflare's
 * `D1PreparedStatement` satisfies it; declared here so the package does not
 * depend on `@cloudflare/workers-types`.
 */
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run(): Promise<{ meta: { changes: number } }>;
}

/** The part of Cloudflare's `D1Database` (a Workers binding) the adapter uses. */
export interface D1DatabaseLike {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<unknown>;
}

/** Options of {@link d1Db} and {@link createD1Table}. */
export interface D1Options {
  /**
   * The table: Django's `db_table`. Default `"django_session"`. A letter,
   * then letters, digits or `_`, at most 128 chars (it is spliced into the
   * SQL, since a table name cannot be a parameter); anything else throws
   * {@link InvalidSetting}.
   */
  table?: string;
}

/**
 * A {@link DbAdapter} over a D1 database: one parameterised statement per
 * call. `insert` uses `ON CONFLICT DO NOTHING` and answers false on a taken
 * key; `update` answers false when no row has the key. Throws
 * {@link InvalidSetting} for a missing binding or a bad table name.
 *
 * @example
 * new Sessions({ secretKey: env.SECRET_KEY, engine: "db", db: d1Db(env.DB) })
 */
export function d1Db(database: D1DatabaseLike, options?: D1Options): DbAdapter;

/**
 * Creates the table and its `expire_date` index if they do not exist, with
 * the SQL Django's `sessions.0001_initial` migration runs on SQLite
 * (index named as Django names it, e.g. `django_session_expire_date_a5c62663`),
 * in one batch. The SQL is `sqliteDb`'s (`sqliteSessionSql` in
 * `edge-sessions/adapters/django-schema`).
 *
 * @example
 * await createD1Table(env.DB);
 */
export function createD1Table(database: D1DatabaseLike, options?: D1Options): Promise<void>;
