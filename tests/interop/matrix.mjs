// Live interop with a stock Django, each runtime × each store, both
// directions: Django (5.2 and 6.x) with PostgreSQL or MySQL and Redis
// (RedisCache, pickles), every setting at its default but the database and
// cache locations; the edge app of examples/django-interop in Node, Deno,
// Bun and workerd (Hyperdrive). Run by tests/interop/run.sh, which prepares
// the venvs, the servers and the package.
//
// For each Django version (side by side) and each configuration (one after
// another): one Django server, one edge per runtime (started side by side),
// a user per edge; then every edge runs the scenarios against the shared
// Django at once; then every server restarts with a rotated SECRET_KEY for
// the key-rotation scenario.
//
// Prints `cell <runtime> <engine>/<store> [Django x.y]: N passed, M failed[, K limited]`
// per cell (NOT RUN with why, counted as failed, for a cell that cannot
// run), then `interop: N passed, M failed, K limited`.
//
// Environment: REDIS_URL, DATABASE_URL, MYSQL_URL (the servers);
// INTEROP_DJANGOS, a JSON list of { label, python } or { label, notRun };
// INTEROP_LOGS, a directory for the servers' logs; INTEROP_ONLY, a regular
// expression keeping the cells whose name matches.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { createClient, RESP_TYPES } from "redis";
import { freePort } from "../support/workerd.mjs";
import { Browser, djangoEnv, EXAMPLE, run, startDjango, startEdgeProcess, startEdgeWorker } from "./harness.mjs";
import { authHash, csrfScenarios, DIRECTIONS, logIn, refusals, refused, saltOf, scenarios, signedWith } from "./scenarios.mjs";

const { REDIS_URL, DATABASE_URL, MYSQL_URL } = process.env;
const DJANGOS = JSON.parse(process.env.INTEROP_DJANGOS ?? "[]");
const LOGS = process.env.INTEROP_LOGS ?? path.join(EXAMPLE, "../../target/interop");
const ONLY = process.env.INTEROP_ONLY ? new RegExp(process.env.INTEROP_ONLY) : null;
mkdirSync(LOGS, { recursive: true });

const OLD_KEY = "interop-old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";
const NEW_KEY = "interop-new-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba";
const PASSWORD = `interop-${Math.random().toString(36).slice(2)}-password`;
const RUN = `i${Date.now().toString(36)}`;

/** Django's configurations: SESSION_ENGINE, the database, and whether RedisCache is CACHES["default"]. */
const CONFIGS = [
  { name: "db/postgres", engine: "db", database: "postgres", cache: false },
  { name: "db/mysql", engine: "db", database: "mysql", cache: false },
  { name: "cache/redis", engine: "cache", database: "postgres", cache: true },
  { name: "cached_db/postgres+redis", engine: "cached_db", database: "postgres", cache: true },
  { name: "cached_db/mysql+redis", engine: "cached_db", database: "mysql", cache: true },
  // Nothing stored server-side: the session is the signed cookie (the users still in PostgreSQL).
  { name: "signed_cookies/cookie", engine: "signed_cookies", database: "postgres", cache: false },
];
const RUNTIMES = ["node", "deno", "bun", "workerd"];
/** The edges of a configuration: each runtime, and workerd with postgres.js too where the sessions are in PostgreSQL. */
const edgesOf = (config) => [
  ...RUNTIMES.map((runtime) => ({ runtime, driver: config.database === "postgres" ? "pg" : "mysql2" })),
  ...(config.database === "postgres" && config.engine.endsWith("db") ? [{ runtime: "workerd", driver: "postgres.js" }] : []),
];
const cellName = (django, config, edge) =>
  `${edge.runtime} ${config.name}${edge.driver === "postgres.js" ? " via postgres.js" : ""} [Django ${django.label}]`;

// --- results ------------------------------------------------------------------------------

const cells = new Map(); // name -> { passed, failed, limited, notRun, notes }
function cellOf(name) {
  if (!cells.has(name)) cells.set(name, { passed: 0, failed: 0, limited: 0, notRun: null, notes: [] });
  return cells.get(name);
}
const failureLog = path.join(LOGS, "failures.txt");
writeFileSync(failureLog, "");

/** Runs one check of a cell; a throw is a failure, a returned "limited: why" a limit. */
async function check(name, what, fn) {
  const cell = cellOf(name);
  try {
    const outcome = await fn();
    if (typeof outcome === "string" && outcome.startsWith("limited")) {
      cell.limited++;
      cell.notes.push(`${what}: ${outcome.slice(9)}`);
    } else {
      cell.passed++;
    }
  } catch (error) {
    cell.failed++;
    const message = (error?.stack ?? String(error)).split("\n").slice(0, 12).join("\n");
    console.log(`FAIL ${name}: ${what}: ${String(error?.message ?? error).split("\n")[0]}`);
    writeFileSync(failureLog, `=== ${name}: ${what}\n${message}\n\n`, { flag: "a" });
  }
}

// --- the stores behind both sides' backs ----------------------------------------------------

/** Raw access to a database's django_session, and to Redis, for one configuration. */
function storeFor(config, db, redis) {
  const prefix = `:1:django.contrib.sessions.${config.engine === "cache" ? "cache" : "cached_db"}`;
  const cacheKey = (key) => `${prefix}${key}`;
  const entries = {
    cacheKey,
    entry: (key) => redis.get(cacheKey(key)),
    setEntry: (key, bytes) => redis.set(cacheKey(key), Buffer.from(bytes), { KEEPTTL: true }),
    deleteEntry: (key) => redis.del(cacheKey(key)),
    ttl: (key) => redis.ttl(cacheKey(key)),
  };
  if (config.engine === "signed_cookies") {
    // The session is the cookie.
    return { data: async (key) => key, exists: async () => true };
  }
  const rows = {
    data: (key) => db.one("SELECT session_data AS v FROM django_session WHERE session_key = ?", [key]),
    setData: (key, text) => db.exec("UPDATE django_session SET session_data = ? WHERE session_key = ?", [text, key]),
    expireDate: (key) => db.one(db.dateText, [key]),
  };
  return {
    ...entries,
    ...rows,
    async exists(key) {
      if (config.engine === "cache") return (await redis.exists(cacheKey(key))) === 1;
      const row = (await rows.data(key)) !== null;
      return config.cache ? row || (await redis.exists(cacheKey(key))) === 1 : row;
    },
  };
}

/** A database of one Django version, seen from here: `one(sql, params)` gives the first row's v. */
async function openDatabase(kind, url) {
  if (kind === "postgres") {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const numbered = (sql) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    return {
      one: async (sql, params) => (await pool.query(numbered(sql), params)).rows[0]?.v ?? null,
      exec: (sql, params) => pool.query(numbered(sql), params),
      dateText: "SELECT to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS v FROM django_session WHERE session_key = ?",
      close: () => pool.end(),
    };
  }
  const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
  return {
    one: async (sql, params) => (await pool.query(sql, params))[0][0]?.v ?? null,
    exec: (sql, params) => pool.query(sql, params),
    dateText: "SELECT DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS v FROM django_session WHERE session_key = ?",
    close: () => pool.end(),
  };
}

// --- one Django version ----------------------------------------------------------------------

const withDatabase = (url, name) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
};

async function prepareDjango(django) {
  const name = `${RUN}_${django.label.replace(/\W/g, "")}`;
  const urls = { postgres: withDatabase(DATABASE_URL, name), mysql: withDatabase(MYSQL_URL, name) };
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const my = await mysql.createConnection({ uri: MYSQL_URL });
  await my.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await my.end();
  // Django's own migrations on both, and the user whose password hash the test users share.
  await Promise.all(
    Object.values(urls).map(async (url) => {
      const env = djangoEnv({ keys: { key: "setup-only" }, engine: "db", database: url });
      await run(django.python, ["manage.py", "migrate", "--verbosity", "0"], { cwd: EXAMPLE, env });
      await run(
        django.python,
        ["manage.py", "shell", "--verbosity", "0", "-c", `from django.contrib.auth.models import User; User.objects.create_user("alice", password=${JSON.stringify(PASSWORD)})`],
        { cwd: EXAMPLE, env },
      );
    }),
  );
  return {
    urls,
    async drop() {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await c.end();
      const m = await mysql.createConnection({ uri: MYSQL_URL });
      await m.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => {});
      await m.end();
    },
  };
}

/** Django and every edge of `config` under `keys`; `restart(keys)` swaps keys in place. */
async function startServers(django, config, prepared, edges, keys, logTag) {
  const database = prepared.urls[config.database];
  const redis = config.cache ? REDIS_URL : undefined;
  const servers = { django: null, edges: new Map() };
  const start = async (k) => {
    const djangoPort = await freePort();
    const env = {
      SECRET_KEY: k.key,
      SECRET_KEY_FALLBACKS: JSON.stringify(k.fallbacks ?? []),
      SESSION_ENGINE: config.engine,
      DJANGO_DATABASE: database,
      REDIS_URL: redis,
    };
    const started = await Promise.allSettled([
      startDjango({ python: django.python, env: djangoEnv({ keys: k, engine: config.engine, database, redis }), port: djangoPort, logFile: path.join(LOGS, `${logTag}-django.log`) }),
      ...edges.map(async (edge) => {
        const logFile = path.join(LOGS, `${logTag}-${edge.runtime}-${edge.driver}.log`);
        const edgeEnv = { ...env, PG_DRIVER: edge.driver === "postgres.js" ? "postgres.js" : "pg" };
        if (edge.runtime === "workerd") {
          const hyperdrive = config.database === "postgres" ? { PG: database } : { MY: database };
          return startEdgeWorker({ env: { ...edgeEnv, DJANGO_DATABASE: undefined }, hyperdrive, port: await freePort(), logFile });
        }
        if (!redis) delete edgeEnv.REDIS_URL;
        return startEdgeProcess(edge.runtime, { env: edgeEnv, logFile });
      }),
    ]);
    const [djangoResult, ...edgeResults] = started;
    servers.django = djangoResult.status === "fulfilled" ? djangoResult.value : null;
    servers.djangoError = djangoResult.reason;
    edges.forEach((edge, i) => {
      const result = edgeResults[i];
      servers.edges.set(edge, result.status === "fulfilled" ? result.value : { error: result.reason });
    });
  };
  servers.close = () => Promise.all([servers.django?.close(), ...[...servers.edges.values()].map((e) => e.close?.())]);
  servers.restart = async (k) => {
    await servers.close();
    await start(k);
  };
  await start(keys);
  return servers;
}

async function runConfig(django, prepared, config) {
  const edges = edgesOf(config).filter((edge) => !ONLY || ONLY.test(cellName(django, config, edge)));
  if (edges.length === 0) return;
  const logTag = `${django.label}-${config.name.replace(/\W+/g, "_")}`;
  const db = await openDatabase(config.database, prepared.urls[config.database]);
  const redis = createClient({ url: REDIS_URL }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await redis.connect();
  const store = storeFor(config, db, redis);
  let keys = { key: OLD_KEY };
  const phases = [Date.now()];
  const servers = await startServers(django, config, prepared, edges, keys, logTag);
  phases.push(Date.now());
  try {
    if (!servers.django) {
      for (const edge of edges) cellOf(cellName(django, config, edge)).notRun = `Django did not start: ${String(servers.djangoError?.message).split("\n")[0]}`;
      return;
    }
    const djangoSide = { name: "django", url: servers.django.url };
    const djangoCall = (route, body) => new Browser().call(djangoSide, route, body);
    const pickledCache = new Map();
    const pickled = async (value) => {
      const json = JSON.stringify(value);
      if (!pickledCache.has(json)) pickledCache.set(json, (await djangoCall("/test/pickle", { value })).hex);
      return pickledCache.get(json);
    };
    // One context per edge: its own users (each scenario logs them in and out).
    const contexts = [];
    for (const edge of edges) {
      const name = cellName(django, config, edge);
      const server = servers.edges.get(edge);
      if (server.error) {
        cellOf(name).notRun = `the edge did not start: ${String(server.error.message).split("\n")[0]}`;
        continue;
      }
      const tag = `${edge.runtime}${edge.driver === "postgres.js" ? "js" : ""}_${config.name.replace(/\W+/g, "_")}`.slice(0, 40);
      const user = async (prefix) => ({ username: `${prefix}_${tag}`, ...(await djangoCall("/test/user", { username: `${prefix}_${tag}`, template: "alice" })) });
      const ctx = {
        name,
        tag,
        config,
        store,
        djangoCall,
        pickled,
        get keys() {
          return keys;
        },
        pair: { django: djangoSide, edge: { name: `edge (${edge.runtime})`, url: server.url } },
        user: await user("u"),
        passwordUsers: { django: await user("pd"), edge: await user("pe") },
        edge,
      };
      contexts.push(ctx);
    }

    const all = { ...scenarios, ...csrfScenarios };
    await Promise.all(
      contexts.map(async (ctx) => {
        for (const [scenario, fn] of Object.entries(all)) {
          for (const [direction, sides] of Object.entries(DIRECTIONS)) {
            const [w, r] = sides.map((side) => ctx.pair[side]);
            await check(ctx.name, `${scenario} ${direction}`, () => fn(ctx, w, r));
          }
        }
        for (const refusal of Object.keys(refusals)) await check(ctx.name, refusal, () => refused(ctx, refusal));
      }),
    );

    phases.push(Date.now());
    // Key rotation, last: every server restarts with NEW_KEY, OLD_KEY in SECRET_KEY_FALLBACKS.
    const rotations = new Map();
    await Promise.all(
      contexts.map(async (ctx) => {
        const browsers = {};
        for (const [direction, [writer]] of Object.entries(DIRECTIONS)) {
          const browser = (browsers[direction] = new Browser());
          try {
            await logIn(browser, ctx.pair[writer], ctx.user);
            await browser.call(ctx.pair[writer], "/cart/add", { item: "old key" });
            if (config.engine !== "cache") {
              const data = await store.data(browser.cookie);
              const salt = saltOf(config.engine);
              assert.ok(signedWith(data, salt, OLD_KEY) && !signedWith(data, salt, NEW_KEY), "signed with the old key");
            }
          } catch (error) {
            browsers[direction] = error;
          }
        }
        rotations.set(ctx, browsers);
      }),
    );
    keys = { key: NEW_KEY, fallbacks: [OLD_KEY] };
    phases.push(Date.now());
    await servers.restart(keys);
    phases.push(Date.now());
    if (!servers.django) throw new Error(`Django did not restart: ${servers.djangoError?.message}`);
    djangoSide.url = servers.django.url;
    for (const ctx of contexts) {
      const server = servers.edges.get(ctx.edge);
      if (server.error) throw new Error(`${ctx.name}: the edge did not restart: ${server.error.message}`);
      ctx.pair.edge.url = server.url;
    }
    await Promise.all(
      contexts.map(async (ctx) => {
        for (const [direction, [, reader]] of Object.entries(DIRECTIONS)) {
          await check(ctx.name, `key rotation ${direction}`, async () => {
            const browser = rotations.get(ctx)[direction];
            if (browser instanceof Error) throw browser;
            const r = ctx.pair[reader];
            assert.deepEqual((await browser.call(r, "/session")).data.cart, ["old key"], `${r.name} reads the old key's session`);
            await browser.call(r, "/cart/add", { item: "new key" }); // written back by r
            if (config.engine !== "cache") {
              const data = await store.data(browser.cookie);
              const salt = saltOf(config.engine);
              assert.ok(signedWith(data, salt, NEW_KEY), "rewritten under the new key");
              assert.ok(!signedWith(data, salt, OLD_KEY), "and not the old one");
              const verify = (key) => djangoCall("/test/verify", { token: data, salt, key }).then((a) => a.ok);
              assert.deepEqual([await verify(NEW_KEY), await verify(OLD_KEY)], [true, false], "Django agrees");
            }
            // The hash was made with the old key: each side accepts it through the
            // fallback, cycles the key and stores the new key's hash. Whoever looks first.
            const [first, second] = direction === "django→edge" ? [ctx.pair.edge, ctx.pair.django] : [ctx.pair.django, ctx.pair.edge];
            for (const side of [first, second]) {
              const who = await browser.call(side, "/whoami");
              assert.equal(who.authenticated, true, `${side.name} keeps the user logged in`);
              assert.equal(who.data._auth_user_hash, authHash(ctx.user.password, NEW_KEY), `${side.name}: the new key's hash`);
              assert.deepEqual(who.data.cart, ["old key", "new key"]);
            }
          });
        }
      }),
    );
    phases.push(Date.now());
    const spans = phases.slice(1).map((t, i) => ((t - phases[i]) / 1000).toFixed(1));
    console.log(`interop: Django ${django.label} ${config.name}: start ${spans[0]} s, scenarios ${spans[1]} s, rotation setup ${spans[2]} s, restart ${spans[3]} s, rotation ${spans[4]} s`);
  } finally {
    await servers.close();
    await redis.close();
    await db.close();
  }
}

async function runDjango(django) {
  const configs = CONFIGS.filter((config) => edgesOf(config).some((edge) => !ONLY || ONLY.test(cellName(django, config, edge))));
  if (django.notRun) {
    for (const config of configs) for (const edge of edgesOf(config)) cellOf(cellName(django, config, edge)).notRun = django.notRun;
    return;
  }
  let prepared;
  try {
    prepared = await prepareDjango(django);
  } catch (error) {
    for (const config of configs) for (const edge of edgesOf(config)) cellOf(cellName(django, config, edge)).notRun = `Django ${django.label} could not be prepared: ${error.message.split("\n")[0]}`;
    writeFileSync(failureLog, `=== Django ${django.label}: prepare\n${error.stack}\n\n`, { flag: "a" });
    return;
  }
  try {
    for (const config of configs) {
      const t0 = Date.now();
      try {
        await runConfig(django, prepared, config);
      } catch (error) {
        // Whatever stopped the configuration midway: its cells say so.
        for (const edge of edgesOf(config)) {
          const cell = cellOf(cellName(django, config, edge));
          cell.failed++;
          console.log(`FAIL ${cellName(django, config, edge)}: ${error.message.split("\n")[0]}`);
        }
        writeFileSync(failureLog, `=== Django ${django.label} ${config.name}\n${error.stack}\n\n`, { flag: "a" });
      }
      console.log(`interop: Django ${django.label} ${config.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await prepared.drop();
  }
}

/**
 * examples/django-edge's own test (the Worker in workerd in front of a
 * Django origin, cached_db on PostgreSQL and Redis), as one more cell, run
 * beside the matrix with the first Django that runs.
 */
async function runExample() {
  const django = DJANGOS.find((d) => !d.notRun);
  const name = `workerd cached_db/postgres+redis (examples/django-edge) [Django ${django?.label ?? "5.2"}]`;
  if (ONLY && !ONLY.test(name)) return;
  const cell = cellOf(name);
  if (!django) {
    cell.notRun = "no Django to run it against";
    return;
  }
  const output = await run(process.execPath, ["--test", "--test-reporter=tap", "examples/django-edge/test/"], {
    env: { ...process.env, DJANGO_PYTHON: django.python },
  }).catch((error) => error.message);
  writeFileSync(path.join(LOGS, "django-edge.tap"), output);
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
  cell.passed = count("pass");
  cell.failed = count("fail") + count("cancelled");
  for (const [, what] of output.matchAll(/^not ok \d+ - (.*)$/gm)) console.log(`FAIL ${name}: ${what}`);
  if (cell.passed + cell.failed === 0) cell.notRun = `its test did not run: ${output.trim().split("\n").slice(-3).join(" / ")}`;
}

const started = Date.now();
await Promise.all([...DJANGOS.map(runDjango), runExample()]);

let [passed, failed, limited] = [0, 0, 0];
const lines = [];
for (const [name, cell] of cells) {
  if (cell.notRun) {
    failed += 1;
    lines.push(`cell ${name}: NOT RUN (${cell.notRun})`);
    continue;
  }
  passed += cell.passed;
  failed += cell.failed;
  limited += cell.limited;
  lines.push(`cell ${name}: ${cell.passed} passed, ${cell.failed} failed${cell.limited ? `, ${cell.limited} limited` : ""}`);
}
const notes = new Set([...cells.values()].flatMap((cell) => cell.notes.map((n) => n.replace(/ (django→edge|edge→django)/, ""))));
console.log("");
if (notes.size) {
  console.log("limits (asserted, see docs/django-interop.md):");
  for (const note of notes) console.log(`  ${note}`);
}
if (failed) console.log(`failures in detail: ${failureLog}`);
console.log(`interop: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const line of lines) console.log(line);
console.log(`interop: ${passed} passed, ${failed} failed, ${limited} limited`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
// Servers a failed check left behind must not keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
