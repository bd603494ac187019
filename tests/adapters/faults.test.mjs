// Storage faults, over the real adapters (Redis, SQLite, PostgreSQL, a
// directory), each made to fail in one method at a time, and over the real
// stores failing for real (a trigger that aborts, a lock that never lets go,
// a paused Redis, a FIFO with no writer, a file system call that fails midway).
//
// What must hold: the session call rejects with StorageError whose `cause`
// is the adapter's own error (a TimeoutError when it never answered within
// `storageTimeout`); a failed save is never reported as success; nothing
// half-written is left behind.
//
//   REDIS_URL, DATABASE_URL   the servers (scripts/services.sh); tests/support/services.mjs
//                             starts a set for this file when they are not set

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as nodeFs from "node:fs/promises";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { open as openSync, closeSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createClient } from "redis";
import { Sessions, StorageError } from "edge-sessions";
import { nodeFiles } from "edge-sessions/adapters/fs";
import { createPostgresTable, postgresDb } from "edge-sessions/adapters/postgres";
import { redisCache } from "edge-sessions/adapters/redis";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { serviceUrls } from "../support/services.mjs";

const { REDIS_URL, DATABASE_URL } = serviceUrls(["redis", "postgres"]);
const TIMEOUT = 150; // storageTimeout for the hangs, in ms

let redis, pool, work, sqlite;
const run = `f${Date.now().toString(36)}`;
let serial = 0;
const next = () => `${run}_${++serial}`;
const pgTables = [];

before(async () => {
  redis = await createClient({ url: REDIS_URL }).connect();
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  work = await mkdtemp(join(tmpdir(), "edge-sessions-faults-"));
  sqlite = new Database(join(work, "db.sqlite3"));
});

after(async () => {
  for (const table of pgTables) await pool.query(`DROP TABLE IF EXISTS "${table}" CASCADE`).catch(() => {});
  for await (const keys of redis.scanIterator({ MATCH: `${run}:*`, COUNT: 100 })) if (keys.length) await redis.del(keys);
  await redis.close();
  await pool.end();
  sqlite.close();
  await rm(work, { recursive: true, force: true });
});

// --- fresh real stores ---------------------------------------------------------

const fresh = {
  redis: () => redisCache(redis, { prefix: `${run}:${next()}:` }),
  sqlite: (table = `django_session_${next()}`) => {
    createSqliteTable(sqlite, { table });
    return sqliteDb(sqlite, { table });
  },
  postgres: async (table = `django_session_${next()}`) => {
    pgTables.push(table);
    await createPostgresTable(pool, { table });
    return postgresDb(pool, { table });
  },
  directory: async () => {
    const directory = join(work, next());
    await nodeFs.mkdir(directory);
    return directory;
  },
  files: async (options) => nodeFiles(await fresh.directory(), options),
};

// --- a real adapter with one method made to fail ----------------------------------

/** `adapter` with `method` throwing, rejecting or never answering; every other call passes through. */
function failing(adapter, method, mode, original) {
  const wrapped = {};
  for (const name of Object.keys(adapter)) wrapped[name] = (...args) => adapter[name](...args);
  wrapped[method] = {
    throw: () => { throw original; },
    reject: () => Promise.reject(original),
    hang: () => new Promise(() => {}),
  }[mode];
  return wrapped;
}

async function rejectsWithStorageError(promise, cause) {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error, "the call succeeded: a failure was reported as success");
  assert.ok(error instanceof StorageError, `expected StorageError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.name, "StorageError");
  cause(error.cause);
  return error;
}

const saveNew = async (sessions) => {
  const s = sessions.open();
  await s.set("a", "new");
  await s.save();
  return s;
};
const saveExisting = async (sessions, key) => {
  const s = sessions.open(key);
  await s.set("a", "changed");
  await s.save();
};

// The session call that reaches each adapter method first.
const TRIGGERS = {
  cache: {
    // Not a load: the cache engine's load turns a failing get into a miss,
    // as Django does (#17810); see the test of that below.
    get: (sessions, key) => sessions.open().exists(key),
    add: (sessions) => saveNew(sessions),
    set: (sessions, key) => saveExisting(sessions, key),
    delete: (sessions, key) => sessions.open(key).flush(),
  },
  db: {
    get: (sessions, key) => sessions.open(key).get("a"),
    exists: (sessions, key) => sessions.open().exists(key),
    insert: (sessions) => saveNew(sessions),
    update: (sessions, key) => saveExisting(sessions, key),
    delete: (sessions, key) => sessions.open(key).flush(),
    deleteExpired: (sessions) => sessions.clearExpired(),
  },
  files: {
    read: (sessions, key) => sessions.open(key).get("a"),
    exists: (sessions, key) => sessions.open().exists(key),
    "write (create)": (sessions) => saveNew(sessions),
    "write (replace)": (sessions, key) => saveExisting(sessions, key),
    remove: (sessions, key) => sessions.open(key).flush(),
    list: (sessions) => sessions.clearExpired(),
  },
};

const ADAPTERS = [
  { name: "redisCache", option: "cache", engine: "cache", triggers: TRIGGERS.cache, open: () => fresh.redis() },
  { name: "sqliteDb", option: "db", engine: "db", triggers: TRIGGERS.db, open: () => fresh.sqlite() },
  { name: "postgresDb", option: "db", engine: "db", triggers: TRIGGERS.db, open: () => fresh.postgres() },
  { name: "nodeFiles", option: "files", engine: "file", triggers: TRIGGERS.files, open: () => fresh.files() },
];

const sessionsOver = (option, engine, adapter, extra = {}) =>
  new Sessions({ secretKey: "faults-secret", engine, [option]: adapter, ...extra });

for (const { name, option, engine, triggers, open } of ADAPTERS) {
  describe(`${name}: a failing method becomes StorageError with the adapter's error as cause`, () => {
    for (const [label, trigger] of Object.entries(triggers)) {
      const method = label.split(" ")[0];
      for (const mode of ["throw", "reject", "hang"]) {
        test(`${method}() ${mode === "throw" ? "throws synchronously" : mode === "reject" ? "rejects" : "never answers"}${label.includes(" ") ? ` [${label.split(" ")[1].slice(1, -1)}]` : ""}`, async () => {
          const adapter = await open();
          const key = (await saveNew(sessionsOver(option, engine, adapter))).sessionKey;
          const original = Object.assign(new Error(`${name}.${method} failed on purpose`), { code: "EFAULTTEST" });
          const sessions = sessionsOver(option, engine, failing(adapter, method, mode, original),
            mode === "hang" ? { storageTimeout: TIMEOUT } : {});
          const error = await rejectsWithStorageError(trigger(sessions, key), (cause) => {
            if (mode === "hang") {
              assert.equal(cause?.name, "TimeoutError");
              assert.match(cause.message, new RegExp(`${method}\\(\\) did not answer within ${TIMEOUT} ms`));
            } else {
              assert.equal(cause, original, "cause is the very error the adapter raised");
            }
          });
          if (mode !== "hang") assert.match(error.message, /failed on purpose/);
        });
      }
    }
  });
}

test("cache engine: a get that fails while loading is a miss, as in Django (#17810), and says why", async () => {
  const cache = fresh.redis();
  const key = (await saveNew(sessionsOver("cache", "cache", cache))).sessionKey;
  const original = new Error("redis is down");
  for (const [mode, extra, reason] of [["reject", {}, /redis is down/], ["hang", { storageTimeout: TIMEOUT }, /did not answer/]]) {
    const session = sessionsOver("cache", "cache", failing(cache, "get", mode, original), extra).open(key);
    assert.equal(await session.get("a"), undefined, "an empty session, not an error");
    assert.equal(session.sessionKey, null, "the key is dropped, as on any miss");
    assert.match(session.loadProblem, /^StorageError: /);
    assert.match(session.loadProblem, reason);
  }
});

// --- real stores failing for real -------------------------------------------------

/** Every entry of `directory`, dot-files (temp files) included. */
const entries = async (directory) => (await readdir(directory)).sort();

/** node:fs/promises with one function replaced. */
const fsWith = (overrides) => ({ ...nodeFs, ...overrides });
const fsError = (code, message) => Object.assign(new Error(`${code}: ${message}`), { code });

describe("nodeFiles: a write that fails midway leaves the old file and no debris", () => {
  test("rename fails after the temp file is written: replace rejects, the old content stays", async () => {
    const directory = await fresh.directory();
    const healthy = sessionsOver("files", "file", nodeFiles(directory));
    const key = (await saveNew(healthy)).sessionKey;
    const before = await readFile(join(directory, `sessionid${key}`), "utf8");
    const failure = fsError("EIO", "rename failed");
    let renamed = 0;
    const files = nodeFiles(directory, { fs: fsWith({ rename: async () => { renamed++; throw failure; } }) });
    await rejectsWithStorageError(saveExisting(sessionsOver("files", "file", files), key), (cause) => assert.equal(cause, failure));
    assert.equal(renamed, 1, "the write got as far as the rename");
    assert.equal(await readFile(join(directory, `sessionid${key}`), "utf8"), before, "old content intact");
    assert.deepEqual(await entries(directory), [`sessionid${key}`], "no temp file left");
    assert.equal(await healthy.open(key).get("a"), "new");
  });

  test("the temp file is half written when the disk fills: create rejects, nothing is left", async () => {
    const directory = await fresh.directory();
    const failure = fsError("ENOSPC", "no space left on device");
    const halfThenFail = async (path, content, options) => {
      await nodeFs.writeFile(path, content.slice(0, content.length >> 1), options); // a real, partial file
      throw failure;
    };
    const files = nodeFiles(directory, { fs: fsWith({ writeFile: halfThenFail }) });
    await rejectsWithStorageError(saveNew(sessionsOver("files", "file", files)), (cause) => assert.equal(cause, failure));
    assert.deepEqual(await entries(directory), [], "no session file, no temp file");
  });

  test("the temp file is half written when the disk fills: replace rejects, the old content stays", async () => {
    const directory = await fresh.directory();
    const healthy = sessionsOver("files", "file", nodeFiles(directory));
    const key = (await saveNew(healthy)).sessionKey;
    const before = await readFile(join(directory, `sessionid${key}`), "utf8");
    const failure = fsError("ENOSPC", "no space left on device");
    const files = nodeFiles(directory, { fs: fsWith({ writeFile: async (path, content, options) => {
      await nodeFs.writeFile(path, content.slice(0, 7), options);
      throw failure;
    } }) });
    await rejectsWithStorageError(saveExisting(sessionsOver("files", "file", files), key), (cause) => assert.equal(cause, failure));
    assert.equal(await readFile(join(directory, `sessionid${key}`), "utf8"), before);
    assert.deepEqual(await entries(directory), [`sessionid${key}`]);
  });

  test("link fails with an I/O error: create rejects, nothing is left", async () => {
    const directory = await fresh.directory();
    const failure = fsError("EIO", "link failed");
    const files = nodeFiles(directory, { fs: fsWith({ link: async () => { throw failure; } }) });
    await rejectsWithStorageError(saveNew(sessionsOver("files", "file", files)), (cause) => assert.equal(cause, failure));
    assert.deepEqual(await entries(directory), []);
  });

  test("without hard links (EPERM) create still works, through an O_EXCL reservation", async () => {
    const directory = await fresh.directory();
    const noLinks = fsWith({ link: async () => { throw fsError("EPERM", "operation not permitted"); } });
    const sessions = sessionsOver("files", "file", nodeFiles(directory, { fs: noLinks }));
    const key = (await saveNew(sessions)).sessionKey;
    assert.equal(await sessions.open(key).get("a"), "new");
    assert.deepEqual(await entries(directory), [`sessionid${key}`]);
    // ...and when the rename after the reservation fails, the reservation goes too.
    const failure = fsError("EIO", "rename failed");
    const broken = nodeFiles(directory, { fs: { ...noLinks, rename: async () => { throw failure; } } });
    await rejectsWithStorageError(saveNew(sessionsOver("files", "file", broken)), (cause) => assert.equal(cause, failure));
    assert.deepEqual(await entries(directory), [`sessionid${key}`]);
  });

  test("a FIFO nobody writes to: read never answers, storageTimeout gives TimeoutError", { skip: !hasMkfifo() && "no mkfifo" }, async () => {
    const directory = await fresh.directory();
    const key = "fifo00000000000000000000000000aa";
    const fifo = join(directory, `sessionid${key}`);
    execFileSync("mkfifo", [fifo]);
    const sessions = sessionsOver("files", "file", nodeFiles(directory), { storageTimeout: TIMEOUT });
    await rejectsWithStorageError(sessions.open(key).get("a"), (cause) => assert.equal(cause?.name, "TimeoutError"));
    // Let the blocked open() finish (a writer appears, then leaves: EOF) so no fs call outlives the test.
    await new Promise((resolve, reject) => openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK, (e, fd) => (e ? reject(e) : resolve(closeSync(fd)))));
  });
});

function hasMkfifo() {
  try {
    execFileSync("sh", ["-c", "command -v mkfifo"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("SQL stores: a statement the database refuses leaves no row and no change", () => {
  test("SQLite: an aborting INSERT trigger, then an aborting UPDATE trigger", async () => {
    const table = `django_session_${next()}`;
    const db = fresh.sqlite(table);
    const healthy = sessionsOver("db", "db", db);
    const key = (await saveNew(healthy)).sessionKey;
    const before = sqlite.prepare(`SELECT * FROM "${table}"`).all();
    sqlite.exec(`CREATE TRIGGER "${table}_no_insert" BEFORE INSERT ON "${table}" BEGIN SELECT RAISE(ABORT, 'insert refused by the test trigger'); END`);
    sqlite.exec(`CREATE TRIGGER "${table}_no_update" BEFORE UPDATE ON "${table}" BEGIN SELECT RAISE(ABORT, 'update refused by the test trigger'); END`);
    await rejectsWithStorageError(saveNew(healthy), (cause) => {
      assert.equal(cause?.code, "SQLITE_CONSTRAINT_TRIGGER");
      assert.match(cause.message, /insert refused/);
    });
    await rejectsWithStorageError(saveExisting(healthy, key), (cause) => assert.match(cause?.message, /update refused/));
    assert.deepEqual(sqlite.prepare(`SELECT * FROM "${table}"`).all(), before, "only the first row, unchanged");
  });

  test("PostgreSQL: a trigger that raises on INSERT, then on UPDATE", async () => {
    const table = `django_session_${next()}`;
    const db = await fresh.postgres(table);
    const healthy = sessionsOver("db", "db", db);
    const key = (await saveNew(healthy)).sessionKey;
    const rows = async () => (await pool.query(`SELECT session_key, session_data, expire_date FROM "${table}" ORDER BY 1`)).rows;
    const before = await rows();
    await pool.query(`CREATE FUNCTION "${table}_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% refused by the test trigger', TG_OP USING ERRCODE = 'P0001'; END $$;
      CREATE TRIGGER "${table}_refuse" BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "${table}_refuse"()`);
    try {
      await rejectsWithStorageError(saveNew(healthy), (cause) => {
        assert.ok(cause instanceof pg.DatabaseError, "cause is pg's own error");
        assert.equal(cause.code, "P0001");
        assert.match(cause.message, /INSERT refused/);
      });
      await rejectsWithStorageError(saveExisting(healthy, key), (cause) => assert.match(cause?.message, /UPDATE refused/));
      assert.deepEqual(await rows(), before, "only the first row, unchanged");
    } finally {
      await pool.query(`DROP FUNCTION "${table}_refuse"() CASCADE`);
    }
  });

  test("cached_db (Redis + PostgreSQL): a refused INSERT leaves neither a row nor a cache entry", async () => {
    const table = `django_session_${next()}`;
    const db = await fresh.postgres(table);
    const prefix = `${run}:${next()}:`;
    const sessions = new Sessions({ secretKey: "faults-secret", engine: "cached_db", db, cache: redisCache(redis, { prefix }) });
    await pool.query(`CREATE FUNCTION "${table}_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER "${table}_refuse" BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION "${table}_refuse"()`);
    try {
      await rejectsWithStorageError(saveNew(sessions), (cause) => assert.match(cause?.message, /refused/));
      assert.equal((await pool.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n, 0);
      const cached = [];
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*` })) cached.push(...keys);
      assert.deepEqual(cached, [], "nothing cached for a session that was never stored");
    } finally {
      await pool.query(`DROP FUNCTION "${table}_refuse"() CASCADE`);
    }
  });
});

describe("real stores that stop answering: storageTimeout turns the wait into StorageError", () => {
  test("PostgreSQL: the table is locked by another transaction", async () => {
    const table = `django_session_${next()}`;
    const db = await fresh.postgres(table);
    const key = (await saveNew(sessionsOver("db", "db", db))).sessionKey;
    const locker = await pool.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const sessions = sessionsOver("db", "db", db, { storageTimeout: TIMEOUT });
      await rejectsWithStorageError(sessions.open(key).get("a"), (cause) => assert.equal(cause?.name, "TimeoutError"));
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
    // The abandoned query finishes once the lock is gone; the store is fine.
    assert.equal(await sessionsOver("db", "db", db).open(key).get("a"), "new");
  });

  test("Redis: every client paused (CLIENT PAUSE)", async () => {
    const cache = fresh.redis();
    const key = (await saveNew(sessionsOver("cache", "cache", cache))).sessionKey;
    const admin = await createClient({ url: REDIS_URL }).connect();
    // The pausing client is paused too (even CLIENT UNPAUSE waits), so the
    // pause is short and simply runs out.
    await admin.sendCommand(["CLIENT", "PAUSE", "1000", "ALL"]);
    try {
      const sessions = sessionsOver("cache", "cache", cache, { storageTimeout: TIMEOUT });
      await rejectsWithStorageError(sessions.open().exists(key), (cause) => assert.equal(cause?.name, "TimeoutError"));
      await rejectsWithStorageError(saveExisting(sessions, key), (cause) => assert.equal(cause?.name, "TimeoutError"));
    } finally {
      await admin.close();
    }
    assert.equal(await sessionsOver("cache", "cache", cache).open(key).get("a"), "new", "the store is fine afterwards");
  });
});
