// `edge-sessions clearsessions` (the package's bin) on a real SQLite file,
// a real session directory and, when reachable, a real PostgreSQL server,
// checked against what Django's `manage.py clearsessions` does: db and
// cached_db delete rows with expire_date < now; file loads every session
// file and deletes the expired ones (an int `_session_expiry` never
// expires; no expiry means mtime + SESSION_COOKIE_AGE); cache and
// signed_cookies do nothing. Success prints nothing, as Django's command.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { Sessions } from "edge-sessions";
import { nodeFiles } from "edge-sessions/adapters/fs";
import { createPostgresTable, postgresDb } from "edge-sessions/adapters/postgres";
import { createSqliteTable, sqliteDb } from "edge-sessions/adapters/sqlite";
import { serviceUrls } from "../support/services.mjs";

// The bin as npm would link it: package.json's "bin" entry.
const packageJson = fileURLToPath(import.meta.resolve("edge-sessions/package.json"));
const CLI = join(dirname(packageJson), JSON.parse(readFileSync(packageJson, "utf8")).bin["edge-sessions"]);
const { DATABASE_URL } = serviceUrls(["postgres"]);
const SECRET = "cli-test-secret";
const DAY = 86400;
const COOKIE_AGE = 1209600;

/** Runs the CLI with a clean environment plus `env`; resolves { code, stdout, stderr }. */
function cli(args, { env = {}, direct = false } = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !["SECRET_KEY", "SESSION_ENGINE", "DATABASE_URL", "SESSION_FILE_PATH"].includes(k)));
  const [file, argv] = direct ? [CLI, args] : [process.execPath, [CLI, ...args]];
  return new Promise((resolve) => {
    execFile(file, argv, { env: { ...clean, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

let work;
before(async () => { work = await mkdtemp(join(tmpdir(), "edge-sessions-cli-")); });
after(async () => { await rm(work, { recursive: true, force: true }); });

const realNow = () => Math.floor(Date.now() / 1000);

/** Saves a session `{ label }` through `sessions` at clock `at`, with `expiry` if given; returns its key. */
async function saveAt(makeSessions, at, label, expiry) {
  const s = makeSessions(() => at).open();
  await s.set("label", label);
  if (expiry !== undefined) await s.setExpiry(expiry);
  await s.save();
  return s.sessionKey;
}

/**
 * Rows around now: two expired (an hour ago, a minute ago) and two live
 * (in a minute, in a day), written by the db engine at a virtual clock.
 */
async function seedRows(db) {
  const make = (now) => new Sessions({ secretKey: SECRET, engine: "db", db, now });
  const t = realNow();
  const keys = {
    hourAgo: await saveAt(make, t - 7200, "hourAgo", { seconds: 3600 }),
    minuteAgo: await saveAt(make, t - 120, "minuteAgo", { seconds: 60 }),
    inAMinute: await saveAt(make, t, "inAMinute", { seconds: 60 }),
    inADay: await saveAt(make, t, "inADay", { seconds: DAY }),
  };
  return keys;
}

const survivors = (keys, remaining) => Object.entries(keys).filter(([, k]) => remaining.includes(k)).map(([label]) => label).sort();

describe("db and cached_db on a real SQLite file", () => {
  for (const engine of ["db", "cached_db", "django.contrib.sessions.backends.db"]) {
    test(`--engine ${engine} deletes the rows whose expire_date is past, nothing else`, async () => {
      const path = join(work, `${engine}.sqlite3`);
      const table = "my_sessions";
      let database = new Database(path);
      createSqliteTable(database, { table });
      const keys = await seedRows(sqliteDb(database, { table }));
      database.close();

      const { code, stdout, stderr } = await cli(["clearsessions", "--engine", engine, "--sqlite", path, "--table", table]);
      assert.deepEqual({ code, stdout, stderr }, { code: 0, stdout: "", stderr: "" }, "silent success, as Django's command");

      database = new Database(path, { readonly: true });
      const remaining = database.prepare(`SELECT session_key FROM "${table}"`).pluck().all();
      database.close();
      assert.deepEqual(survivors(keys, remaining), ["inADay", "inAMinute"]);
      assert.equal(remaining.length, 2);
    });
  }

  test("a missing database file is an error, and is not created", async () => {
    const path = join(work, "nope.sqlite3");
    const { code, stderr } = await cli(["clearsessions", "--engine", "db", "--sqlite", path]);
    assert.equal(code, 1);
    assert.match(stderr, /^CommandError: no SQLite database at /);
    assert.equal(existsSync(path), false);
  });

  test("a database without the table fails with the driver's message", async () => {
    const path = join(work, "empty.sqlite3");
    new Database(path).close();
    const { code, stderr } = await cli(["clearsessions", "--sqlite", path]);
    assert.equal(code, 1);
    assert.match(stderr, /^StorageError: .*no such table: django_session/);
  });
});

describe("db on a real PostgreSQL server", () => {
  let pool;
  let reachable = false;
  before(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    reachable = await pool.query("SELECT 1").then(() => true, () => false);
  });
  after(async () => { await pool.end(); });

  test("--postgres URL (and $DATABASE_URL) delete the expired rows", async (t) => {
    if (!reachable) return t.skip(`no PostgreSQL at ${DATABASE_URL} (scripts/services.sh start)`);
    for (const [how, args, env] of [
      ["--postgres", (table) => ["--postgres", DATABASE_URL, "--table", table], {}],
      ["$DATABASE_URL", (table) => ["--table", table], { DATABASE_URL }],
    ]) {
      const table = `cli_sessions_${Date.now().toString(36)}`;
      await createPostgresTable(pool, { table });
      try {
        const keys = await seedRows(postgresDb(pool, { table }));
        const { code, stdout, stderr } = await cli(["clearsessions", "--engine", "db", ...args(table)], { env });
        assert.deepEqual({ code, stdout, stderr }, { code: 0, stdout: "", stderr: "" }, how);
        const remaining = (await pool.query(`SELECT session_key FROM "${table}"`)).rows.map((r) => r.session_key);
        assert.deepEqual(survivors(keys, remaining), ["inADay", "inAMinute"], how);
      } finally {
        await pool.query(`DROP TABLE "${table}"`);
      }
    }
  });
});

describe("file engine on a real directory", () => {
  /**
   * Django's clearsessions/file vector, around the real clock: which files
   * survive depends on `_session_expiry` and, without one, on the mtime.
   */
  async function seedFiles(directory) {
    const make = (now) => new Sessions({ secretKey: SECRET, engine: "file", files: nodeFiles(directory), now });
    const t = realNow();
    const keys = {
      fresh: await saveAt(make, t, "fresh"),
      mtimeCookieAgeAgo: await saveAt(make, t, "mtimeCookieAgeAgo"),
      mtimeAlmostCookieAgeAgo: await saveAt(make, t, "mtimeAlmostCookieAgeAgo"),
      intExpiryNeverCleared: await saveAt(make, t, "intExpiryNeverCleared", 300),
      dateExpiryPast: await saveAt(make, t - 100, "dateExpiryPast", { seconds: 10 }),
      dateExpiryFuture: await saveAt(make, t - 100, "dateExpiryFuture", { seconds: 3600 }),
    };
    const age = async (label, seconds) => {
      const when = t - seconds;
      await utimes(join(directory, `sessionid${keys[label]}`), when, when);
    };
    await age("mtimeCookieAgeAgo", COOKIE_AGE + 60);
    await age("mtimeAlmostCookieAgeAgo", COOKIE_AGE - 3600);
    await age("intExpiryNeverCleared", 10_000_000);
    await age("dateExpiryFuture", 10_000_000);
    // Not sessions: another app's file and a temp file are never touched.
    await writeFile(join(directory, "other.txt"), "not a session");
    await writeFile(join(directory, ".sessionidtmp.abc.tmp"), "");
    return keys;
  }
  const sessionFiles = async (directory, keys) =>
    survivors(keys, (await readdir(directory)).filter((n) => n.startsWith("sessionid")).map((n) => n.slice("sessionid".length)));

  test("--secret-key: the expired files go, the rest stay (Django's clearsessions/file rules)", async () => {
    const directory = join(work, "files-flag");
    await mkdir(directory);
    const keys = await seedFiles(directory);
    const { code, stdout, stderr } = await cli(["clearsessions", "--engine", "file", "--file-path", directory, "--secret-key", SECRET]);
    assert.deepEqual({ code, stdout, stderr }, { code: 0, stdout: "", stderr: "" });
    assert.deepEqual(await sessionFiles(directory, keys),
      ["dateExpiryFuture", "fresh", "intExpiryNeverCleared", "mtimeAlmostCookieAgeAgo"]);
    assert.ok(existsSync(join(directory, "other.txt")) && existsSync(join(directory, ".sessionidtmp.abc.tmp")));
  });

  test("$SECRET_KEY and $SESSION_FILE_PATH work as well, with --cookie-age", async () => {
    const directory = join(work, "files-env");
    await mkdir(directory);
    const keys = await seedFiles(directory);
    // A cookie age of one day: every file without a date expiry whose mtime is older goes.
    const { code, stderr } = await cli(["clearsessions", "--engine", "file", "--cookie-age", String(DAY)],
      { env: { SECRET_KEY: SECRET, SESSION_FILE_PATH: directory } });
    assert.equal(code, 0, stderr);
    assert.deepEqual(await sessionFiles(directory, keys), ["dateExpiryFuture", "fresh", "intExpiryNeverCleared"]);
  });

  test("without a secret key the file engine refuses, touching nothing", async () => {
    const directory = join(work, "files-nokey");
    await mkdir(directory);
    const keys = await seedFiles(directory);
    const { code, stdout, stderr } = await cli(["clearsessions", "--engine", "file", "--file-path", directory]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /^CommandError: the file engine reads each session's expiry from its signed content: pass --secret-key or set SECRET_KEY/);
    assert.equal((await sessionFiles(directory, keys)).length, 6);
  });

  test("a --file-path that is not a directory is an error (Django: ImproperlyConfigured)", async () => {
    const { code, stderr } = await cli(["clearsessions", "--engine", "file", "--file-path", join(work, "missing-dir"), "--secret-key", SECRET]);
    assert.equal(code, 1);
    assert.match(stderr, /^CommandError: SESSION_FILE_PATH .* is not a directory/);
  });
});

describe("engines with nothing to clear, and usage", () => {
  for (const engine of ["cache", "signed_cookies", "django.contrib.sessions.backends.cache"]) {
    test(`--engine ${engine}: succeeds silently without storage or a secret key`, async () => {
      assert.deepEqual(await cli(["clearsessions", "--engine", engine]), { code: 0, stdout: "", stderr: "" });
    });
  }

  test("$SESSION_ENGINE is read when --engine is absent; the bin runs through its shebang", async () => {
    assert.deepEqual(await cli(["clearsessions"], { env: { SESSION_ENGINE: "signed_cookies" }, direct: true }), { code: 0, stdout: "", stderr: "" });
  });

  test("usage errors exit 2, as argparse does", async () => {
    for (const [args, message] of [
      [[], /a command is required: clearsessions/],
      [["migrate"], /unknown command "migrate"/],
      [["clearsessions", "--engine", "nosuch"], /unknown engine "nosuch"/],
      [["clearsessions", "--engine", "db"], /need --sqlite PATH or --postgres URL/],
      [["clearsessions", "--sqlite", "a", "--postgres", "b"], /not both/],
      [["clearsessions", "--bogus"], /Unknown option '--bogus'/],
      [["clearsessions", "--engine", "file", "--cookie-age", "soon"], /--cookie-age takes a whole number/],
    ]) {
      const { code, stdout, stderr } = await cli(args);
      assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
      assert.equal(stdout, "");
      assert.match(stderr, /^usage: edge-sessions clearsessions/);
      assert.match(stderr, message);
    }
  });

  test("--help prints the usage", async () => {
    const { code, stdout } = await cli(["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^usage: edge-sessions clearsessions/);
  });
});
