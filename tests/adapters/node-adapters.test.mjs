// What the contract cannot see, per adapter, on the real stores: the
// schema is Django's to the index name, dates are exact and time-zone
// proof, file writes are atomic under races, names are guarded, and bad
// options are refused at construction.
//
//   REDIS_URL, DATABASE_URL   the servers (scripts/services.sh); tests/support/services.mjs
//                             starts a set for this file when they are not set

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { createClient, RESP_TYPES } from "redis";
import { InvalidSetting, Sessions } from "edge-sessions";
import { indexName, md5Hex, quotedTable } from "edge-sessions/adapters/django-schema";
import { nodeFiles } from "edge-sessions/adapters/fs";
import { createMysqlTable, mysqlDb, mysqlTableSql, mysqlUsers } from "edge-sessions/adapters/mysql";
import { createPostgresTable, postgresDb, postgresTableSql } from "edge-sessions/adapters/postgres";
import { redisCache } from "edge-sessions/adapters/redis";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { mysqlOptions, serviceUrls } from "../support/services.mjs";

const { REDIS_URL, DATABASE_URL, MYSQL_URL } = serviceUrls(["redis", "postgres", "mysql"]);
const run = `n${Date.now().toString(36)}`;

// What `manage.py sqlmigrate sessions 0001` prints (Django 5.2), without BEGIN/COMMIT.
const DJANGO_POSTGRES = [
  `CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
  `CREATE INDEX "django_session_session_key_c0390e0f_like" ON "django_session" ("session_key" varchar_pattern_ops)`,
  `CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")`,
];
// The same on MySQL (django.db.backends.mysql, Django 5.2).
const DJANGO_MYSQL = [
  "CREATE TABLE `django_session` (`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL)",
  "CREATE INDEX `django_session_expire_date_a5c62663` ON `django_session` (`expire_date`)",
];
const DJANGO_SQLITE = [
  `CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
  `CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")`,
];

let work;
before(async () => { work = await mkdtemp(join(tmpdir(), "edge-sessions-node-adapters-")); });
after(async () => { await rm(work, { recursive: true, force: true }); });

describe("django-schema", () => {
  test("md5Hex is MD5 (against node:crypto, UTF-8 and every padding length)", () => {
    for (let n = 0; n < 200; n++) {
      const text = n % 2 ? randomBytes(n).toString("latin1") : `${"é".repeat(n)}zoë`;
      assert.equal(md5Hex(text), createHash("md5").update(text, "utf8").digest("hex"));
    }
  });

  test("indexName is Django's _create_index_name, shortened past max_name_length", () => {
    assert.equal(indexName("django_session", "expire_date"), "django_session_expire_date_a5c62663");
    assert.equal(indexName("django_session", "session_key", { suffix: "_like", maxLength: 63 }), "django_session_session_key_c0390e0f_like");
    // 63 chars of table on PostgreSQL: Django keeps (63 - len(hash+suffix)) // 2 - 1 chars of each part.
    const long = `t${"x".repeat(62)}`;
    const name = indexName(long, "session_key", { suffix: "_like", maxLength: 63 });
    const hash = createHash("md5").update(long + "session_key").digest("hex").slice(0, 8);
    assert.equal(name, `${long.slice(0, 24)}_session_key_${hash}_like`);
    assert.ok(name.length <= 63);
  });

  test("quotedTable lets plain identifiers through and nothing else", () => {
    assert.equal(quotedTable("django_session"), `"django_session"`);
    for (const bad of ["", "1abc", "_x", "a-b", `a"b`, "a b", "x;drop table y", "a".repeat(129), null, 7]) {
      assert.throws(() => quotedTable(bad), InvalidSetting, String(bad));
    }
    assert.throws(() => quotedTable("a".repeat(64), 63), InvalidSetting);
  });
});

describe("sqliteDb (better-sqlite3)", () => {
  test("createSqliteTable runs Django's SQLite DDL, idempotently", () => {
    const db = new Database(":memory:");
    createSqliteTable(db);
    createSqliteTable(db);
    // SQLite keeps each statement's text minus IF NOT EXISTS; the primary key's autoindex has none.
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'django_session' AND sql IS NOT NULL ORDER BY type DESC").pluck().all();
    assert.deepEqual(sql, DJANGO_SQLITE);
    db.close();
  });

  test("rows hold Django's UTC text; dates compare as Django's SQLite backend compares them", async () => {
    const db = new Database(":memory:");
    createSqliteTable(db);
    const adapter = sqliteDb(db);
    const row = { sessionKey: "k".repeat(32), sessionData: "data", expireDate: "2023-11-28 22:13:20.123456" };
    assert.equal(await adapter.insert(row), true);
    assert.deepEqual({ ...(await adapter.get(row.sessionKey)) }, row);
    assert.deepEqual(db.prepare("SELECT session_key, session_data, expire_date FROM django_session").raw().get(), [row.sessionKey, "data", row.expireDate]);
    await adapter.deleteExpired("2023-11-28 22:13:20.123456"); // not <: kept, as Django's expire_date__lt
    assert.equal(await adapter.exists(row.sessionKey), true);
    await adapter.deleteExpired("2023-11-28 22:13:20.123457");
    assert.equal(await adapter.exists(row.sessionKey), false);
    assert.equal(await adapter.get(row.sessionKey), null);
    db.close();
  });

  test("the adapter can be made before the table exists (statements prepared on first use)", async () => {
    const db = new Database(":memory:");
    const adapter = sqliteDb(db);
    assert.throws(() => adapter.exists("x"), /no such table/);
    createSqliteTable(db);
    assert.equal(await adapter.exists("x"), false);
    db.close();
  });

  test("node:sqlite's DatabaseSync works the same", async (t) => {
    const sqlite = await import("node:sqlite").catch(() => null);
    if (!sqlite) return t.skip(`node:sqlite needs Node 22.5+ (this is ${process.version})`);
    const db = new sqlite.DatabaseSync(":memory:");
    createSqliteTable(db);
    const sessions = new Sessions({ secretKey: "s", engine: "db", db: sqliteDb(db) });
    const s = sessions.open();
    await s.set("a", 1);
    await s.save();
    assert.equal(await sessions.open(s.sessionKey).get("a"), 1);
    db.close();
  });

  test("bad handles and table names are refused at construction", () => {
    assert.throws(() => sqliteDb({}), InvalidSetting);
    assert.throws(() => sqliteDb(new Database(":memory:"), { table: "x; DROP TABLE y" }), InvalidSetting);
    assert.throws(() => createSqliteTable(new Database(":memory:"), { table: "" }), InvalidSetting);
  });
});

describe("postgresDb (pg, real server)", () => {
  let pool;
  before(() => { pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 }); });
  after(async () => { await pool.end(); });

  test("postgresTableSql is Django's sqlmigrate output with IF NOT EXISTS", () => {
    assert.deepEqual(postgresTableSql(), DJANGO_POSTGRES.map((s) => s.replace(/^CREATE (TABLE|INDEX) /, "CREATE $1 IF NOT EXISTS ")));
  });

  test("createPostgresTable makes Django's table and indexes, names included, idempotently", async () => {
    const schema = `${run}_schema`;
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
      await createPostgresTable(client);
      await createPostgresTable(client);
      const columns = (await client.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'django_session' ORDER BY ordinal_position`, [schema])).rows;
      assert.deepEqual(columns.map((c) => [c.column_name, c.data_type, c.character_maximum_length, c.is_nullable]), [
        ["session_key", "character varying", 40, "NO"],
        ["session_data", "text", null, "NO"],
        ["expire_date", "timestamp with time zone", null, "NO"],
      ]);
      const indexes = (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema])).rows;
      assert.deepEqual(indexes.map((i) => [i.indexname, i.indexdef.replaceAll(`${schema}.`, "")]), [
        ["django_session_expire_date_a5c62663", "CREATE INDEX django_session_expire_date_a5c62663 ON django_session USING btree (expire_date)"],
        ["django_session_pkey", "CREATE UNIQUE INDEX django_session_pkey ON django_session USING btree (session_key)"],
        ["django_session_session_key_c0390e0f_like", "CREATE INDEX django_session_session_key_c0390e0f_like ON django_session USING btree (session_key varchar_pattern_ops)"],
      ]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  test("dates are exact to the microsecond and independent of the session's TimeZone and DateStyle", async () => {
    const table = `${run}_tz`;
    await createPostgresTable(pool, { table });
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query("SET TimeZone = 'Pacific/Chatham'; SET DateStyle = 'SQL, DMY'");
      const adapter = postgresDb(client, { table });
      const row = { sessionKey: "a".repeat(32), sessionData: "data", expireDate: "2023-11-28 22:13:20.123456" };
      assert.equal(await adapter.insert(row), true);
      assert.equal(await adapter.insert({ ...row, sessionData: "other" }), false, "a taken key is false, not an error");
      assert.deepEqual({ ...(await adapter.get(row.sessionKey)) }, row);
      // What Django reads: the instant 2023-11-28 22:13:20.123456 UTC.
      const { rows: [{ epoch }] } = await pool.query(`SELECT extract(epoch FROM expire_date)::text AS epoch FROM "${table}"`);
      assert.equal(epoch, String(Date.UTC(2023, 10, 28, 22, 13, 20) / 1000 + 0.123456));
      // A whole second still reads back as Django's text form (microseconds shown).
      assert.equal(await adapter.update({ ...row, expireDate: "2024-02-29 00:00:00" }), true);
      assert.equal((await adapter.get(row.sessionKey)).expireDate, "2024-02-29 00:00:00.000000");
      assert.equal(await adapter.update({ ...row, sessionKey: "b".repeat(32) }), false);
      await adapter.deleteExpired("2024-02-29 00:00:00");
      assert.equal(await adapter.exists(row.sessionKey), true, "expire_date == before is kept (strict <)");
      await adapter.deleteExpired("2024-02-29 00:00:00.000001");
      assert.equal(await adapter.exists(row.sessionKey), false);
      assert.equal(await adapter.get(row.sessionKey), null);
    } finally {
      await client.end();
      await pool.query(`DROP TABLE "${table}"`);
    }
  });

  test("sessions written by the adapter are Django's rows (the core reads them back across Pool and Client)", async () => {
    const table = `${run}_rt`;
    await createPostgresTable(pool, { table });
    try {
      const sessions = new Sessions({ secretKey: "s", engine: "db", db: postgresDb(pool, { table }) });
      const s = sessions.open();
      await s.set("cart", [1, 2]);
      await s.save();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      const again = new Sessions({ secretKey: "s", engine: "db", db: postgresDb(client, { table }) });
      assert.deepEqual(await again.open(s.sessionKey).get("cart"), [1, 2]);
      await client.end();
      const { rows: [row] } = await pool.query(`SELECT session_key, expire_date FROM "${table}"`);
      assert.equal(row.session_key, s.sessionKey);
      const expected = await s.getExpiryDate();
      assert.ok(Math.abs(row.expire_date.getTime() - expected.getTime()) < 1, "expire_date is the session's expiry date");
    } finally {
      await pool.query(`DROP TABLE "${table}"`);
    }
  });

  test("bad pools and table names are refused at construction", async () => {
    assert.throws(() => postgresDb({}), InvalidSetting);
    assert.throws(() => postgresDb(pool, { table: `a"; DROP TABLE x; --` }), InvalidSetting);
    assert.throws(() => postgresDb(pool, { table: "a".repeat(64) }), InvalidSetting, "PostgreSQL would cut it at 63");
    await assert.rejects(createPostgresTable(pool, { table: "bad name" }), InvalidSetting);
  });
});

describe("mysqlDb (mysql2, real MariaDB)", () => {
  let pool;
  const databases = [];
  const database = async (name) => {
    databases.push(name);
    await pool.query(`CREATE DATABASE \`${name}\``);
    return mysql.createConnection({ ...mysqlOptions(MYSQL_URL), database: name });
  };
  before(() => { pool = mysql.createPool({ ...mysqlOptions(MYSQL_URL), connectionLimit: 4 }); });
  after(async () => {
    for (const name of databases) await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await pool.end();
  });

  test("createMysqlTable makes the table Django's migration makes, index name included, idempotently", async () => {
    const [django, ours] = [await database(`${run}_django`), await database(`${run}_ours`)];
    try {
      for (const sql of DJANGO_MYSQL) await django.query(sql);
      await createMysqlTable(ours);
      await createMysqlTable(ours);
      const shown = async (c) => (await c.query("SHOW CREATE TABLE `django_session`"))[0][0]["Create Table"];
      assert.equal(await shown(ours), await shown(django));
      assert.match(await shown(ours), /KEY `django_session_expire_date_a5c62663` \(`expire_date`\)/);
      assert.equal(mysqlTableSql({ table: "t" }).length, 1);
    } finally {
      await django.end();
      await ours.end();
    }
  });

  test("dates are exact to the microsecond whatever the session and client time zones", async () => {
    const table = `${run}_tz`;
    await createMysqlTable(pool, { table });
    const client = await mysql.createConnection({ ...mysqlOptions(MYSQL_URL), timezone: "+05:30" });
    try {
      await client.query("SET time_zone = '-08:00'");
      const adapter = mysqlDb(client, { table });
      const row = { sessionKey: "a".repeat(32), sessionData: "data", expireDate: "2023-11-28 22:13:20.123456" };
      assert.equal(await adapter.insert(row), true);
      assert.equal(await adapter.insert({ ...row, sessionData: "other" }), false, "a taken key is false, not an error");
      assert.deepEqual({ ...(await adapter.get(row.sessionKey)) }, row);
      const [[raw]] = await pool.query(`SELECT CAST(expire_date AS CHAR) AS d FROM \`${table}\``);
      assert.equal(raw.d, "2023-11-28 22:13:20.123456", "stored as Django stores UTC on MySQL: naive");
      assert.equal(await adapter.update({ ...row, expireDate: "2024-02-29 00:00:00" }), true);
      assert.equal((await adapter.get(row.sessionKey)).expireDate, "2024-02-29 00:00:00.000000");
      assert.equal(await adapter.update({ ...row, expireDate: "2024-02-29 00:00:00" }), true, "an update changing nothing still finds its row");
      assert.equal(await adapter.update({ ...row, sessionKey: "b".repeat(32) }), false);
      await adapter.deleteExpired("2024-02-29 00:00:00");
      assert.equal(await adapter.exists(row.sessionKey), true, "expire_date == before is kept (strict <)");
      await adapter.deleteExpired("2024-02-29 00:00:00.000001");
      assert.equal(await adapter.exists(row.sessionKey), false);
      assert.equal(await adapter.get(row.sessionKey), null);
    } finally {
      await client.end();
      await pool.query(`DROP TABLE \`${table}\``);
    }
  });

  test("updateIf compares the stored data byte for byte (the collation ignores case)", async () => {
    const table = `${run}_cas`;
    await createMysqlTable(pool, { table });
    try {
      const adapter = mysqlDb(pool, { table });
      const row = { sessionKey: "c".repeat(32), sessionData: "abc:Signed", expireDate: "2999-01-01 00:00:00" };
      await adapter.insert(row);
      const [[{ same }]] = await pool.query("SELECT 'abc:signed' = 'abc:Signed' AS same");
      assert.equal(Number(same), 1, "the default collation is case-insensitive");
      assert.equal(await adapter.updateIf({ ...row, sessionData: "new" }, "abc:signed"), false);
      assert.equal(await adapter.updateIf({ ...row, sessionData: "new" }, "abc:Signed"), true);
      assert.equal((await adapter.get(row.sessionKey)).sessionData, "new");
    } finally {
      await pool.query(`DROP TABLE \`${table}\``);
    }
  });

  test("a query() handle works as well as execute(); bad handles and names are refused", async () => {
    const table = `${run}_q`;
    await createMysqlTable({ query: (...a) => pool.query(...a) }, { table });
    try {
      const sessions = new Sessions({ secretKey: "s", engine: "db", db: mysqlDb({ query: (...a) => pool.query(...a) }, { table }) });
      const s = sessions.open();
      await s.set("cart", ["é", 1]);
      await s.save();
      assert.deepEqual(await new Sessions({ secretKey: "s", engine: "db", db: mysqlDb(pool, { table }) }).open(s.sessionKey).get("cart"), ["é", 1]);
    } finally {
      await pool.query(`DROP TABLE \`${table}\``);
    }
    assert.throws(() => mysqlDb({}), InvalidSetting);
    assert.throws(() => mysqlDb(pool, { table: "a`; DROP TABLE x; --" }), InvalidSetting);
    assert.throws(() => mysqlDb(pool, { table: "a".repeat(65) }), InvalidSetting, "MySQL's identifiers stop at 64");
    assert.throws(() => mysqlUsers({}), InvalidSetting);
    await assert.rejects(createMysqlTable(pool, { table: "bad name" }), InvalidSetting);
  });
});

describe("redisCache (real server)", () => {
  let redis;
  before(async () => { redis = await createClient({ url: REDIS_URL }).connect(); });
  after(async () => {
    for await (const keys of redis.scanIterator({ MATCH: `${run}:*` })) if (keys.length) await redis.del(keys);
    await redis.close();
  });

  test("keys are the prefix plus Django's make_key; values Django's pickles; TTLs are Redis's own", async () => {
    const prefix = `${run}:app:`;
    const sessions = new Sessions({ secretKey: "s", engine: "cache", cache: redisCache(redis, { prefix }) });
    const s = sessions.open();
    await s.set("a", 1);
    await s.setExpiry(300);
    await s.save();
    const key = `${prefix}:1:django.contrib.sessions.cache${s.sessionKey}`;
    assert.equal(await redis.exists(key), 1);
    const ttl = await redis.ttl(key);
    assert.ok(ttl > 295 && ttl <= 300, `TTL ${ttl}`);
    // pickle.dumps({"a": 1, "_session_expiry": 300}, 5), as RedisCache writes it.
    const binary = redis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    assert.equal((await binary.get(key)).toString("hex"), "80059520000000000000007d94288c0161944b018c0f5f73657373696f6e5f657870697279944d2c01752e");
    // cacheFormat "json": the dict's JSON text under the same key.
    const json = new Sessions({ secretKey: "s", engine: "cache", cacheFormat: "json", cache: redisCache(redis, { prefix }) }).open();
    await json.set("a", 1);
    await json.save();
    assert.equal(await redis.get(`${prefix}:1:django.contrib.sessions.cache${json.sessionKey}`), '{"a":1}');
  });

  test("add is SET NX: true once, then false, the first value kept; values come back as bytes", async () => {
    const cache = redisCache(redis, { prefix: `${run}:nx:` });
    assert.equal(await cache.add("k", "one", 60), true);
    assert.equal(await cache.add("k", "two", 60), false);
    assert.equal(Buffer.from(await cache.get("k")).toString(), "one");
    await cache.delete("k");
    await cache.delete("k");
    assert.equal(await cache.get("k"), null);
    const bytes = Uint8Array.from([0x80, 0, 0xff, 0xc3, 0x28]);
    await cache.set("b", bytes.subarray(1), 60);
    assert.deepEqual([...(await cache.get("b"))], [0, 0xff, 0xc3, 0x28]);
  });

  test("a client without get/set/del, or a non-string prefix, is refused", () => {
    assert.throws(() => redisCache({ get() {} }), InvalidSetting);
    assert.throws(() => redisCache(redis, { prefix: 7 }), InvalidSetting);
  });
});

describe("nodeFiles (real directory)", () => {
  const fresh = async () => mkdtemp(join(work, "files-"));

  test("create is won by exactly one of many simultaneous writers, and the file is whole", async () => {
    const directory = await fresh();
    const files = nodeFiles(directory);
    for (let round = 0; round < 25; round++) {
      const name = `sessionidrace${round}`;
      const contents = Array.from({ length: 6 }, (_, i) => `writer-${i}-`.repeat(2000));
      const results = await Promise.all(contents.map((c) => files.write(name, c, "create")));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
      assert.equal((await files.read(name)).content, contents[results.indexOf(true)]);
    }
    assert.equal((await readdir(directory)).filter((n) => n.startsWith(".")).length, 0, "no temp files left");
  });

  test("replace needs the file; create refuses an existing one; both leave no temp files", async () => {
    const directory = await fresh();
    const files = nodeFiles(directory);
    assert.equal(await files.write("sessionidx", "v1", "replace"), false);
    assert.equal(await files.exists("sessionidx"), false, "a failed replace creates nothing");
    assert.equal(await files.write("sessionidx", "v1", "create"), true);
    assert.equal(await files.write("sessionidx", "v2", "create"), false);
    assert.equal((await files.read("sessionidx")).content, "v1");
    assert.equal(await files.write("sessionidx", "v3", "replace"), true);
    assert.equal((await files.read("sessionidx")).content, "v3");
    assert.deepEqual(await readdir(directory), ["sessionidx"]);
  });

  test("read gives the content and mtime in seconds; absent files are null, removing them is fine", async () => {
    const directory = await fresh();
    const files = nodeFiles(directory);
    await files.write("sessionidy", "zoë", "create");
    const info = await stat(join(directory, "sessionidy"));
    assert.deepEqual(await files.read("sessionidy"), { content: "zoë", modifiedAt: info.mtimeMs / 1000 });
    assert.equal(info.mode & 0o777, 0o600, "owner-only, as Django's mkstemp");
    assert.equal(await files.read("sessionidnope"), null);
    await files.remove("sessionidnope");
    await files.remove("sessionidy");
    assert.equal(await files.exists("sessionidy"), false);
  });

  test("list(prefix) gives session files only, never temp files", async () => {
    const directory = await fresh();
    const files = nodeFiles(directory);
    await files.write("sessionida", "1", "create");
    await files.write("sessionidb", "2", "create");
    await writeFile(join(directory, "other"), "");
    await writeFile(join(directory, ".sessionidc.123.tmp"), "");
    assert.deepEqual((await files.list("sessionid")).sort(), ["sessionida", "sessionidb"]);
  });

  test("names that could leave the directory or hide are refused", async () => {
    const directory = await fresh();
    const files = nodeFiles(directory);
    for (const name of ["../x", "a/b", "a\\b", ".hidden", "", "a\0b"]) {
      await assert.rejects(async () => files.write(name, "x", "create"), TypeError, JSON.stringify(name));
      await assert.rejects(async () => files.read(name), TypeError);
      await assert.rejects(async () => files.remove(name), TypeError);
    }
    await assert.rejects(async () => files.write("sessionidz", "x", "append"), TypeError);
    assert.deepEqual(await readdir(directory), []);
    assert.equal(await readFile(join(directory, "..", "x")).catch(() => null), null);
  });

  test("bad options are refused at construction", () => {
    assert.throws(() => nodeFiles(""), InvalidSetting);
    assert.throws(() => nodeFiles(work, { fs: {} }), InvalidSetting);
  });
});
