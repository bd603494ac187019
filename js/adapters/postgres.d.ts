/**
 * PostgreSQL as Django's `django_session` table, for the `db` and
 * `cached_db` engines, and `loadUser` over its `auth_user` for `getUser`,
 * through the `pg` npm package (a `Pool` or a `Client`) or postgres.js (the
 * `sql` of `postgres(url)`), which you pass, so edge-sessions has no
 * runtime dependency on either. The table is the one Django's migration
 * makes on PostgreSQL, so a Django site on the same database sees the same
 * sessions. In a Worker, connect through Hyperdrive
 * (`env.HYPERDRIVE.connectionString`) and open the client per request.
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
 * @example
 * // postgres.js, e.g. in a Worker through Hyperdrive:
 * import postgres from "postgres";
 * const sql = postgres(env.HYPERDRIVE.connectionString, { max: 1 });
 * const db = postgresDb(sql); // ... then, at the end of the request: ctx.waitUntil(sql.end())
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { DbAdapter, InvalidSetting } from "../index.js";

/** The part of a `pg` `Pool` or `Client` the adapter uses. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

/** The part of a postgres.js `sql` (from `postgres(url)`) the adapter uses. */
export interface PostgresJsSql {
  unsafe(text: string, values?: any[]): PromiseLike<ArrayLike<any> & { count: number | null }>;
}

/** What the PostgreSQL adapters take: a `pg` Pool or Client, or a postgres.js `sql`. */
export type PostgresHandle = PgQueryable | PostgresJsSql;

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
 * A {@link DbAdapter} over a `pg` Pool or Client, or a postgres.js `sql`
 * (through its `unsafe(text, values)`): one parameterised query per call. `insert` uses `ON CONFLICT DO NOTHING` and answers false on a
 * taken key; `update` answers false when no row has the key. Throws
 * {@link InvalidSetting} for something with neither `query()` nor `unsafe()`, or a bad table name.
 *
 * @example
 * new Sessions({ secretKey, engine: "db", db: postgresDb(pool, { table: "django_session" }) })
 */
export function postgresDb(pool: PostgresHandle, options?: PostgresOptions): DbAdapter;

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
export function createPostgresTable(pool: PostgresHandle, options?: PostgresOptions): Promise<void>;

/**
 * `loadUser` for `getUser` (`edge-sessions/django`) over Django's
 * `auth_user` (or `table`): `SELECT id, password, is_active ... WHERE id =
 * $1::bigint`, so an id past an `integer` column's range finds no row.
 *
 * @example
 * const user = await getUser(session, { loadUser: postgresUsers(pool) });
 */
export function postgresUsers(
  pool: PostgresHandle,
  options?: { table?: string },
): (id: number | bigint) => Promise<{ id: number | string; password: string; isActive: boolean } | null>;
