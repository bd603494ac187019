// edge-sessions/hono against Django's SessionMiddleware rules, through
// Hono's own test helper (app.request) in Node. Each rule is checked on the
// Hono app and on `Sessions.handle` with the same view, so the middleware
// cannot drift from withSession. Run: node --test tests/hono/
import assert from "node:assert/strict";
import { test } from "node:test";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { InvalidSetting, Sessions, memoryDb } from "edge-sessions";
import { sessionMiddleware } from "edge-sessions/hono";

const SECRET = "hono-middleware-test-secret";
const NOW = 1_700_000_000;
const options = (db) => ({ secretKey: SECRET, engine: "db", db, now: () => NOW });

/** The same `view(session, headers)` as a Hono app and as Sessions.handle, over two fresh stores. */
function both(view) {
  const honoDb = memoryDb();
  const app = new Hono();
  app.use(sessionMiddleware(options(honoDb)));
  app.all("*", async (c) => view(c.get("session"), honoDb));
  const handleDb = memoryDb();
  const sessions = new Sessions(options(handleDb));
  return {
    honoDb, handleDb,
    hono: (init) => app.request("http://localhost/", init),
    handle: (init) => sessions.handle(new Request("http://localhost/", init), (session) => view(session, handleDb)),
  };
}

const cookies = (response) => response.headers.getSetCookie();
/** Status and headers with the random session key blanked out. */
const shape = async (response) => ({
  status: response.status,
  setCookie: cookies(response).map((c) => c.replace(/^sessionid=[a-z0-9]{32}/, "sessionid=KEY")),
  vary: response.headers.get("vary"),
  body: await response.text(),
});

test("a modified session is saved and its cookie set, as by Sessions.handle", async () => {
  const { hono, handle, honoDb, handleDb } = both(async (session) => {
    await session.set("cart", [1, 2]);
    return new Response("ok");
  });
  const [h, w] = [await shape(await hono()), await shape(await handle())];
  assert.deepEqual(h, w);
  assert.equal(h.vary, "Cookie");
  assert.match(h.setCookie[0], /^sessionid=KEY; expires=/);
  assert.equal(honoDb.rows().length, 1);
  assert.equal(handleDb.rows().length, 1);
});

test("a session only read adds Vary: Cookie (kept beside the view's Vary) and no cookie", async () => {
  const { hono, handle } = both(async (session) => {
    await session.get("x");
    return new Response("ok", { headers: { vary: "Accept-Encoding" } });
  });
  const expected = { status: 200, setCookie: [], vary: "Accept-Encoding, Cookie", body: "ok" };
  assert.deepEqual(await shape(await hono()), expected);
  assert.deepEqual(await shape(await handle()), expected);
});

test("an untouched session leaves the response alone", async () => {
  const { hono } = both(() => new Response("plain"));
  assert.deepEqual(await shape(await hono()), { status: 200, setCookie: [], vary: null, body: "plain" });
});

test("a view's own Set-Cookie headers are kept beside the session's", async () => {
  const app = new Hono();
  app.use(sessionMiddleware(options(memoryDb())));
  app.get("/", async (c) => {
    await c.get("session").set("a", 1);
    setCookie(c, "theme", "dark");
    return c.text("ok");
  });
  const set = cookies(await app.request("/"));
  assert.equal(set.length, 2);
  assert.equal(set[0], "theme=dark; Path=/");
  assert.match(set[1], /^sessionid=[a-z0-9]{32}; /);
});

test("a 5xx response is not saved (Hono's onError answer included)", async () => {
  const db = memoryDb();
  const app = new Hono();
  app.use(sessionMiddleware(options(db)));
  app.onError((error, c) => c.text(`failed: ${error.message}`, 500)); // what the middleware sees
  app.get("/throws", async (c) => {
    await c.get("session").set("a", 1);
    throw new Error("boom");
  });
  app.get("/503", async (c) => {
    await c.get("session").set("a", 1);
    return c.text("later", 503);
  });
  for (const path of ["/throws", "/503"]) {
    const response = await app.request(path);
    assert.ok(response.status >= 500, path);
    assert.deepEqual(cookies(response), [], path);
  }
  assert.deepEqual(db.rows(), []);
});

test("emptying a session deletes its row and its cookie", async () => {
  const db = memoryDb();
  const app = new Hono();
  app.use(sessionMiddleware(options(db)));
  app.get("/in", async (c) => (await c.get("session").set("user", 1), c.text("in")));
  app.get("/out", async (c) => (await c.get("session").flush(), c.text("out")));
  const key = cookies(await app.request("/in"))[0].split(/[=;]/)[1];
  const out = await app.request("/out", { headers: { cookie: `sessionid=${key}` } });
  assert.deepEqual(cookies(out), ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax']);
  assert.deepEqual(db.rows(), []);
});

test("a session deleted during the request gives 400 without the view's headers, as Sessions.handle", async () => {
  const { hono, handle, honoDb, handleDb } = both(async (session, db) => {
    await session.get("a"); // loaded; then another request logs the user out
    await db.delete(session.sessionKey);
    await session.set("a", 2);
    return new Response("ok", { headers: { "x-view": "1" } });
  });
  // The same stored session in both stores.
  for (const db of [honoDb, handleDb]) {
    const seed = new Sessions(options(db)).open();
    await seed.set("a", 1);
    await seed.save();
    db.key = seed.sessionKey;
  }
  const h = await hono({ headers: { cookie: `sessionid=${honoDb.key}` } });
  const w = await handle({ headers: { cookie: `sessionid=${handleDb.key}` } });
  assert.equal(h.headers.get("x-view"), null);
  const expected = { status: 400, setCookie: [], vary: null, body: "Bad Request (400)" };
  assert.deepEqual(await shape(h), expected);
  assert.deepEqual(await shape(w), expected);
});

test("options from the context: built once per c.env, bindings read from it", async () => {
  const calls = [];
  const app = new Hono();
  app.use(sessionMiddleware((c) => {
    calls.push(c.env.NAME);
    return { secretKey: c.env.SECRET, engine: "signed_cookies" };
  }));
  app.get("/", async (c) => (await c.get("session").set("n", c.env.NAME), c.text("ok")));
  const a = { NAME: "a", SECRET: "secret-a" };
  const b = { NAME: "b", SECRET: "secret-b" };
  await app.request("/", {}, a);
  await app.request("/", {}, a);
  const signed = cookies(await app.request("/", {}, b))[0].split(/[=;]/)[1];
  assert.deepEqual(calls, ["a", "b"]);
  // signed with b's secret: b reads it back, a does not
  const read = new Hono();
  read.use(sessionMiddleware((c) => ({ secretKey: c.env.SECRET, engine: "signed_cookies" })));
  read.get("/", async (c) => c.json(await c.get("session").get("n", null)));
  const ask = async (env) => (await read.request("/", { headers: { cookie: `sessionid=${signed}` } }, env)).json();
  assert.equal(await ask(b), "b");
  assert.equal(await ask(a), null);
});

test("bad options throw InvalidSetting when the middleware is made", () => {
  assert.throws(() => sessionMiddleware({ secretKey: "" }), InvalidSetting);
  assert.throws(() => sessionMiddleware({ secretKey: "k", cookieName: "a;b" }), InvalidSetting);
});
