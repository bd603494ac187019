/**
 * SQLite as Django's `django_session` table, for the `db` and `cached_db`
 * engines, over any synchronous SQLite handle you pass: better-sqlite3,
 * `node:sqlite`'s `DatabaseSync` (Node 22.5+, Deno 2), `bun:sqlite`. The
 * SQL is the one Django uses on SQLite (and the D1 adapter's), so a Django
 * site opening the same file sees the same sessions. The module imports
 * nothing platform-specific.
 *
 * @example
 * import Database from "better-sqlite3"; // or: import { DatabaseSync } from "node:sqlite";
 * import { Sessions } from "edge-sessions";
 * import { sqliteDb, createSqliteTable } from "edge-sessions/adapters/sqlite";
 *
 * const db = new Database("db.sqlite3");
 * createSqliteTable(db); // or run Django's migrations
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY, engine: "db", db: sqliteDb(db) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { DbAdapter, InvalidSetting } from "../index.js";

/** The part of a prepared statement the adapter uses (better-sqlite3, node:sqlite, bun:sqlite). */
export interface SqliteStatementLike {
  /** The first row, or undefined/null when there is none. */
  get(...params: unknown[]): unknown;
  /** Runs the statement; `changes` is the number of rows written. */
  run(...params: unknown[]): { changes: number | bigint };
}

/** A synchronous SQLite connection: anything with `prepare(sql)`. */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
}

/** Options of {@link sqliteDb} and {@link createSqliteTable}. */
export interface SqliteOptions {
  /**
   * The table: Django's `db_table`. Default `"django_session"`. A letter,
   * then letters, digits or `_`, at most 128 chars (it is spliced into the
   * SQL, since a table name cannot be a parameter); anything else throws
   * {@link InvalidSetting}.
   */
  table?: string;
}

/**
 * A {@link DbAdapter} over a synchronous SQLite handle; it answers
 * synchronously. Each statement is prepared on first use (so the adapter
 * may be made before the table) and reused. `insert` uses `ON CONFLICT DO
 * NOTHING` and answers false on a taken key; `update` answers false when no
 * row has the key. Throws {@link InvalidSetting} for a handle without
 * `prepare()` or a bad table name.
 *
 * @example
 * new Sessions({ secretKey, engine: "db", db: sqliteDb(new DatabaseSync("db.sqlite3")) })
 */
export function sqliteDb(database: SqliteDatabaseLike, options?: SqliteOptions): DbAdapter;

/**
 * Creates the table and its `expire_date` index if they do not exist, with
 * the SQL Django's `sessions.0001_initial` runs on SQLite (index named as
 * Django names it, e.g. `django_session_expire_date_a5c62663`). Synchronous.
 *
 * @example
 * createSqliteTable(db, { table: "django_session" });
 */
export function createSqliteTable(database: SqliteDatabaseLike, options?: SqliteOptions): void;
