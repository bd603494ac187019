// Live interoperability with a real Django: every scenario in both directions
// (Django writes and the edge reads/acts, and the reverse) for each engine the
// two can share. Run through tests/interop/run.sh, which installs Django in a
// virtualenv, migrates a temporary SQLite file and creates the user.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Miniflare } from "miniflare";
import { createClient } from "redis";
import { BadSignature, loads, signing } from "edge-sessions";
import { startEdgeServer } from "../../examples/django-interop/server.mjs";
import { resolveEntry } from "../runtime/exports.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLE = join(ROOT, "examples/django-interop");
const { DB_PATH, SESSION_FILE_PATH, INTEROP_PYTHON, INTEROP_PIDFILE, INTEROP_MATRIX, INTEROP_REDIS_URL } = process.env;
const READY = Boolean(DB_PATH && SESSION_FILE_PATH && INTEROP_PYTHON);
const LOGS = READY ? dirname(DB_PATH) : "";

const OLD_KEY = "interop-old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";
const NEW_KEY = "interop-new-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba";
const USERNAME = process.env.INTEROP_USERNAME ?? "alice";
const PASSWORD = process.env.INTEROP_PASSWORD ?? "";
const MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";
const SESSION_SALT = "django.contrib.sessions.SessionStore"; // key salt of encode()
const COOKIE_SALT = "django.contrib.sessions.backends.signed_cookies";
const DELETED = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
const COOKIE_AGE = 1209600;
const PEAR = "poire 🍐 Zoë, ".repeat(20);

const ENGINES = [
  { name: "signed_cookies", engine: "signed_cookies", edge: "node" },
  { name: "db", engine: "db", edge: "node" },
  { name: "file", engine: "file", edge: "node" },
  // Each side caches in its own process (Django's cache pickles): a side that
  // has the session cached does not see the other side's later writes.
  { name: "cached_db", engine: "cached_db", edge: "node", privateCaches: true },
  // One Redis for both: Django's RedisCache with a JSON serializer
  // (examples/django-interop/json_cache.py), the edge's redisCache(client,
  // { prefix: ":1:" }). Nothing is private any more.
  { name: "cached_db+redis", engine: "cached_db", edge: "node", sharedCache: true },
  { name: "signed_cookies (workerd)", engine: "signed_cookies", edge: "workerd" },
];
const SCENARIOS = ["login", "cart", "expiry: seconds", "expiry: date", "expiry: 0", "logout", "tamper", "key rotation"];
// Who writes or acts first, and who must then read or act on it.
const DIRECTIONS = { "django→edge": ["django", "edge"], "edge→django": ["edge", "django"] };

// --- servers -------------------------------------------------------------------

const children = new Set();
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => resolve(clearTimeout(kill)));
    child.kill("SIGTERM");
  }).finally(() => children.delete(child));
}

/** `manage.py runserver` (a real Django process) on a free loopback port. */
async function startDjango(env) {
  const port = await freePort();
  const logFile = join(LOGS, `django-${port}.log`);
  const log = openSync(logFile, "w");
  const child = spawn(INTEROP_PYTHON, ["manage.py", "runserver", "--noreload", "--skip-checks", `127.0.0.1:${port}`], {
    cwd: EXAMPLE, env: { ...process.env, ...env, PYTHONUNBUFFERED: "1" }, stdio: ["ignore", log, log],
  });
  children.add(child);
  if (INTEROP_PIDFILE) appendFileSync(INTEROP_PIDFILE, `${child.pid}\n`); // run.sh's trap stops it too
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ;) {
    if (child.exitCode !== null) throw new Error(`Django exited:\n${readFileSync(logFile, "utf8")}`);
    if (Date.now() > deadline) throw new Error(`Django did not answer on ${url}:\n${readFileSync(logFile, "utf8")}`);
    if (await fetch(`${url}/whoami`).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, close: () => stop(child) };
}

/** worker.mjs in workerd through Miniflare (signed_cookies: nothing else is shared). */
async function startWorkerd(env) {
  const entry = resolveEntry(["workerd", "worker", "browser", "import", "default"]);
  const pkg = dirname(entry);
  const mf = new Miniflare({
    modulesRoot: ROOT,
    modules: [
      { type: "ESModule", path: join(EXAMPLE, "worker.mjs") },
      { type: "ESModule", path: join(EXAMPLE, "app.mjs") },
      // Without a bundler, workerd looks the bare name "edge-sessions" up beside
      // the importing module: a one-line module there stands in for the
      // package's "workerd" export, which wrangler would resolve.
      { type: "ESModule", path: join(EXAMPLE, "edge-sessions"), contents: `export * from ${JSON.stringify(relative(EXAMPLE, entry))};` },
      ...["api.js", "errors.js", "edge_sessions.js", "adapters/memory.js"].map((file) => ({ type: "ESModule", path: join(pkg, file) })),
      { type: "ESModule", path: entry },
      { type: "CompiledWasm", path: join(pkg, "edge_sessions_bg.wasm") },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { SECRET_KEY: env.SECRET_KEY, SECRET_KEY_FALLBACKS: env.SECRET_KEY_FALLBACKS },
    host: "127.0.0.1",
    port: await freePort(),
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  return { url, close: () => mf.dispose() };
}

/** Django and the edge for one engine under `keys`; `restart` swaps keys in place. */
async function startPair(spec, keys, pair = {}) {
  pair.django = { name: "django" };
  pair.edge = { name: spec.edge === "workerd" ? "edge (workerd)" : "edge" };
  pair.restart = async (next) => {
    await pair.close?.();
    const env = {
      DB_PATH, SESSION_FILE_PATH, SESSION_ENGINE: spec.engine,
      REDIS_URL: spec.sharedCache ? INTEROP_REDIS_URL : "", // "" overrides an inherited one: a private cache
      SECRET_KEY: next.key, SECRET_KEY_FALLBACKS: JSON.stringify(next.fallbacks ?? []),
    };
    const [django, edge] = await Promise.all([startDjango(env), spec.edge === "workerd" ? startWorkerd(env) : startEdgeServer(env)]);
    Object.assign(pair.django, django);
    Object.assign(pair.edge, edge);
    pair.keys = next;
    pair.close = () => Promise.all([django.close(), edge.close()]);
  };
  await pair.restart(keys);
  return pair;
}

// --- a browser: one cookie, sent to both servers (one site, as behind one domain) ---

function parseSetCookie(header) {
  const [pair, ...attributes] = header.trim().split("; ");
  const cookie = { raw: header.trim(), value: pair.slice(pair.indexOf("=") + 1), names: [] };
  if (cookie.value === '""') cookie.value = "";
  for (const attribute of attributes) {
    const [name, value] = attribute.split(/=(.*)/);
    cookie.names.push(name);
    if (name === "Max-Age") cookie.maxAge = Number(value);
    if (name === "expires") cookie.expires = Date.parse(value) / 1000;
  }
  return cookie;
}

class Browser {
  constructor(cookie = null) {
    this.cookie = cookie;
  }
  /** GET (no body) or POST JSON; returns the JSON answer plus the parsed Set-Cookie. */
  async call(server, path, body) {
    const headers = body ? { "content-type": "application/json" } : {};
    if (this.cookie !== null) headers.cookie = `sessionid=${this.cookie}`;
    const response = await fetch(server.url + path, { method: body ? "POST" : "GET", headers, body: body && JSON.stringify(body) });
    const text = await response.text();
    assert.equal(response.status, 200, `${server.name} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    const header = response.headers.getSetCookie().find((c) => c.trim().startsWith("sessionid="));
    const cookie = header ? parseSetCookie(header) : null;
    if (cookie) this.cookie = cookie.maxAge === 0 ? null : cookie.value;
    return { ...JSON.parse(text), cookie };
  }
}

// --- Django's data, read the way the other side would -------------------------------------

let sql; // the shared SQLite file (auth_user for the hash; django_session for raw rows)
let user; // { id, password } from auth_user

/**
 * `_auth_user_hash`: Django's `salted_hmac(key_salt, user.password, secret,
 * algorithm="sha256").hexdigest()`. Computable only with the password hash.
 */
function authHash(secret) {
  const digest = signing.saltedHmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", user.password, secret, "sha256");
  return Buffer.from(digest).toString("hex");
}

/** Django's login() on Django (a password) or the edge (id, backend and hash). */
function logIn(browser, side, secret) {
  return side.name === "django"
    ? browser.call(side, "/login", { username: USERNAME, password: PASSWORD })
    : browser.call(side, "/login", { id: String(user.id), backend: MODEL_BACKEND, hash: authHash(secret) });
}

/** What the engine stores for a session key: the cookie itself, a row's session_data, or a file. */
const stored = {
  signed_cookies: { read: (key) => key, salt: COOKIE_SALT },
  db: {
    read: (key) => sql.prepare("SELECT session_data FROM django_session WHERE session_key = ?").pluck().get(key),
    write: (key, text) => sql.prepare("UPDATE django_session SET session_data = ? WHERE session_key = ?").run(text, key),
    salt: SESSION_SALT,
  },
  file: {
    read: (key) => readFileSync(join(SESSION_FILE_PATH, `sessionid${key}`), "utf8"),
    write: (key, text) => writeFileSync(join(SESSION_FILE_PATH, `sessionid${key}`), text),
    salt: SESSION_SALT,
  },
};
stored.cached_db = stored.db;

// The shared Redis, as both sides see it: Django's make_key() is
// "<KEY_PREFIX>:<VERSION>:<key>", cached_db's key its prefix + the session key.
let redis;
const cacheKey = (sessionKey) => `:1:django.contrib.sessions.cached_db${sessionKey}`;
/** Python's json.dumps(value, separators=(",", ":")): ASCII only, the rest (and DEL) as \uXXXX. */
const pythonJson = (value) =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
/** The shared entry holds exactly `data` as both sides write it, for `ttl` seconds (± slack). */
async function assertCached(sessionKey, data, what, ttl = null, slack = 2) {
  assert.equal(await redis.get(cacheKey(sessionKey)), pythonJson(data), `${what}: the shared cache entry`);
  if (ttl !== null) near(await redis.ttl(cacheKey(sessionKey)), ttl, `${what}: the entry's TTL`, slack);
}

const expireDate = (key) => sql.prepare("SELECT expire_date FROM django_session WHERE session_key = ?").pluck().get(key);
const epoch = (sqliteText) => Date.parse(`${sqliteText.replace(" ", "T")}Z`) / 1000;

function signedWith(token, salt, secretKey) {
  try {
    loads(token, { secretKey, salt });
    return true;
  } catch (error) {
    if (error instanceof BadSignature) return false;
    throw error;
  }
}

/** Two forgeries of a signed value: a changed payload, and a changed signature whose bytes are the same. */
function forgeries(token) {
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const flip = (text, i, to) => text.slice(0, i) + to(text[i]) + text.slice(i + 1);
  const payload = flip(token, 3, (c) => (c === "A" ? "B" : "A"));
  // The 43rd base64 char of a 32-byte HMAC carries 2 unused bits: flipping one
  // decodes to the same bytes. Django compares the text, so it is refused.
  const last = token.length - 1;
  const signature = flip(token, last, (c) => B64[B64.indexOf(c) ^ 1]);
  return { payload, signature };
}

const near = (actual, expected, what, slack = 2) =>
  assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual}, expected ${expected} ± ${slack}`);

// --- the scenarios: (spec, pair, writer, reader) → "pass" | "limited: why" ---------------------

// With cached_db, `side` still has its own cached copy: assert the stale
// value, so the limit is shown (and noticed if it ever changes).
function sharedOrStale(spec, actual, fresh, stale, what) {
  if (!spec.privateCaches) return assert.deepEqual(actual, fresh, what);
  assert.deepEqual(actual, stale, `${what} (private caches: the stale copy is expected)`);
  return `limited: ${what}`;
}

const scenarios = {
  async login(spec, pair, w, r) {
    const browser = new Browser();
    await browser.call(w, "/set", { cart: ["before login"] }); // kept through login, as in Django
    const anonymous = browser.cookie;
    const logged = await logIn(browser, w, pair.keys.key);
    assert.notEqual(browser.cookie, anonymous, "login must change the session key");
    const seen = await browser.call(r, "/session");
    assert.deepEqual(seen.data, {
      cart: ["before login"], _auth_user_id: String(user.id), _auth_user_backend: MODEL_BACKEND, _auth_user_hash: authHash(pair.keys.key),
    });
    assert.deepEqual(seen.data, logged.data);
    if (spec.sharedCache) {
      assert.equal(await redis.exists(cacheKey(anonymous)), 0, `${w.name} deleted the entry of the key it cycled`);
      await assertCached(browser.cookie, seen.data, `${w.name}'s login`, COOKIE_AGE);
    }
    // Django's request.user checks the hash against the user's password hash.
    const who = await browser.call(pair.django, "/whoami");
    assert.equal(who.authenticated, true);
    assert.equal(who.username, USERNAME);
    assert.equal((await browser.call(pair.edge, "/whoami")).id, String(user.id));
  },

  async cart(spec, pair, w, r) {
    const browser = new Browser();
    const first = await browser.call(w, "/cart/add", { item: "apple" });
    if (spec.sharedCache) await assertCached(browser.cookie, first.data, `${w.name} wrote`, COOKIE_AGE);
    assert.deepEqual((await browser.call(r, "/session")).data.cart, ["apple"]);
    const second = await browser.call(r, "/cart/add", { item: PEAR });
    assert.deepEqual(second.data.cart, ["apple", PEAR]);
    // The same text from both: \uXXXX escapes, surrogate pairs, compact separators.
    if (spec.sharedCache) await assertCached(browser.cookie, second.data, `${r.name} wrote`, COOKIE_AGE);
    // Non-ASCII (\uXXXX escapes, surrogate pairs) and long enough to be compressed ("." prefix).
    assert.ok(stored[spec.engine].read(browser.cookie).startsWith("."), "a compressed payload");
    for (const cookie of [first.cookie, second.cookie]) { // Django's default cookie, from both
      assert.deepEqual(cookie.names, ["expires", "HttpOnly", "Max-Age", "Path", "SameSite"]);
      assert.equal(cookie.maxAge, COOKIE_AGE);
    }
    const back = await browser.call(w, "/session");
    return sharedOrStale(spec, back.data.cart, ["apple", PEAR], ["apple"], `${w.name} still reads its cached cart, not ${r.name}'s change`);
  },

  "expiry: seconds": (spec, pair, w, r) => expiry(spec, w, r, { seconds: 300 }, {
    stored: 300, age: 300, browserClose: false, cookieAge: 300, rowIn: 300, exact: true,
  }),
  "expiry: date": (spec, pair, w, r) => {
    const at = new Date(Math.floor(Date.now() / 1000 + 3 * 86400) * 1000 + 250); // with milliseconds
    // The instant at UTC+2, as datetime.isoformat() writes it (microseconds, offset kept).
    const local = new Date(at.getTime() + 2 * 3600_000).toISOString().replace("Z", "000+02:00");
    const age = at.getTime() / 1000 - Date.now() / 1000;
    return expiry(spec, w, r, { date: local }, {
      stored: local, age, browserClose: false, cookieAge: age, row: at.toISOString().replace("T", " ").replace("Z", "000"),
    });
  },
  "expiry: 0": (spec, pair, w, r) => expiry(spec, w, r, { seconds: 0 }, {
    stored: 0, age: COOKIE_AGE, browserClose: true, cookieAge: null, rowIn: COOKIE_AGE, exact: true,
  }),

  async logout(spec, pair, w, r) {
    // Logged in on the reader, logged out on the writer.
    const browser = new Browser();
    await logIn(browser, r, pair.keys.key);
    assert.equal((await browser.call(r, "/whoami")).authenticated, true);
    const token = browser.cookie;
    const out = await browser.call(w, "/logout", {});
    assert.equal(out.cookie?.raw, DELETED, `${w.name} must delete the cookie as Django does`);
    assert.equal(browser.cookie, null);
    assert.equal((await browser.call(r, "/whoami")).authenticated, false);
    if (spec.sharedCache) assert.equal(await redis.exists(cacheKey(token)), 0, `${w.name} deleted the shared entry`);
    // The old cookie, replayed (another tab, a thief):
    const replay = await new Browser(token).call(r, "/whoami");
    if (spec.engine === "signed_cookies") {
      // Nothing server-side to delete: the token stays valid until it expires, as in Django.
      assert.equal(replay.authenticated, true);
      return;
    }
    return sharedOrStale(spec, replay.authenticated, false, true, `${r.name} still accepts the logged-out key from its cache`);
  },

  async tamper(spec, pair, w, r) {
    let note;
    const store = stored[spec.engine];
    for (const kind of ["payload", "signature"]) {
      const browser = new Browser();
      await browser.call(w, "/set", { role: "user" });
      const key = browser.cookie;
      const forged = forgeries(store.read(key))[kind];
      let cookie = key;
      if (store.write) store.write(key, forged);
      else cookie = forged;
      if (spec.sharedCache) {
        // The shared entry comes first on both sides, as in Django: the forged
        // row is read only once the entry is gone (expired, evicted; deleted here).
        for (const side of [r, w]) {
          const cached = await new Browser(cookie).call(side, "/session");
          assert.deepEqual(cached.data, { role: "user" }, `${side.name} serves the shared entry, not the row`);
        }
        await redis.del(cacheKey(key));
      }
      const byReader = await new Browser(cookie).call(r, "/session");
      assert.deepEqual(byReader.data, {}, `${r.name} must refuse a forged ${kind}`);
      let refused;
      if (spec.sharedCache) {
        // Gone again (what the reader cached is kept to compare), so that
        // the writer decodes the forged row itself.
        refused = await redis.get(cacheKey(key));
        await redis.del(cacheKey(key));
      }
      const byWriter = await new Browser(cookie).call(w, "/session");
      if (spec.sharedCache) assert.equal(await redis.get(cacheKey(key)), refused, "both sides cache the same after a refusal");
      const limited = sharedOrStale(spec, byWriter.data, {}, { role: "user" }, `${w.name} still serves its cached copy of the forged row`);
      note ??= limited;
      // Both answer alike (signed_cookies: both delete the cookie).
      // Compared without the signing second and the dates it moves (the two
      // answers may come a second apart on a loaded machine).
      const timeless = (raw) => raw?.replace(/:[0-9A-Za-z]+:[\w-]{43}/, ":<time>:<signature>").replace(/expires=[^;]+/, "expires=<date>");
      if (!spec.privateCaches) assert.equal(timeless(byWriter.cookie?.raw), timeless(byReader.cookie?.raw));
    }
    return note;
  },
};

/** set_expiry on `w`; `r` must read the same expiry and set the same cookie. */
async function expiry(spec, w, r, argument, want) {
  const browser = new Browser();
  const set = await browser.call(w, "/expiry", argument);
  const seen = await browser.call(r, "/session");
  assert.deepEqual(seen.data._session_expiry, want.stored, "_session_expiry as Django stores it");
  assert.deepEqual(seen.data, set.data);
  near(seen.expiry_age, want.age, `${r.name} get_expiry_age()`, want.exact ? 0 : 2);
  assert.equal(seen.browser_close, want.browserClose, `${r.name} get_expire_at_browser_close()`);
  // Both cache the session for get_expiry_age() seconds (Django's timeout, the edge's TTL).
  if (spec.sharedCache) await assertCached(browser.cookie, set.data, `${w.name}'s set_expiry`, want.age);
  const rowAfter = {};
  if (spec.engine.endsWith("db")) rowAfter[w.name] = expireDate(browser.cookie);
  const touched = await browser.call(r, "/set", { touched: true }); // r saves: its own cookie and row
  if (spec.engine.endsWith("db")) rowAfter[r.name] = expireDate(browser.cookie);
  if (spec.sharedCache) await assertCached(browser.cookie, touched.data, `${r.name}'s save`, want.age);
  for (const [side, cookie] of [[w.name, set.cookie], [r.name, touched.cookie]]) {
    if (want.cookieAge === null) {
      assert.deepEqual(cookie.names, ["HttpOnly", "Path", "SameSite"], `${side}: a browser-session cookie`);
    } else {
      assert.deepEqual(cookie.names, ["expires", "HttpOnly", "Max-Age", "Path", "SameSite"], `${side} cookie`);
      near(cookie.maxAge, want.cookieAge, `${side} Max-Age`, want.exact ? 0 : 2);
      near(cookie.expires, Date.now() / 1000 + want.cookieAge, `${side} expires`);
    }
  }
  for (const [side, text] of Object.entries(rowAfter)) {
    if (want.row) assert.equal(text, want.row, `${side}: expire_date`);
    else near(epoch(text), Date.now() / 1000 + want.rowIn, `${side}: expire_date`, 3);
  }
}

// --- the matrix ------------------------------------------------------------------

const matrix = new Map(); // "scenario|engine|direction" → "pass" | "limited: ..." | "FAIL"

function cell(spec, scenario, direction, pair, run) {
  test(`${scenario} ${direction}`, async () => {
    const [writer, reader] = DIRECTIONS[direction].map((side) => pair[side]);
    const at = `${scenario}|${spec.name}|${direction}`;
    matrix.set(at, "FAIL");
    matrix.set(at, (await run(spec, pair, writer, reader)) ?? "pass");
  });
}

function printMatrix() {
  const columns = ENGINES.flatMap((e) => Object.keys(DIRECTIONS).map((d) => [e.name, d]));
  const mark = (v) => (v === undefined ? "-" : v === "pass" ? "pass" : v === "FAIL" ? "FAIL" : "limited");
  const lines = ["Django interop matrix (scenario × engine × direction)", ""];
  lines.push(["scenario".padEnd(16), ...ENGINES.map((e) => e.name.padEnd(26))].join(" "));
  lines.push(["".padEnd(16), ...ENGINES.map(() => "django→edge  edge→django".padEnd(26))].join(" "));
  for (const scenario of SCENARIOS) {
    const row = columns.map(([e, d]) => mark(matrix.get(`${scenario}|${e}|${d}`)));
    lines.push([scenario.padEnd(16), ...ENGINES.map((_, i) => `${row[2 * i].padEnd(13)}${row[2 * i + 1]}`.padEnd(26))].join(" "));
  }
  const values = [...matrix.values()];
  const count = (m) => values.filter((v) => mark(v) === m).length;
  const total = SCENARIOS.length * columns.length;
  lines.push("", "limits (asserted, see docs/django-interop.md):");
  for (const [at, v] of matrix) if (v.startsWith("limited")) lines.push(`  ${at.replaceAll("|", " / ")}: ${v.slice(9)}`);
  lines.push("", `matrix: ${count("pass")} passed, ${count("FAIL")} failed, ${count("limited")} limited, ${total - values.length} not run (of ${total} cells)`);
  const text = lines.join("\n");
  if (INTEROP_MATRIX) writeFileSync(INTEROP_MATRIX, `${text}\n`);
  else console.log(text);
}

// --- the suite -----------------------------------------------------------------------

describe("Django interop", { skip: READY ? false : "run tests/interop/run.sh (it installs Django and prepares the database)" }, () => {
  before(async () => {
    sql = new Database(DB_PATH, { fileMustExist: true });
    user = sql.prepare("SELECT id, password FROM auth_user WHERE username = ?").get(USERNAME);
    assert.ok(user, `no user ${USERNAME}: run.sh creates it`);
    if (INTEROP_REDIS_URL) redis = await createClient({ url: INTEROP_REDIS_URL }).connect();
  });
  after(async () => {
    sql?.close();
    await redis?.close();
    printMatrix();
  });

  for (const spec of ENGINES) {
    const skip = spec.sharedCache && !INTEROP_REDIS_URL ? "no INTEROP_REDIS_URL (run.sh starts a Redis)" : false;
    describe(spec.name, { skip }, () => {
      const pair = {};
      before(() => startPair(spec, { key: OLD_KEY }, pair));
      after(() => pair.close?.());

      for (const scenario of SCENARIOS.filter((s) => s !== "key rotation")) {
        for (const direction of Object.keys(DIRECTIONS)) cell(spec, scenario, direction, pair, scenarios[scenario]);
      }

      // Last: the servers restart with NEW_KEY, OLD_KEY in SECRET_KEY_FALLBACKS.
      describe("key rotation", () => {
        const browsers = {};
        const store = stored[spec.engine];
        before(async () => {
          for (const [direction, [writer]] of Object.entries(DIRECTIONS)) {
            const browser = (browsers[direction] = new Browser());
            await logIn(browser, pair[writer], OLD_KEY);
            await browser.call(pair[writer], "/cart/add", { item: "old key" });
            const data = store.read(browser.cookie);
            assert.ok(signedWith(data, store.salt, OLD_KEY) && !signedWith(data, store.salt, NEW_KEY));
          }
          await pair.restart({ key: NEW_KEY, fallbacks: [OLD_KEY] });
        });
        for (const direction of Object.keys(DIRECTIONS)) {
          cell(spec, "key rotation", direction, pair, async (spec, pair, w, r) => {
            const browser = browsers[direction];
            assert.deepEqual((await browser.call(r, "/session")).data.cart, ["old key"], `${r.name} reads the old key's session`);
            await browser.call(r, "/cart/add", { item: "new key" }); // written back by r
            const data = store.read(browser.cookie);
            assert.ok(signedWith(data, store.salt, NEW_KEY), "rewritten under the new key");
            assert.ok(!signedWith(data, store.salt, OLD_KEY), "and not the old one");
            const verify = (key) => new Browser().call(pair.django, "/verify", { token: data, salt: store.salt, key }).then((a) => a.ok);
            assert.deepEqual([await verify(NEW_KEY), await verify(OLD_KEY)], [true, false], "Django agrees");
            // The hash was made with the old key: Django accepts it through the
            // fallback, cycles the key and stores the new key's hash.
            const who = await browser.call(pair.django, "/whoami");
            assert.equal(who.authenticated, true);
            assert.equal(who.data._auth_user_hash, authHash(NEW_KEY));
            const edge = await browser.call(pair.edge, "/session");
            assert.deepEqual(edge.data.cart, ["old key", "new key"]);
            assert.equal(edge.data._auth_user_hash, authHash(NEW_KEY));
          });
        }
      });
    });
  }
});
