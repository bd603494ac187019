/**
 * PostgreSQL as Django's `django_session` table, for the `db` and
 * `cached_db` engines, through the `pg` npm package (a `Pool` or a
 * `Client`, which you pass, so edge-sessions has no runtime dependency on
 * it). The table is the one Django's migration makes on PostgreSQL, so a
 * Django site on the same database sees the same sessions.
 *
 * Dates cross as Django's UTC text: bound as `$n::timestamp AT TIME ZONE
 * 'UTC'` and read back with `to_char(... AT TIME ZONE 'UTC')`, exact to
 * the microsecond whatever the server's `TimeZone` and `DateStyle` or the
 * client's type parsers.
 *
 * @example
 * import pg from "pg";
 * import { Sessions } from "edge-sessions";
 * import { postgresDb, createPostgresTable } from "edge-sessions/adapters/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await createPostgresTable(pool); // or run Django's migrations
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY, engine: "db", db: postgresDb(pool) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { DbAdapter, InvalidSetting } from "../index.js";

/** The part of a `pg` `Pool` or `Client` the adapter uses. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

/** Options of {@link postgresDb}, {@link createPostgresTable} and {@link postgresTableSql}. */
export interface PostgresOptions {
  /**
   * The table: Django's `db_table`. Default `"django_session"`. A letter,
   * then letters, digits or `_`, at most 63 chars (PostgreSQL's identifier
   * limit; the name is spliced into the SQL, since a table name cannot be
   * a parameter); anything else throws {@link InvalidSetting}.
   */
  table?: string;
}

/**
 * A {@link DbAdapter} over a `pg` Pool or Client: one parameterised query
 * per call. `insert` uses `ON CONFLICT DO NOTHING` and answers false on a
 * taken key; `update` answers false when no row has the key. Throws
 * {@link InvalidSetting} for something without `query()` or a bad table name.
 *
 * @example
 * new Sessions({ secretKey, engine: "db", db: postgresDb(pool, { table: "django_session" }) })
 */
export function postgresDb(pool: PgQueryable, options?: PostgresOptions): DbAdapter;

/**
 * The statements of Django's `sessions.0001_initial` on PostgreSQL, with
 * `IF NOT EXISTS` added: the table (`session_key varchar(40)` primary key,
 * `session_data text`, `expire_date timestamp with time zone`), the
 * `varchar_pattern_ops` index Django adds for the key
 * (`django_session_session_key_c0390e0f_like`) and the `expire_date` index
 * (`django_session_expire_date_a5c62663`), named as Django names them.
 *
 * @example
 * console.log(postgresTableSql().join(";\n"));
 */
export function postgresTableSql(options?: PostgresOptions): string[];

/**
 * Runs {@link postgresTableSql} as one multi-statement query, which
 * PostgreSQL runs as one transaction. Safe to repeat.
 *
 * @example
 * await createPostgresTable(pool, { table: "django_session" });
 */
export function createPostgresTable(pool: PgQueryable, options?: PostgresOptions): Promise<void>;
