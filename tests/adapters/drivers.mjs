// The adapters over the npm drivers (redis, pg, postgres.js, mysql2),
// runtime-agnostic: the same list runs in Node, Bun, Deno and workerd
// (tests/adapters/drivers.run.mjs). The caller connects the clients (a
// workerd request must open and end its own) and hands them here;
// driverStores() gives each open() a fresh, empty store on them (its own
// Redis key prefix, its own PostgreSQL or MySQL table) and close() drops
// what it made.
//
//   const stores = driverStores({ lib, adapters, clients: { redis, pg, sql, mysql }, tag });
//   for (const adapter of stores.list) ... contract({ lib, ...adapter }) ...
//   await stores.close();

import { mysqlOptionsOf } from "../support/mysql-url.mjs";

/** Django's `auth_user`, reduced to what the users loaders read (one per store, dropped at close). */
const USERS = {
  postgres: (t) => `CREATE TABLE ${t} ("id" integer NOT NULL PRIMARY KEY, "password" varchar(128) NOT NULL, "is_active" boolean NOT NULL)`,
  mysql: (t) => `CREATE TABLE ${t} (\`id\` integer NOT NULL PRIMARY KEY, \`password\` varchar(128) NOT NULL, \`is_active\` bool NOT NULL)`,
};

class DriverCheckError extends Error {
  name = "DriverCheckError";
}
function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new DriverCheckError(`${what}: expected ${e}, got ${a}`);
}

/**
 * `adapters`: the package's adapter modules `{ redis, postgres, mysql }`;
 * `clients`: connected `{ redis, pg, sql, mysql }` (any may be missing:
 * its stores are left out). Returns `{ list, extras, close }`: `list` the
 * contract's adapter specs (`{ name, kind, cas, realTtl, open }`), `extras`
 * `[{ name, fn }]` checks beyond the contract (the users loaders).
 */
export function driverStores({ adapters, clients, tag = "d" }) {
  const run = `${tag}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let serial = 0;
  const next = () => `${run}_${++serial}`;
  const made = { pg: [], sql: [], mysql: [] }; // tables to drop, per client
  const { redis, pg, sql, mysql } = clients;

  const fresh = {
    redis: () => adapters.redis.redisCache(redis, { prefix: `${run}:${next()}:` }),
    pg: async () => {
      const table = `django_session_${next()}`;
      made.pg.push(table);
      await adapters.postgres.createPostgresTable(pg, { table });
      return adapters.postgres.postgresDb(pg, { table });
    },
    sql: async () => {
      const table = `django_session_${next()}`;
      made.sql.push(table);
      await adapters.postgres.createPostgresTable(sql, { table });
      return adapters.postgres.postgresDb(sql, { table });
    },
    mysql: async () => {
      const table = `django_session_${next()}`;
      made.mysql.push(table);
      await adapters.mysql.createMysqlTable(mysql, { table });
      return adapters.mysql.mysqlDb(mysql, { table });
    },
  };

  const list = [
    redis && { name: "redisCache (node-redis)", kind: "cache", realTtl: true, cas: true, open: () => ({ cache: fresh.redis() }) },
    pg && { name: "postgresDb (pg)", kind: "db", cas: true, open: async () => ({ db: await fresh.pg() }) },
    sql && { name: "postgresDb (postgres.js)", kind: "db", cas: true, open: async () => ({ db: await fresh.sql() }) },
    mysql && { name: "mysqlDb (mysql2)", kind: "db", cas: true, open: async () => ({ db: await fresh.mysql() }) },
    redis && pg && { name: "cached_db: redisCache + postgresDb (pg)", kind: "cached_db", realTtl: true, open: async () => ({ cache: fresh.redis(), db: await fresh.pg() }) },
    redis && sql && {
      name: "cached_db: redisCache + postgresDb (postgres.js)",
      kind: "cached_db",
      realTtl: true,
      open: async () => ({ cache: fresh.redis(), db: await fresh.sql() }),
    },
    redis && mysql && { name: "cached_db: redisCache + mysqlDb", kind: "cached_db", realTtl: true, open: async () => ({ cache: fresh.redis(), db: await fresh.mysql() }) },
  ].filter(Boolean);

  // The users loaders read Django's auth_user as getUser needs it.
  const usersCheck = (name, handle, loader, dialect, query, insert) => ({
    name,
    async fn() {
      const table = `auth_user_${next()}`;
      made[handle].push(table);
      await query(USERS[dialect](dialect === "mysql" ? `\`${table}\`` : `"${table}"`));
      const hash = "pbkdf2_sha256$1000000$salt$aGFzaA==";
      await insert(table, [7, hash, true]);
      await insert(table, [8, "!unusable", false]);
      const load = loader(clients[handle], { table });
      equal(await load(7), { id: 7, password: hash, isActive: true }, "user 7");
      equal(await load(8n), { id: 8, password: "!unusable", isActive: false }, "user 8 (a bigint id)");
      equal(await load(9), null, "no such user");
      equal(await load(2n ** 63n), null, "an id past the column's range");
    },
  });
  const pgQuery = (client) => (text, values) => (client.query ? client.query(text, values) : client.unsafe(text, values));
  const extras = [
    pg && usersCheck("postgresUsers (pg)", "pg", adapters.postgres.postgresUsers, "postgres", pgQuery(pg), (t, v) => pgQuery(pg)(`INSERT INTO "${t}" VALUES ($1, $2, $3)`, v)),
    sql && usersCheck("postgresUsers (postgres.js)", "sql", adapters.postgres.postgresUsers, "postgres", pgQuery(sql), (t, v) => pgQuery(sql)(`INSERT INTO "${t}" VALUES ($1, $2, $3)`, v)),
    mysql && usersCheck("mysqlUsers (mysql2)", "mysql", adapters.mysql.mysqlUsers, "mysql", (text) => mysql.query(text), (t, v) => mysql.execute(`INSERT INTO \`${t}\` VALUES (?, ?, ?)`, v)),
  ].filter(Boolean);
  // MySQL's id column cannot hold 2**63: the loader must find nothing, not fail.

  async function close() {
    for (const table of made.pg) await pg.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
    for (const table of made.sql) await sql.unsafe(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
    for (const table of made.mysql) await mysql.query(`DROP TABLE IF EXISTS \`${table}\``).catch(() => {});
    if (redis) for await (const keys of redis.scanIterator({ MATCH: `${run}:*`, COUNT: 100 })) if (keys.length) await redis.del(keys);
  }

  return { list, extras, close };
}

/** Connects the drivers to `urls` (`REDIS_URL`, `DATABASE_URL`, `MYSQL_URL`); `close()` ends them. */
export async function connectDrivers(urls, { redis: redisModule, pg: pgModule, postgres: postgresModule, mysql: mysqlModule }) {
  const clients = {};
  if (redisModule && urls.REDIS_URL) clients.redis = await redisModule.createClient({ url: urls.REDIS_URL, socket: { reconnectStrategy: false } }).connect();
  if (pgModule && urls.DATABASE_URL) clients.pg = new pgModule.Pool({ connectionString: urls.DATABASE_URL, max: 2 });
  if (postgresModule && urls.DATABASE_URL) clients.sql = postgresModule(urls.DATABASE_URL, { max: 2, onnotice: () => {} });
  if (mysqlModule && urls.MYSQL_URL) clients.mysql = mysqlModule.createPool({ ...mysqlOptionsOf(urls.MYSQL_URL), connectionLimit: 2 });
  return {
    clients,
    async close() {
      await clients.redis?.close();
      await clients.pg?.end();
      await clients.sql?.end();
      await clients.mysql?.end();
    },
  };
}
