// The real servers the suites test against (Redis, PostgreSQL, MariaDB),
// and fresh stores on them for Node.
//
// serviceUrls(names) reads the connection URLs that scripts/services.sh
// prints (REDIS_URL, DATABASE_URL, MYSQL_URL): `make test` starts one set
// for the whole run and exports them. When one is missing (a test file run
// alone), it starts a set of its own for the missing ones and stops it when
// the process exits.
//
// nodeStores() gives each test a fresh, empty store on those servers: its
// own Redis key prefix, its own PostgreSQL and SQLite (better-sqlite3)
// table, its own directory; `close()` drops what it made and disconnects.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mysqlOptionsOf } from "./mysql-url.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Each service's name for scripts/services.sh and the variable holding its URL. */
export const SERVICE_VARS = { redis: "REDIS_URL", postgres: "DATABASE_URL", mysql: "MYSQL_URL" };

const started = []; // sets this process started, stopped at exit

function stopStarted() {
  for (const dir of started.splice(0)) {
    try {
      execFileSync(path.join(ROOT, "scripts/services.sh"), ["stop", dir], { stdio: ["ignore", "ignore", "inherit"] });
    } catch {
      // services.sh said why on stderr; nothing else to do at exit.
    }
  }
}

/**
 * `{ REDIS_URL, DATABASE_URL, MYSQL_URL }` for `names` (default: all three):
 * from the environment, else from a set started here (and put in
 * process.env, so child processes see it too).
 */
export function serviceUrls(names = Object.keys(SERVICE_VARS)) {
  const missing = names.filter((name) => !process.env[SERVICE_VARS[name]]);
  if (missing.length) {
    const out = execFileSync(path.join(ROOT, "scripts/services.sh"), ["start", ...missing], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const vars = Object.fromEntries([...out.matchAll(/^export (\w+)=(\S*)$/gm)].map((m) => [m[1], m[2]]));
    if (started.length === 0) process.once("exit", stopStarted);
    started.push(vars.EDGE_SERVICES_DIR);
    for (const name of missing) process.env[SERVICE_VARS[name]] = vars[SERVICE_VARS[name]];
  }
  return Object.fromEntries(names.map((name) => [SERVICE_VARS[name], process.env[SERVICE_VARS[name]]]));
}

/** `mysql://u:p@host:port/db` (by default this run's server) as the options mysql2 and Django take. */
export function mysqlOptions(url = serviceUrls(["mysql"]).MYSQL_URL) {
  return mysqlOptionsOf(url);
}

/**
 * Fresh stores on the real servers, for one test file: `fresh.redis()`,
 * `fresh.postgres()`, `fresh.sqlite()`, `fresh.files()` each return a new,
 * empty adapter (names tagged with `tag` and this run's time, apart from any
 * other run's on the same servers). `close()` removes them and disconnects.
 */
export async function nodeStores({ tag = "t" } = {}) {
  const { REDIS_URL, DATABASE_URL } = serviceUrls(["redis", "postgres"]);
  const [Database, { default: pg }, { createClient }, fs, postgres, redisAdapter, sqliteAdapter] = await Promise.all([
    // A native module built for one Node ABI: under another Node (scripts/node22.sh)
    // it cannot load, and only fresh.sqlite() fails, saying why.
    import("better-sqlite3").then((m) => m.default, (error) => error),
    import("pg"),
    import("redis"),
    import("edge-sessions/adapters/fs"),
    import("edge-sessions/adapters/postgres"),
    import("edge-sessions/adapters/redis"),
    import("edge-sessions/adapters/sqlite"),
  ]);
  const run = `${tag}${Date.now().toString(36)}${process.pid.toString(36)}`;
  let serial = 0;
  const next = () => `${run}_${++serial}`;

  const redis = await createClient({ url: REDIS_URL }).connect();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const work = await mkdtemp(path.join(tmpdir(), `edge-sessions-${tag}-`));
  let sqlite = null;
  let sqliteError = Database instanceof Error ? Database : null;
  try {
    if (!sqliteError) sqlite = new Database(path.join(work, "db.sqlite3"));
  } catch (error) {
    sqliteError = error; // the native binding loads on first use
  }
  const pgTables = [];

  const fresh = {
    redis: () => redisAdapter.redisCache(redis, { prefix: `${run}:${next()}:` }),
    postgres: async () => {
      const table = `django_session_${next()}`;
      pgTables.push(table);
      await postgres.createPostgresTable(pool, { table });
      return postgres.postgresDb(pool, { table });
    },
    sqlite: () => {
      if (!sqlite) throw new Error(`better-sqlite3 does not load in Node ${process.version}: ${sqliteError.message}`);
      const table = `django_session_${next()}`;
      sqliteAdapter.createSqliteTable(sqlite, { table });
      return sqliteAdapter.sqliteDb(sqlite, { table });
    },
    files: async () => {
      const directory = path.join(work, next());
      await mkdir(directory);
      return fs.nodeFiles(directory);
    },
  };

  async function close() {
    // Leave the servers as found: drop this run's tables and keys.
    for (const table of pgTables) await pool.query(`DROP TABLE IF EXISTS "${table}" CASCADE`).catch(() => {});
    for await (const keys of redis.scanIterator({ MATCH: `${run}:*`, COUNT: 100 })) if (keys.length) await redis.del(keys);
    await (typeof redis.close === "function" ? redis.close() : redis.quit());
    await pool.end();
    sqlite?.close();
    await rm(work, { recursive: true, force: true });
  }

  return { fresh, redis, pool, sqlite, work, run, next, close, urls: { REDIS_URL, DATABASE_URL } };
}
