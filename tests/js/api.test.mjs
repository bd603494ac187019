// The JS API over the built package (pkg/), under node:test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  dumps, loads, Signer, TimestampSigner, signing, Sessions, withSession, memoryCache, memoryDb,
  BadSignature, SignatureExpired, InvalidSetting, StorageError, EdgeSessionsError, KeyError,
} from "../../pkg/node.js";

const vectors = JSON.parse(readFileSync(new URL("../fixtures/vectors.json", import.meta.url)));
const SECRET = vectors.meta.settings.SECRET_KEY;
const NOW = vectors.meta.NOW;

test("dumps gives Django's bytes and loads reads them", () => {
  const v = vectors.signing_dumps.find((v) => !v.compress && v.salt === "django.core.signing");
  assert.equal(dumps(v.obj, { secretKey: v.key, salt: v.salt, now: v.now }), v.expected);
  assert.deepEqual(loads(v.expected, { secretKey: v.key, salt: v.salt, now: v.now }), v.obj);
});

test("loads refuses a tampered token with BadSignature, an old one with SignatureExpired", () => {
  const token = dumps({ a: 1 }, { secretKey: "k", now: 1000 });
  assert.throws(() => loads(token.slice(0, -1) + "x", { secretKey: "k" }), (e) =>
    e instanceof BadSignature && e.name === "BadSignature" && e.code === "BadSignature");
  assert.throws(() => loads(token, { secretKey: "k", maxAge: 10, now: 1011 }), (e) =>
    e instanceof SignatureExpired && e instanceof BadSignature && e.name === "SignatureExpired");
  assert.deepEqual(loads(token, { secretKey: "k", maxAge: 10, now: 1010 }), { a: 1 });
});

test("loads accepts a token signed with a fallback key", () => {
  const token = dumps([1, "two"], { secretKey: "old", salt: "s" });
  assert.deepEqual(loads(token, { secretKey: "new", fallbackKeys: ["old"], salt: "s" }), [1, "two"]);
  assert.throws(() => loads(token, { secretKey: "new", salt: "s" }), BadSignature);
});

test("an empty secret is refused rather than used", () => {
  assert.throws(() => dumps({}, { secretKey: "" }), InvalidSetting);
  assert.throws(() => loads("x", { secretKey: "k", fallbackKeys: [""] }), InvalidSetting);
  assert.throws(() => dumps({}, {}), InvalidSetting);
});

test("Signer and TimestampSigner match Django's vectors", () => {
  for (const v of vectors.primitives.signer.filter((v) => v.algorithm_used === "sha256")) {
    const s = new Signer({ key: v.key_used, salt: v.salt_used, sep: v.sep_used });
    assert.equal(s.sign(v.value), v.signed);
    assert.equal(s.unsign(v.signed), v.value);
  }
  const ts = new TimestampSigner({ key: "k" });
  const signed = ts.sign("hello", { now: 100 });
  assert.equal(ts.unsign(signed, { now: 200 }), "hello");
  assert.throws(() => ts.unsign(signed, { maxAge: 50, now: 200 }), SignatureExpired);
  assert.deepEqual(ts.unsignObject(ts.signObject({ x: [1] }, { compress: true })), { x: [1] });
});

test("the encoding primitives", () => {
  assert.equal(signing.b62Encode(1700000000), "1r31eq");
  assert.equal(signing.b62Decode("1r31eq"), 1700000000n);
  assert.equal(signing.b64Encode(new TextEncoder().encode("hi?")), "aGk_");
  assert.deepEqual([...signing.b64Decode("aGk_")], [104, 105, 63]);
  assert.equal(signing.base64Hmac("salt", "value", "key", "sha256").length, 43);
});

test("invalid settings throw InvalidSetting at construction", () => {
  const bad = [
    { secretKey: "" },
    { secretKey: "k", cookieSameSite: "sideways" },
    { secretKey: "k", cookiePath: "/a;b" },
    { secretKey: "k", cookieAgee: 10 },
    { secretKey: "k", cookieAge: "ten" },
    { secretKey: "k", engine: "memcached" },
    { secretKey: "k", engine: "cache" },
    { secretKey: "k", engine: "db", db: { get() {} } },
    // The clock: not a finite number of seconds in Python's range.
    { secretKey: "k", now: Number.NaN },
    { secretKey: "k", now: "1700000000" },
    { secretKey: "k", now: new Date() },
    { secretKey: "k", now: Number.POSITIVE_INFINITY },
    { secretKey: "k", now: Date.now() }, // milliseconds by mistake
    { secretKey: "k", now: -1e12 }, // before year 1
    // Non-finite numeric settings are named, not Unserializable.
    { secretKey: "k", cookieAge: Number.NaN },
    { secretKey: "k", storageTimeout: Number.POSITIVE_INFINITY },
    { secretKey: "k", storageTimeout: 0 },
  ];
  for (const options of bad) {
    assert.throws(() => new Sessions(options), InvalidSetting, JSON.stringify(options));
  }
  const s = new Sessions({ secretKey: "k", engine: "signed_cookies" });
  assert.deepEqual(s.settings, {
    engine: "signed_cookies", cookieName: "sessionid", cookieAge: 1209600, cookieDomain: null, cookieSecure: false,
    cookieHttpOnly: true, cookiePath: "/", cookieSameSite: "Lax", expireAtBrowserClose: false,
    saveEveryRequest: false, cacheFormat: "pickle", cacheKeyPrefix: "", cacheVersion: 1, detectConflicts: false,
  });
  // A function clock whose answer is not seconds fails the call, never turns expiry off.
  for (const reading of [Number.NaN, undefined, "1", new Date(), Number.POSITIVE_INFINITY, Date.now()]) {
    const bad = new Sessions({ secretKey: "k", engine: "signed_cookies", now: () => reading });
    assert.throws(() => bad.open(), TypeError, String(reading));
  }
  assert.equal(new Sessions({ secretKey: "k", engine: "signed_cookies", now: 1_700_000_000 }).open().sessionKey, null);
});

test("a session has Django's dict semantics and flags", async () => {
  const sessions = new Sessions({ secretKey: SECRET, engine: "signed_cookies", now: () => NOW });
  const s = sessions.open();
  assert.equal(s.accessed, false);
  assert.equal(s.modified, false);
  assert.equal(await s.get("missing", "dflt"), "dflt");
  assert.equal(s.accessed, true);
  assert.equal(s.modified, false);
  await s.set("cart", [1, 2]);
  await s.update({ b: true, n: 1.5 });
  assert.equal(s.modified, true);
  assert.deepEqual(await s.keys(), ["cart", "b", "n"]);
  assert.deepEqual(await s.items(), [["cart", [1, 2]], ["b", true], ["n", 1.5]]);
  assert.equal(await s.has("b"), true);
  assert.equal(await s.delete("b"), true);
  assert.equal(await s.delete("b"), false);
  assert.equal(await s.pop("n"), 1.5);
  assert.equal(await s.pop("n", 7), 7);
  assert.deepEqual(await s.setdefault("cart", "x"), [1, 2]);
  assert.equal(await s.setdefault("fresh", "v"), "v");
  assert.equal(await s.delete("fresh"), true);
  assert.equal(await s.size(), 1);
  await assert.rejects(s.deleteTestCookie(), KeyError);
  await s.setTestCookie();
  assert.equal(await s.testCookieWorked(), true);
  await s.deleteTestCookie();
  await s.save();
  const cookie = s.sessionKey;
  assert.match(cookie, /^[\w-]+:1r31eq:[\w-]{43}$/);
  const again = sessions.open(cookie);
  assert.deepEqual(await again.get("cart"), [1, 2]);
});

test("a value read from the session is a copy", async () => {
  const s = new Sessions({ secretKey: "k", engine: "signed_cookies" }).open();
  await s.set("cart", { items: [1] });
  s.modified = false;
  const cart = await s.get("cart");
  cart.items.push(2);
  assert.deepEqual(await s.get("cart"), { items: [1] });
  assert.equal(s.modified, false);
  await s.set("cart", cart);
  assert.deepEqual(await s.get("cart"), { items: [1, 2] });
});

test("expiry: seconds, dates, timedeltas and browser close", async () => {
  const s = new Sessions({ secretKey: "k", engine: "signed_cookies", now: () => NOW }).open();
  assert.equal(await s.getExpiryAge(), 1209600);
  await s.setExpiry(300);
  assert.equal(await s.getExpiryAge(), 300);
  assert.equal(await s.get("_session_expiry"), 300);
  await s.setExpiry({ seconds: 60 });
  assert.equal(await s.get("_session_expiry"), "2023-11-14T22:14:20+00:00");
  await s.setExpiry(new Date((NOW + 3600) * 1000));
  assert.equal(await s.getExpiryAge(), 3600);
  assert.equal(await s.getExpiryDate({ format: "iso" }), "2023-11-14T23:13:20+00:00");
  assert.equal((await s.getExpiryDate()).getTime(), (NOW + 3600) * 1000);
  await s.setExpiry(0);
  assert.equal(await s.getExpireAtBrowserClose(), true);
  await s.setExpiry(null);
  assert.equal(await s.has("_session_expiry"), false);
});

const request = (cookie) => new Request("https://example.com/", { headers: cookie ? { cookie } : {} });

test("withSession sets the cookie, adds Vary, keeps other headers", async () => {
  const options = { secretKey: SECRET, engine: "signed_cookies", now: () => NOW };
  const handler = withSession(async (req, session) => {
    await session.set("hello", "world");
    const headers = new Headers({ vary: "Accept-Encoding" });
    headers.append("set-cookie", "theme=dark; Path=/");
    return new Response("ok", { headers });
  }, options);
  const res = await handler(request(), {}, {});
  assert.equal(res.headers.get("vary"), "Accept-Encoding, Cookie");
  const cookies = res.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  assert.equal(cookies[0], "theme=dark; Path=/");
  const expected = vectors.middleware.find((m) => m.id === "middleware/normal_save_new_session");
  assert.equal(cookies[1], expected.expected.set_cookie_headers[0]);
  assert.equal(await res.text(), "ok");
});

test("withSession: reading only adds Vary; 5xx does not save; an emptied session deletes the cookie", async () => {
  const options = { secretKey: "k", engine: "signed_cookies" };
  const token = new Sessions(options).open();
  await token.set("a", 1);
  await token.save();
  const cookie = `sessionid=${token.sessionKey}`;

  const read = withSession(async (req, s) => new Response(String(await s.get("a"))), options);
  let res = await read(request(cookie));
  assert.equal(await res.text(), "1");
  assert.equal(res.headers.get("vary"), "Cookie");
  assert.equal(res.headers.get("set-cookie"), null);

  const failing = withSession(async (req, s) => { await s.set("b", 2); return new Response("", { status: 500 }); }, options);
  res = await failing(request(cookie));
  assert.equal(res.headers.get("set-cookie"), null);

  const logout = withSession(async (req, s) => { await s.flush(); return new Response("bye"); }, options);
  res = await logout(request(cookie));
  assert.match(res.headers.get("set-cookie"), /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; SameSite=Lax$/);
});

test("withSession: a tampered cookie gives a fresh session", async () => {
  const options = { secretKey: "k", engine: "signed_cookies" };
  const handler = withSession(async (req, s) => new Response(JSON.stringify([await s.keys(), s.loadProblem])), options);
  const forged = dumps({ admin: true }, { secretKey: "wrong", salt: "django.contrib.sessions.backends.signed_cookies" });
  const res = await handler(request(`sessionid=${forged}`));
  const [keys, problem] = await res.json();
  assert.deepEqual(keys, []);
  assert.match(problem, /^BadSignature/);
});

test("withSession takes options as a function of env", async () => {
  const handler = withSession(async (req, s, env) => {
    await s.set("who", env.NAME);
    return new Response("");
  }, (env) => ({ secretKey: env.SECRET, engine: "signed_cookies" }));
  const res = await handler(request(), { SECRET: "from-env", NAME: "x" }, {});
  const value = res.headers.get("set-cookie").split(";")[0].slice("sessionid=".length);
  assert.deepEqual(loads(value, { secretKey: "from-env", salt: "django.contrib.sessions.backends.signed_cookies" }), { who: "x" });
});

test("the cache engine over the memory adapter, end to end", async () => {
  const cache = memoryCache();
  const options = { secretKey: "k", engine: "cache", cache };
  const visit = withSession(async (req, s) => {
    const n = (await s.get("visits", 0)) + 1;
    await s.set("visits", n);
    return new Response(String(n));
  }, options);
  let res = await visit(request());
  const key = res.headers.get("set-cookie").match(/^sessionid=([a-z0-9]{32});/)[1];
  // Django's key (make_key: ":1:" + the engine's prefix) and its pickle:
  // pickle.dumps({"visits": 1}, 5).hex().
  const entry = () => Buffer.from(cache.get(`:1:django.contrib.sessions.cache${key}`)).toString("hex");
  assert.equal(entry(), "8005950f000000000000007d948c06766973697473944b01732e");
  res = await visit(request(`sessionid=${key}`));
  assert.equal(await res.text(), "2");
  assert.equal(entry(), "8005950f000000000000007d948c06766973697473944b02732e");
  // The JSON format stores Django's JSON text instead, under the same key.
  const json = memoryCache();
  const jsonVisit = withSession(async (req, s) => new Response(String(await s.set("visits", 1))), { ...options, cache: json, cacheFormat: "json" });
  const jsonKey = (await jsonVisit(request())).headers.get("set-cookie").match(/^sessionid=([a-z0-9]{32});/)[1];
  assert.equal(json.get(`:1:django.contrib.sessions.cache${jsonKey}`), '{"visits":1}');
});

test("memoryCache evicts the least recently used entry past maxEntries, and expires by TTL", () => {
  let clock = 1000;
  const bounded = memoryCache({ maxEntries: 2, now: () => clock });
  bounded.set("a", "1", 60);
  bounded.set("b", "2", 60);
  assert.equal(bounded.get("a"), "1"); // a is now more recent than b
  bounded.set("c", "3", 60);
  assert.deepEqual([bounded.get("a"), bounded.get("b"), bounded.get("c")], ["1", null, "3"]);
  bounded.set("a", "4", 60); // an update counts as a use: c is now the oldest
  bounded.set("d", "5", 60);
  assert.deepEqual([bounded.get("a"), bounded.get("c"), bounded.get("d")], ["4", null, "5"]);
  assert.equal(bounded.size, 2);

  const unbounded = memoryCache({ now: () => clock });
  for (let i = 0; i < 100; i++) unbounded.set(`k${i}`, String(i), 10);
  unbounded.set("k0", "again", 60);
  assert.equal(unbounded.size, 100);
  assert.deepEqual([unbounded.get("k0"), unbounded.get("k99")], ["again", "99"]);
  assert.equal(unbounded.add("k1", "taken", 10), false);
  clock += 30; // k1..k99 expired, k0 (60 s) still live
  assert.deepEqual([unbounded.get("k0"), unbounded.get("k99")], ["again", null]);
  assert.equal(unbounded.add("k1", "new", 10), true);
  assert.equal(unbounded.get("k1"), "new");

  for (const maxEntries of [null, 0, -1, NaN, "2"]) {
    assert.throws(() => memoryCache({ maxEntries }), InvalidSetting, String(maxEntries));
  }
});

test("a session deleted by a concurrent request gives 400", async () => {
  const cache = memoryCache();
  const sessions = new Sessions({ secretKey: "k", engine: "cache", cache });
  const s = sessions.open();
  await s.set("a", 1);
  await s.save();
  const res = await sessions.handle(request(`sessionid=${s.sessionKey}`), async (session) => {
    await session.set("a", 2);
    await sessions.open(session.sessionKey).deleteFromStore();
    return new Response("ok");
  });
  assert.equal(res.status, 400);
});

test("adapters that throw, reject or answer nonsense give StorageError with the cause", async () => {
  const boom = new Error("KV is down");
  const cases = [
    { ...memoryCache(), get() { throw boom; } },
    { ...memoryCache(), get() { return Promise.reject(boom); } },
  ];
  for (const cache of cases) {
    const s = new Sessions({ secretKey: "k", engine: "cache", cache }).open();
    await s.set("a", 1);
    const err = await s.save().then(() => null, (e) => e);
    assert.ok(err instanceof StorageError && err instanceof EdgeSessionsError, String(err));
    assert.equal(err.cause, boom);
    assert.match(err.message, /KV is down/);
  }
  const garbage = new Sessions({ secretKey: "k", engine: "cache", cache: { ...memoryCache(), get: () => 42 } });
  const err = await garbage.open("abcdefghij").exists("abcdefghij").then(() => null, (e) => e);
  assert.ok(err instanceof StorageError);
  assert.match(err.message, /returned something other than a string, a Uint8Array, an ArrayBuffer or null/);
});

test("the db engine over the memory adapter stores Django's row", async () => {
  const db = memoryDb();
  const sessions = new Sessions({ secretKey: SECRET, engine: "db", db, now: () => NOW });
  const v = vectors.storage.find((v) => v.id === "storage/db/default");
  const s = sessions.open(v.session_key);
  await s.save({ mustCreate: true }); // as Django's test does: create under the key, then fill
  await s.update(v.data);
  await s.save();
  const [row] = db.rows();
  assert.equal(row.sessionData, v.expected.session_data);
  assert.equal(row.expireDate, "2023-11-28 22:13:20");
  assert.deepEqual(await sessions.open(v.session_key).items(), Object.entries(v.data));
});

test("storageTimeout: an adapter that never answers gives StorageError, nothing is reported saved", async () => {
  const cache = memoryCache();
  const hanging = { ...cache, set: () => new Promise(() => {}), add: () => new Promise(() => {}) };
  const sessions = new Sessions({ secretKey: "k", engine: "cache", cache: hanging, storageTimeout: 50 });
  const s = sessions.open();
  await s.set("a", 1);
  const err = await s.save().then(() => null, (e) => e);
  assert.ok(err instanceof StorageError, String(err));
  assert.equal(err.cause.name, "TimeoutError");
  assert.equal(cache.size, 0);
  assert.throws(() => new Sessions({ secretKey: "k", engine: "cache", cache, storageTimeout: -1 }), InvalidSetting);
});

test("fromCookieHeader + processResponse: the middleware without Request/Response", async () => {
  const sessions = new Sessions({ secretKey: SECRET, engine: "signed_cookies", now: () => NOW });
  const s = sessions.fromCookieHeader("theme=dark");
  await s.set("hello", "world");
  const { setCookie, vary } = await s.processResponse(200, "Accept-Encoding");
  const expected = vectors.middleware.find((m) => m.id === "middleware/normal_save_new_session");
  assert.equal(setCookie, expected.expected.set_cookie_headers[0]);
  assert.equal(vary, "Accept-Encoding, Cookie");
  const again = sessions.fromCookieHeader(setCookie.split(";")[0]);
  assert.equal(await again.get("hello"), "world");
  assert.deepEqual(await again.processResponse(), { setCookie: undefined, vary: "Cookie" });
  // Vary texts outside ASCII come back whole (lengths are counted in UTF-16 units).
  const third = sessions.fromCookieHeader(setCookie.split(";")[0]);
  await third.set("n", 1);
  const answer = await third.processResponse(200, "X-é, X-😀");
  assert.equal(answer.vary, "X-é, X-😀, Cookie");
  assert.match(answer.setCookie, /^sessionid=.*; SameSite=Lax$/);
  assert.deepEqual(third.peek(), { hello: "world", n: 1 });
  // A NUL is no header's (fetch and node:http refuse it too).
  const fourth = sessions.fromCookieHeader(setCookie.split(";")[0]);
  await assert.rejects(fourth.processResponse(200, "X\0Y"), TypeError);
});

test("the middleware frees its sessions with the response; their final state stays readable", async () => {
  let kept;
  const handler = withSession(async (req, s) => {
    kept = s;
    await s.set("a", 1);
    return new Response("ok");
  }, { secretKey: "k", engine: "signed_cookies" });
  await handler(request());
  assert.match(kept.sessionKey, /^eyJhIjoxfQ:/);
  assert.deepEqual(kept.peek(), { a: 1 });
  assert.equal(kept.modified, true);
  assert.equal(kept.accessed, true);
  assert.equal(kept.isLoaded, true);
  assert.equal(kept.loadProblem, null);
  await assert.rejects(kept.get("a"), (e) => e.name === "SessionClosed");
  await assert.rejects(kept.save(), (e) => e.name === "SessionClosed");
});

test("a session released after its view threw keeps its final state too, load problem included", async () => {
  let kept;
  const handler = withSession(async (req, s) => {
    kept = s;
    await s.get("a");
    throw new Error("view failed");
  }, { secretKey: "k", engine: "signed_cookies" });
  await assert.rejects(handler(request("sessionid=tampered:1r31eq:bad")), /view failed/);
  assert.equal(kept.sessionKey, "tampered:1r31eq:bad");
  assert.equal(kept.isLoaded, true);
  assert.equal(kept.modified, true); // Django's signed_cookies load() calls create() on a bad cookie
  assert.match(kept.loadProblem, /^BadSignature: /);
  assert.deepEqual(kept.peek(), {});
  await assert.rejects(kept.set("a", 1), (e) => e.name === "SessionClosed");
});
