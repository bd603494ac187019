/**
 * MySQL and MariaDB as Django's `django_session` table, for the `db` and
 * `cached_db` engines, and `loadUser` over `auth_user` for `getUser`,
 * through the `mysql2` npm package (a `mysql2/promise` Pool or
 * Connection, which you pass, so edge-sessions has no runtime dependency on
 * it). The table is the one Django's migration makes on MySQL
 * (`django.db.backends.mysql`, `USE_TZ = True`), so a Django site on the
 * same database sees the same sessions.
 *
 * `expire_date` is a `datetime(6)` holding UTC, as Django writes it there:
 * dates go in as Django's UTC text and come back through `DATE_FORMAT`, exact
 * to the microsecond whatever the client's time zone or date parsing.
 *
 * In a Worker, connect through Hyperdrive (`env.HYPERDRIVE.host`, `.port`,
 * `.user`, `.password`, `.database`) with `disableEval: true` (workerd
 * forbids code generation from strings), and open the connection per request.
 *
 * @example
 * import mysql from "mysql2/promise";
 * import { Sessions } from "edge-sessions";
 * import { mysqlDb, createMysqlTable } from "edge-sessions/adapters/mysql";
 *
 * const pool = mysql.createPool(process.env.MYSQL_URL);
 * await createMysqlTable(pool); // or run Django's migrations
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY, engine: "db", db: mysqlDb(pool) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { DbAdapter, InvalidSetting } from "../index.js";

/**
 * The part of a `mysql2/promise` Pool or Connection the adapters use:
 * `execute` (prepared statements), else `query`, each resolving to
 * `[rows or result header, fields]`.
 */
export interface MysqlExecutable {
  execute?(sql: string, values: unknown[]): Promise<[any, unknown]>;
  query?(sql: string, values?: unknown[]): Promise<[any, unknown]>;
}

/** Options of {@link mysqlDb}, {@link createMysqlTable} and {@link mysqlTableSql}. */
export interface MysqlOptions {
  /**
   * The table: Django's `db_table`. Default `"django_session"`. A letter,
   * then letters, digits or `_`, at most 64 chars (MySQL's identifier
   * limit; the name is spliced into the SQL, since a table name cannot be
   * a parameter); anything else throws {@link InvalidSetting}.
   */
  table?: string;
}

/**
 * A {@link DbAdapter} over a `mysql2/promise` Pool or Connection: one
 * parameterised statement per call. `insert` answers false on a taken key
 * (MySQL's `ER_DUP_ENTRY`, Django's IntegrityError); `update` answers false
 * when no row has the key, counting matched rows as mysql2's default
 * `FOUND_ROWS` flag (and Django's MySQL backend) makes MySQL count them;
 * `updateIf` (for `detectConflicts`) compares the stored data byte for byte.
 * Throws {@link InvalidSetting} for a handle with neither `execute()` nor
 * `query()`, or a bad table name.
 *
 * @example
 * new Sessions({ secretKey, engine: "cached_db", db: mysqlDb(pool), cache })
 */
export function mysqlDb(pool: MysqlExecutable, options?: MysqlOptions): DbAdapter;

/**
 * Django's `sessions.0001_initial` on MySQL as one idempotent statement:
 * `CREATE TABLE IF NOT EXISTS` with `session_key varchar(40)` primary key,
 * `session_data longtext`, `expire_date datetime(6)` and the `expire_date`
 * index named as Django names it (`django_session_expire_date_a5c62663`).
 *
 * @example
 * console.log(mysqlTableSql()[0]);
 */
export function mysqlTableSql(options?: MysqlOptions): string[];

/**
 * Runs {@link mysqlTableSql}. Safe to repeat.
 *
 * @example
 * await createMysqlTable(pool);
 */
export function createMysqlTable(pool: MysqlExecutable, options?: MysqlOptions): Promise<void>;

/**
 * `loadUser` for `getUser` (`edge-sessions/django`) over Django's
 * `auth_user` (or `table`) on MySQL: `SELECT id, password, is_active ...
 * WHERE id = ?`, nothing written. Also exported by
 * `edge-sessions/adapters/django-users`.
 *
 * @example
 * const user = await getUser(session, { loadUser: mysqlUsers(pool) });
 */
export function mysqlUsers(
  pool: MysqlExecutable,
  options?: { table?: string },
): (id: number | bigint) => Promise<{ id: number | string; password: string; isActive: boolean } | null>;
