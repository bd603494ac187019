// Secrets never show: with a distinctive SECRET_KEY and fallback keys, every
// error we can provoke (bad signatures, expiry, bad payloads, invalid
// settings given alongside the secret, storage failures, interrupted
// sessions, ...) and every object a program may print (Sessions, Session,
// sessions.settings, Signer, TimestampSigner, withSession's handler) is
// searched for the secrets: in `message`, `stack`, `String(error)`,
// `JSON.stringify(error)`, `util.inspect` (showHidden, every level, the
// `cause` chain included), `loadProblem`, and in everything written to the
// console or stdout/stderr meanwhile. Also searched: the secrets' base64 and
// hex forms and the HMAC keys derived from them (sha256(salt + "signer" +
// secret), key material as good as the secret). The CLI (clearsessions) is
// run with the secret in its environment and arguments, failing in every
// way it can, and its output searched too.
//
//   node --test tests/hostile/secrets.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import util from "node:util";
import * as lib from "edge-sessions";

const { Sessions, withSession, dumps, loads, Signer, TimestampSigner, memoryCache, memoryDb, memoryFiles, EdgeSessionsError } = lib;

const SECRET = "Zq7-SECRET-KEY-do-not-print-4f1c9e";
const FALLBACKS = ["Old-FALLBACK-one-8b2d7a", "Old-FALLBACK-two-c3e5f0"];
const KEY = "abcdefgh12345678abcdefgh12345678";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const SALTS = [
  "django.contrib.sessions.backends.signed_cookies", "django.contrib.sessions.SessionStore", "django.core.signing",
  "django.core.signing.Signer", "django.core.signing.TimestampSigner", "custom-salt",
];

/** Every form in which a secret must not appear: the text, encodings, derived signing keys. */
const NEEDLES = (() => {
  const needles = new Map();
  for (const [label, secret] of [["SECRET_KEY", SECRET], ...FALLBACKS.map((k, i) => [`fallback ${i}`, k])]) {
    needles.set(secret, label);
    needles.set(Buffer.from(secret).toString("base64").replace(/=+$/, ""), `${label} (base64)`);
    needles.set(Buffer.from(secret).toString("base64url"), `${label} (base64url)`);
    needles.set(Buffer.from(secret).toString("hex"), `${label} (hex)`);
    // A fragment: a secret cut or wrapped in a message still shows.
    needles.set(secret.slice(4, 20), `${label} (fragment)`);
    for (const salt of SALTS) {
      const derived = createHash("sha256").update(`${salt}signer${secret}`).digest();
      needles.set(derived.toString("hex"), `${label} derived key for ${salt} (hex)`);
      needles.set(derived.toString("base64url"), `${label} derived key for ${salt} (base64url)`);
      needles.set(derived.toString("latin1"), `${label} derived key for ${salt} (raw)`);
    }
  }
  return needles;
})();

/** Fails when `text` holds any needle. */
function assertClean(text, where) {
  for (const [needle, label] of NEEDLES) {
    assert.ok(!text.includes(needle), `${label} appears in ${where}: ${JSON.stringify(text.slice(Math.max(0, text.indexOf(needle) - 80), text.indexOf(needle) + 80))}`);
  }
}

// --- console and stdout/stderr, captured for the whole file -------------------------

const written = [];
const restore = [];
before(() => {
  for (const method of ["log", "info", "warn", "error", "debug", "trace", "dir"]) {
    const original = console[method];
    console[method] = (...args) => {
      written.push(util.format(...args));
      return original.apply(console, args);
    };
    restore.push(() => { console[method] = original; });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (chunk, ...rest) {
      written.push(String(chunk));
      return original.call(this, chunk, ...rest);
    };
    restore.push(() => { stream.write = original; });
  }
});
after(() => {
  for (const undo of restore) undo();
});

// --- what is searched -------------------------------------------------------------------

/** Every printable form of an error, its own properties and its cause chain. */
function errorTexts(error) {
  const texts = [];
  const seen = new Set();
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 10 && !seen.has(e); e = e?.cause, depth++) {
    seen.add(e);
    if (typeof e !== "object" && typeof e !== "function") {
      texts.push(String(e));
      continue;
    }
    texts.push(String(e.message), String(e.stack), String(e.name), String(e.code));
    try { texts.push(String(e)); } catch { /* a hostile object: nothing to print */ }
    try { texts.push(JSON.stringify(e) ?? ""); } catch { /* cycles */ }
    for (const name of Object.getOwnPropertyNames(e)) {
      try { texts.push(typeof e[name] === "string" ? e[name] : util.inspect(e[name], { depth: 4 })); } catch { /* getter threw */ }
    }
  }
  texts.push(util.inspect(error, { showHidden: true, depth: Infinity, getters: true }));
  texts.push(util.format("%s %o %O", error, error, error));
  return texts.join("\n");
}

let provoked = 0;
/** Runs `fn`, which must fail with an edge-sessions error (or `expected`), and searches that error. */
async function provoke(what, fn, expected) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${what}: expected an error, it succeeded`);
  if (expected) assert.equal(error?.name, expected, `${what}: ${error?.name}: ${error?.message}`);
  else assert.ok(error instanceof EdgeSessionsError, `${what}: not an edge-sessions error: ${error?.name}: ${error?.message}`);
  assertClean(errorTexts(error), `${what} (${error?.name}: ${error?.message})`);
  provoked++;
  return error;
}

/** An object as a program might print it. */
function assertObjectClean(object, what) {
  const texts = [
    util.inspect(object, { showHidden: true, depth: Infinity, getters: true }),
    util.inspect(object),
    util.format("%s %o %O %j", object, object, object, object),
  ];
  try { texts.push(String(object)); } catch { /* no toString */ }
  try { texts.push(JSON.stringify(object) ?? ""); } catch { /* cycles */ }
  assertClean(texts.join("\n"), what);
}

const options = (extra = {}) => ({ secretKey: SECRET, secretKeyFallbacks: FALLBACKS, ...extra });
const token = (value, secretKey = SECRET, extra = {}) => dumps(value, { secretKey, ...extra });

// --- the tests ---------------------------------------------------------------------------

test("signing errors: BadSignature, SignatureExpired, BadPayload, Unserializable, InvalidSetting", async () => {
  const loadsOptions = { secretKey: SECRET, fallbackKeys: FALLBACKS };
  await provoke("loads, another key", () => loads(token({ a: 1 }, "someone-else"), loadsOptions), "BadSignature");
  await provoke("loads, tampered", () => loads(`${token({ a: 1 })}x`, loadsOptions), "BadSignature");
  await provoke("loads, no separator", () => loads("no-separator-at-all", loadsOptions), "BadSignature");
  await provoke("loads, wrong salt", () => loads(token({ a: 1 }), { ...loadsOptions, salt: "custom-salt" }), "BadSignature");
  await provoke("loads, expired", () => loads(token({ a: 1 }, SECRET, { now: 1000 }), { ...loadsOptions, maxAge: 10 }), "SignatureExpired");
  await provoke("loads, expired under a fallback key", () => loads(token({ a: 1 }, FALLBACKS[1], { now: 1000 }), { ...loadsOptions, maxAge: 10 }), "SignatureExpired");
  const signer = new TimestampSigner({ key: SECRET, fallbackKeys: FALLBACKS, salt: "django.core.signing" });
  await provoke("loads, bad payload", () => loads(signer.sign("not base64!"), loadsOptions), "BadPayload");
  await provoke("loads, zip bomb", () => loads(signer.sign(`.${Buffer.from("x").toString("base64url")}`), loadsOptions), "BadPayload");
  await provoke("dumps, a lone surrogate", () => dumps("a\ud800", { secretKey: SECRET }), "Unserializable");
  await provoke("dumps, BigInt", () => dumps(1n, { secretKey: SECRET }), "Unserializable");
  await provoke("dumps, cycle", () => { const c = {}; c.c = c; return dumps(c, { secretKey: SECRET }); }, "Unserializable");
  await provoke("loads, empty fallback", () => loads(token(1), { secretKey: SECRET, fallbackKeys: [...FALLBACKS, ""] }), "InvalidSetting");
  await provoke("loads, fallbacks not an array", () => loads(token(1), { secretKey: SECRET, fallbackKeys: FALLBACKS[0] }), "InvalidSetting");
  await provoke("loads, token not a string", () => loads(42, loadsOptions), "TypeError");
  await provoke("dumps, salt not a string", () => dumps(1, { secretKey: SECRET, salt: 5 }), "TypeError");
});

test("Signer and TimestampSigner: errors and the objects themselves", async () => {
  const signer = new Signer({ key: SECRET, fallbackKeys: FALLBACKS, salt: "custom-salt" });
  const stamper = new TimestampSigner({ key: SECRET, fallbackKeys: FALLBACKS, salt: "custom-salt" });
  assertObjectClean(signer, "a Signer");
  assertObjectClean(stamper, "a TimestampSigner");
  await provoke("Signer.unsign, bad signature", () => signer.unsign("value:AAAA"), "BadSignature");
  await provoke("Signer.unsign, another key", () => signer.unsign(new Signer({ key: "other", salt: "custom-salt" }).sign("v")), "BadSignature");
  await provoke("TimestampSigner.unsign, expired", () => stamper.unsign(stamper.sign("v", { now: 1000 }), { maxAge: 1 }), "SignatureExpired");
  await provoke("TimestampSigner.unsignObject, bad payload", () => stamper.unsignObject(stamper.sign("!!!")), "BadPayload");
  await provoke("TimestampSigner.signObject, function", () => stamper.signObject(() => 1), "Unserializable");
  await provoke("Signer, unsafe separator", () => new Signer({ key: SECRET, fallbackKeys: FALLBACKS, sep: "abc" }), "InvalidSetting");
  await provoke("Signer, empty fallback", () => new Signer({ key: SECRET, fallbackKeys: ["", ...FALLBACKS] }), "InvalidSetting");
  await provoke("TimestampSigner, empty fallback", () => new TimestampSigner({ key: SECRET, fallbackKeys: [...FALLBACKS, ""] }), "InvalidSetting");
  await provoke("Signer, key not a string", () => new Signer({ key: [SECRET] }), "InvalidSetting");
  await provoke("signing.saltedHmac, bad algorithm", () => lib.signing.saltedHmac("salt", "value", SECRET, "md5"), "InvalidSetting");
});

test("invalid settings given alongside the secret", async () => {
  const bad = [
    { bogusOption: 1 }, { secretkey: SECRET }, { SECRET_KEY: SECRET }, { cookieName: "a;b" }, { cookieAge: -1 }, { cookieAge: "60" },
    { cookieDomain: "a\r\nb" }, { cookiePath: "/;x" }, { cookieSameSite: "sometimes" }, { engine: "redis" }, { sessionClass: "a b" },
    { maxInflatedSize: 0 }, { now: "5" }, { now: Date.now() }, { storageTimeout: -1 }, { secretKeyFallbacks: [...FALLBACKS, ""] }, { secretKeyFallbacks: [SECRET, 5] },
    { secretKeyFallbacks: FALLBACKS[0] }, { engine: "db" }, { engine: "db", db: {} }, { engine: "cache", cache: { get() {} } }, { cacheX: memoryCache() },
  ];
  for (const extra of bad) {
    await provoke(`Sessions ${JSON.stringify(Object.keys(extra))}`, () => new Sessions({ ...options({ engine: "signed_cookies" }), ...extra }), "InvalidSetting");
  }
  await provoke("Sessions, secret of the wrong type", () => new Sessions({ secretKey: [SECRET], engine: "signed_cookies" }), "InvalidSetting");
  await provoke("Sessions, secret in an object", () => new Sessions({ secretKey: { value: SECRET }, engine: "signed_cookies" }), "InvalidSetting");
  await provoke("withSession, bad option", () => withSession(() => new Response(""), { ...options({ engine: "signed_cookies" }), cookieAgee: 1 }), "InvalidSetting");
  const lazy = withSession(() => new Response(""), () => ({ ...options({ engine: "signed_cookies" }), cookieName: "" }));
  await provoke("withSession(env => options), bad option", () => lazy(new Request("https://secrets.test/"), {}, {}), "InvalidSetting");
});

test("storage errors, interrupted sessions and the other session errors", async () => {
  const failing = (message) => ({ ...memoryDb(), get: () => { throw new Error(message); }, exists: () => Promise.reject(new Error(message)) });
  const db = new Sessions(options({ engine: "db", db: failing("the database is down") }));
  await provoke("db get() throws", () => db.open(KEY).get("a"), "StorageError");
  await provoke("db exists() rejects", () => db.open().exists(KEY), "StorageError");
  const slow = new Sessions(options({ engine: "db", storageTimeout: 20, db: { ...memoryDb(), get: () => new Promise(() => {}) } }));
  await provoke("db get() never answers", () => slow.open(KEY).get("a"), "StorageError");
  const garbage = new Sessions(options({ engine: "db", db: { ...memoryDb(), get: () => ({ sessionKey: "other-key-0000000", sessionData: "x", expireDate: "2999-01-01" }) } }));
  await provoke("db get() returns another key's row", () => garbage.open(KEY).get("a"), "StorageError");
  const cache = new Sessions(options({ engine: "cache", cache: { ...memoryCache(), get: () => 42 } }));
  await provoke("cache get() returns a number", () => cache.open().exists(KEY), "StorageError");
  const files = new Sessions(options({ engine: "file", files: { ...memoryFiles(), read: () => ({ content: 5 }) } }));
  await provoke("files read() returns garbage", () => files.open(KEY).get("a"), "StorageError");
  await provoke("file engine, bad key", () => new Sessions(options({ engine: "file", files: memoryFiles() })).open().exists("../../etc/passwd"), "InvalidSessionKey");

  // Sessions that loaded nothing say why, without the secret.
  const store = new Sessions(options({ engine: "db", db: memoryDb() }));
  const stored = store.open();
  await stored.set("user", 1);
  await stored.save();
  const key = stored.sessionKey;

  // SessionInterrupted, UpdateError, CreateError, KeyError, InvalidExpiry, Unserializable, SessionBusy, KeySpaceExhausted.
  const interrupted = store.open(key);
  await interrupted.set("cart", [1]);
  await store.open(key).deleteFromStore();
  await provoke("processResponse after a concurrent log-out", () => interrupted.processResponse(200), "SessionInterrupted");
  const vanished = store.open();
  await vanished.set("a", 1);
  await vanished.save();
  await store.open(vanished.sessionKey).deleteFromStore();
  await vanished.set("a", 2);
  await provoke("save of a vanished session", () => vanished.save(), "UpdateError");
  const taken = store.open();
  await taken.save();
  await provoke("save(mustCreate) over a taken key", () => store.open(taken.sessionKey).save({ mustCreate: true }), "CreateError");
  await provoke("deleteTestCookie", () => store.open().deleteTestCookie(), "KeyError");
  await provoke("setExpiry, bad date", () => store.open().setExpiry("not a date"), "InvalidExpiry");
  await provoke("set, BigInt", () => store.open().set("a", 1n), "Unserializable");
  const busy = new Sessions(options({ engine: "db", db: { ...memoryDb(), get: async () => null } })).open(KEY);
  const pending = busy.get("a");
  await provoke("an overlapping call", () => busy.get("b"), "SessionBusy");
  await pending;
  const colliding = new Sessions(options({ engine: "cache", cache: { ...memoryCache(), add: () => false } })).open();
  await colliding.set("a", 1);
  await provoke("no free key", () => colliding.save(), "KeySpaceExhausted");
});

test("loadProblem, and sessions that load nothing", async () => {
  const signed = new Sessions(options({ engine: "signed_cookies" }));
  const cookieSigner = new TimestampSigner({ key: SECRET, salt: "django.contrib.sessions.backends.signed_cookies" });
  const values = [
    "garbage-cookie-value", token({ a: 1 }, "someone-else"), cookieSigner.sign("!!!"), cookieSigner.sign(Buffer.from("[1]").toString("base64url")),
    cookieSigner.sign(Buffer.from('{"a":1}').toString("base64url"), { now: 1000 }), new TimestampSigner({ key: FALLBACKS[0], salt: "x" }).signObject({ a: 1 }),
  ];
  for (const value of values) {
    const response = await signed.handle(new Request("https://secrets.test/", { headers: { cookie: `sessionid=${value}` } }), async (session) => {
      await session.keys();
      assert.ok(session.loadProblem, `a reason for ${value}`);
      assertClean(session.loadProblem, `loadProblem for ${value}`);
      assertObjectClean(session, "a Session after a failed load");
      return new Response("ok");
    });
    assertClean(`${response.headers.get("set-cookie")}\n${response.headers.get("vary")}`, "response headers");
  }
  const db = memoryDb();
  db.insert({ sessionKey: KEY, sessionData: "corrupt-data:abc:def", expireDate: "2999-01-01 00:00:00" });
  const session = new Sessions(options({ engine: "db", db })).open(KEY);
  await session.keys();
  assertClean(String(session.loadProblem), "loadProblem of a db session");
});

test("the objects: Sessions, Session, settings, withSession's handler", async () => {
  const all = {
    db: new Sessions(options({ engine: "db", db: memoryDb() })),
    cache: new Sessions(options({ engine: "cache", cache: memoryCache() })),
    cached_db: new Sessions(options({ engine: "cached_db", cache: memoryCache(), db: memoryDb(), storageTimeout: 1000 })),
    file: new Sessions(options({ engine: "file", files: memoryFiles() })),
    signed_cookies: new Sessions(options({ engine: "signed_cookies", maxInflatedSize: 5000, sessionClass: "Custom" })),
  };
  for (const [engine, sessions] of Object.entries(all)) {
    assertObjectClean(sessions, `Sessions (${engine})`);
    assertObjectClean(sessions.settings, `sessions.settings (${engine})`);
    assert.ok(!("secretKey" in sessions.settings) && !("secretKeyFallbacks" in sessions.settings), `${engine}: secrets in settings`);
    const session = sessions.open();
    assertObjectClean(session, `a new Session (${engine})`);
    await session.set("user", 1);
    await session.save();
    assertObjectClean(session, `a saved Session (${engine})`);
    assertObjectClean(session.peek(), `peek() (${engine})`);
    const { setCookie, vary } = await sessions.open(session.sessionKey).processResponse(200);
    assertClean(`${setCookie} ${vary}`, `processResponse (${engine})`);
  }
  const handler = withSession((request, session) => new Response("x"), options({ engine: "signed_cookies" }));
  assertObjectClean(handler, "withSession's handler");
  const response = await handler(new Request("https://secrets.test/"));
  assertClean([...response.headers].join("\n"), "a response's headers");
});

test("the clearsessions CLI, failing with the secret in its environment and arguments", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "edge-sessions-secrets-"));
  const cli = path.join(ROOT, "node_modules/edge-sessions/cli.js");
  const runs = [
    ["--engine", "file", "--file-path", path.join(dir, "missing"), "--secret-key", SECRET],
    ["--engine", "file", "--file-path", dir, "--secret-key", SECRET, "--secret-key-fallback", ""],
    ["--engine", "file", "--file-path", dir, "--secret-key", `-${SECRET}`],
    ["--engine", "file", "--file-path", dir, "--secret-key", SECRET, "--cookie-age", "soon"],
    ["--engine", "file", "--file-path", dir, "--secret-key", SECRET, "--cookie-name", "a;b"],
    ["--engine", "bogus", "--secret-key", SECRET],
    ["--engine", "db", "--sqlite", path.join(dir, "missing.sqlite3"), "--secret-key", SECRET],
    ["--engine", "db", "--postgres", `postgres://user:${encodeURIComponent(SECRET)}@127.0.0.1:1/db`],
    ["--engine", "file", "--file-path", dir, "--secret-key", SECRET, "--table"],
  ];
  try {
    for (const args of runs) {
      const { code, stdout, stderr } = await new Promise((resolve) => {
        execFile(process.execPath, [cli, "clearsessions", ...args], {
          env: { ...process.env, SECRET_KEY: SECRET, DATABASE_URL: `postgres://u:${encodeURIComponent(FALLBACKS[0])}@127.0.0.1:1/x` },
          timeout: 30_000,
        }, (error, stdout, stderr) => resolve({ code: error?.code ?? 0, stdout, stderr }));
      });
      assert.notEqual(code, 0, `clearsessions ${args.join(" ")} should fail`);
      assert.ok(stderr.length > 0, "an error is printed");
      assertClean(`${stdout}\n${stderr}`, `clearsessions ${args.join(" ")}`);
      provoked++;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("nothing written to the console or stdout/stderr holds a secret", () => {
  assertClean(written.join("\n"), "console / stdout / stderr output");
  assert.ok(provoked >= 60, `only ${provoked} errors provoked`);
  console.log(`secrets: ${provoked} errors provoked and searched, ${NEEDLES.size} forms of ${1 + FALLBACKS.length} secrets, ${written.length} writes captured`);
});
