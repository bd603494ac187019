/**
 * `loadUser` for `getUser` (`edge-sessions/django`) over Django's
 * `auth_user` table, on each database the session adapters cover: one
 * parameterised `SELECT id, password, is_active ... WHERE id = ?` per call,
 * nothing written. The answer is `{ id, password, isActive }`, or null.
 * These read the table of `ModelBackend` (and its subclasses); write your
 * own `loadUser` for a custom user model or backend.
 *
 * @example
 * import { getUser } from "edge-sessions/django";
 * import { d1Users } from "edge-sessions/adapters/django-users";
 *
 * const user = await getUser(session, { loadUser: d1Users(env.DB) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s.
import type { InvalidSetting } from "../index.js";
import type { D1DatabaseLike } from "./d1.js";
import type { SqliteDatabaseLike } from "./sqlite.js";

/** Options of every adapter here. */
export interface DjangoUsersOptions {
  /**
   * The table: Django's `db_table` of the user model. Default `"auth_user"`.
   * A plain identifier (a letter, then letters, digits or `_`), else
   * {@link InvalidSetting}.
   */
  table?: string;
}

/** A row of `auth_user` as `getUser` reads it. */
export interface DjangoUserRow {
  /** `id`, as the driver gives it (a number; a string for a PostgreSQL bigint). */
  id: number | string;
  /** `password`, the stored field. */
  password: string;
  /** `is_active`. */
  isActive: boolean;
}

/** What every adapter here returns: `loadUser(id)` for `getUser`. */
export type DjangoUsersLoader = (id: number | bigint) => Promise<DjangoUserRow | null>;

/** `loadUser` over a D1 database (a Workers binding). */
export function d1Users(database: D1DatabaseLike, options?: DjangoUsersOptions): DjangoUsersLoader;

/** `loadUser` over a synchronous SQLite handle: better-sqlite3, `node:sqlite`, `bun:sqlite`. */
export function sqliteUsers(database: SqliteDatabaseLike, options?: DjangoUsersOptions): DjangoUsersLoader;

/** `loadUser` over PostgreSQL: a `pg` Pool or Client, or a postgres.js `sql` (also exported by `edge-sessions/adapters/postgres`). */
export { postgresUsers } from "./postgres.js";

/** `loadUser` over MySQL or MariaDB: a `mysql2/promise` Pool or Connection (also exported by `edge-sessions/adapters/mysql`). */
export { mysqlUsers, type MysqlExecutable } from "./mysql.js";
