// The storage a Django deployment has, opened for the edge: its database
// (PostgreSQL through pg or postgres.js, or MySQL through mysql2) for the
// django_session and auth_user tables, and its Redis for the cache. Node,
// Deno and Bun open them once (pools); a Worker opens them per request,
// through its Hyperdrive bindings, and closes them before answering.
//
//   SESSION_ENGINE   db | cache | cached_db | signed_cookies
//   DJANGO_DATABASE  postgres://... or mysql://... (Node, Deno, Bun); in a
//                    Worker the Hyperdrive binding PG or MY replaces it
//   PG_DRIVER        pg (default) | postgres.js
//   REDIS_URL        Django's CACHES LOCATION (RedisCache)
//
// The drivers are imported only when used, so each runtime loads what its
// store needs.
import { postgresDb, postgresUsers } from "edge-sessions/adapters/postgres";
import { mysqlDb, mysqlUsers } from "edge-sessions/adapters/mysql";
import { redisCache } from "edge-sessions/adapters/redis";

/** `{ db, cache, loadUser, close }` for `env` (process.env, or a Worker's env with Hyperdrive bindings). */
export async function openStores(env) {
  const engine = (env.SESSION_ENGINE || "db").replace(/^django\.contrib\.sessions\.backends\./, "");
  const closers = [];
  const stores = { db: undefined, cache: undefined, loadUser: undefined };
  try {
    const database = await openDatabase(env);
    if (database) {
      const { db, users, close } = database;
      closers.push(close);
      if (engine === "db" || engine === "cached_db") stores.db = db;
      stores.loadUser = users;
    }
    if ((engine === "cache" || engine === "cached_db") && env.REDIS_URL) {
      // Django's RedisCache under its defaults: the core makes the keys
      // (":1:" + key) and the pickles; the client moves bytes.
      const { createClient } = await import("redis");
      // No reconnecting: a Redis that is gone fails the request instead of hanging it.
      const client = await createClient({ url: env.REDIS_URL, socket: { reconnectStrategy: false } }).connect();
      closers.push(() => client.close());
      stores.cache = redisCache(client);
    }
  } catch (error) {
    await Promise.all(closers.map((close) => close().catch(() => {})));
    throw error;
  }
  return { ...stores, close: () => Promise.all(closers.map((close) => close().catch(() => {}))).then(() => {}) };
}

/** The database Django's DATABASES names: a Hyperdrive binding in a Worker, else DJANGO_DATABASE. */
async function openDatabase(env) {
  const mysqlBinding = env.MY;
  const pgBinding = env.PG;
  const url = env.DJANGO_DATABASE;
  if (mysqlBinding || url?.startsWith("mysql:")) {
    const mysql = (await import("mysql2/promise")).default;
    // disableEval: workerd forbids code generation from strings (harmless elsewhere).
    const options = mysqlBinding
      ? { host: mysqlBinding.host, port: mysqlBinding.port, user: mysqlBinding.user, password: mysqlBinding.password, database: mysqlBinding.database }
      : { uri: url };
    const pool = mysql.createPool({ ...options, disableEval: true, connectionLimit: mysqlBinding ? 1 : 4 });
    return { db: mysqlDb(pool), users: mysqlUsers(pool), close: () => pool.end() };
  }
  const connectionString = pgBinding?.connectionString ?? url;
  if (!connectionString) return null;
  if (env.PG_DRIVER === "postgres.js") {
    const postgres = (await import("postgres")).default;
    const sql = postgres(connectionString, { max: pgBinding ? 1 : 4, onnotice: () => {} });
    return { db: postgresDb(sql), users: postgresUsers(sql), close: () => sql.end() };
  }
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString, max: pgBinding ? 1 : 4 });
  return { db: postgresDb(pool), users: postgresUsers(pool), close: () => pool.end() };
}
