// The shared test support itself: the servers of scripts/services.sh answer
// from Node (node-redis, pg, mysql2), and from inside workerd through a
// Worker bundled by bundleWorker with the same npm drivers (Hyperdrive for
// PostgreSQL and MariaDB, TCP for Redis).
//
//   node --test tests/support/
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import mysql from "mysql2/promise";
import pg from "pg";
import { createClient } from "redis";
import { mysqlOptions, nodeStores, serviceUrls } from "./services.mjs";
import { bundleWorker, freePort, hyperdrives, NODE_DRIVERS_DATE, startWorker } from "./workerd.mjs";

const urls = serviceUrls();
const closers = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

test("each service URL is set and on loopback", () => {
  for (const [name, url] of Object.entries(urls)) {
    assert.ok(url, `${name} is set`);
    assert.equal(new URL(url).hostname, "127.0.0.1", name);
  }
});

test("Redis, PostgreSQL and MariaDB answer from Node", async () => {
  const redis = await createClient({ url: urls.REDIS_URL }).connect();
  closers.push(() => redis.close());
  assert.equal(await redis.ping(), "PONG");

  const client = new pg.Client({ connectionString: urls.DATABASE_URL });
  await client.connect();
  closers.push(() => client.end());
  assert.equal((await client.query("SELECT 40 + 2 AS n")).rows[0].n, 42);

  const my = await mysql.createConnection(mysqlOptions(urls.MYSQL_URL));
  closers.push(() => my.end());
  const [[row]] = await my.query("SELECT VERSION() AS v, DATABASE() AS db");
  assert.match(row.v, /MariaDB/);
  assert.equal(row.db, mysqlOptions(urls.MYSQL_URL).database);
  // The account may create databases (Django's test runner does).
  await my.query("CREATE DATABASE IF NOT EXISTS edge_support_probe");
  await my.query("DROP DATABASE edge_support_probe");
});

test("nodeStores gives fresh stores and removes them on close", async () => {
  const stores = await nodeStores({ tag: "support" });
  const db = await stores.fresh.postgres();
  assert.equal(await db.insert({ sessionKey: "k".repeat(32), sessionData: "x", expireDate: "2099-01-01 00:00:00" }), true);
  const cache = stores.fresh.redis();
  await cache.set("a", "b", 60);
  const files = await stores.fresh.files();
  assert.ok(files);
  const tables = async (client) =>
    (await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1", [`django_session_${stores.run}%`])).rows[0].n;
  assert.equal(await tables(stores.pool), 1);
  const keys = async (redis) => (await redis.keys(`${stores.run}:*`)).length;
  assert.equal(await keys(stores.redis), 1);
  await stores.close();
  const client = new pg.Client({ connectionString: urls.DATABASE_URL });
  await client.connect();
  const redis = await createClient({ url: urls.REDIS_URL }).connect();
  try {
    assert.equal(await tables(client), 0, "its tables are dropped");
    assert.equal(await keys(redis), 0, "its keys are deleted");
  } finally {
    await client.end();
    await redis.close();
  }
});

test("inside workerd, the bundled pg, mysql2 and redis reach the servers", async () => {
  const { modules } = await bundleWorker(fileURLToPath(new URL("./fixtures/drivers-worker.js", import.meta.url)));
  const worker = await startWorker({
    modules,
    modulesRoot: fileURLToPath(new URL("./fixtures", import.meta.url)),
    compatibilityDate: NODE_DRIVERS_DATE,
    compatibilityFlags: ["nodejs_compat"],
    hyperdrives: hyperdrives(),
    bindings: { REDIS_URL: urls.REDIS_URL },
  });
  closers.push(() => worker.dispose());
  assert.deepEqual(await worker.get(""), { postgres: 42, mysql: 42, redis: "PONG" });
});

test("freePort gives a port nothing listens on", async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
});
