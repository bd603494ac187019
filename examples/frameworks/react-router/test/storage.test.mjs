// edge-sessions/react-router against React Router itself: the Session
// behaves as React Router's own createSession (same operations, same
// answers, flash included), `isSession` accepts it, and commitSession /
// destroySession follow Django's middleware (save only when changed,
// set_expiry from maxAge, flush on destroy, 400 for a session deleted
// meanwhile). Run: node --test examples/frameworks/react-router/test/
import assert from "node:assert/strict";
import { test } from "node:test";
import { createSession, isSession } from "react-router";
import { memoryCache, memoryDb, Sessions } from "edge-sessions";
import { createDjangoSessionStorage } from "edge-sessions/react-router";

const SECRET = "react-router-storage-test";
const cookieOf = (setCookie) => setCookie.slice(0, setCookie.indexOf(";"));

test("the Session answers as React Router's createSession, flash included", async () => {
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "cache", cache: memoryCache() });
  const ours = await storage.getSession(null);
  const theirs = createSession();
  assert.ok(isSession(ours));
  const answers = (s) => [
    s.set("a", 1), s.set("b", { x: [1, 2] }), s.flash("msg", "hi"), s.has("msg"), s.has("zzz"),
    s.get("msg"), s.has("msg"), s.get("msg"), s.unset("a"), s.get("a"), s.get("b"), s.unset("nothing"), s.data,
  ];
  assert.deepEqual(answers(ours), answers(theirs));
  assert.equal(ours.id, "");
});

test("commit writes the Django dict; a flash survives one commit and goes when read", async () => {
  const cache = memoryCache();
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "cache", cache });
  const first = await storage.getSession(undefined);
  first.set("user", "ada");
  first.flash("notice", "saved");
  const setCookie = await storage.commitSession(first);
  assert.match(setCookie, /^sessionid=[a-z0-9]{32}; expires=.*; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
  assert.equal(first.id, cookieOf(setCookie).slice("sessionid=".length));
  // What Django would read from the store:
  const sessions = new Sessions({ secretKey: SECRET, engine: "cache", cache });
  assert.deepEqual(await sessions.open(first.id).items(), [["user", "ada"], ["__flash_notice__", "saved"]]);

  const second = await storage.getSession(cookieOf(setCookie));
  assert.equal(second.get("notice"), "saved");
  await storage.commitSession(second);
  assert.deepEqual(await sessions.open(first.id).items(), [["user", "ada"]]);
});

test("an unchanged session: no save, no cookie (\"\"), but Vary: Cookie in commitHeaders", async () => {
  const db = memoryDb();
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "db", db });
  const session = await storage.getSession(null);
  session.set("user", "ada");
  const cookie = cookieOf(await storage.commitSession(session));
  const [row] = db.rows();
  const unchanged = await storage.getSession(cookie);
  assert.equal(unchanged.get("user"), "ada");
  assert.equal(await storage.commitSession(unchanged), "");
  assert.deepEqual(db.rows(), [row], "not saved again");
  const headers = await storage.commitHeaders(await storage.getSession(cookie));
  assert.deepEqual([...headers], [["vary", "Cookie"]]);
});

test("a cookie naming no stored session: Django deletes it (the session is empty)", async () => {
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "db", db: memoryDb() });
  const unknown = await storage.getSession("sessionid=doesnotexistdoesnotexist12345678");
  assert.deepEqual(unknown.data, {});
  assert.equal(await storage.commitSession(unknown), 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
});

test("maxAge and expires are Django's set_expiry; other cookie options are refused", async () => {
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "signed_cookies" });
  const session = await storage.getSession(null);
  session.set("n", 1);
  assert.match(await storage.commitSession(session, { maxAge: 60 }), /; Max-Age=60; Path=\/;/);
  const again = await storage.getSession(null);
  again.set("n", 2);
  await assert.rejects(storage.commitSession(again, { domain: "example.com" }), /cookieDomain/);
});

test("destroySession is flush(): the stored copy goes and the cookie is deleted", async () => {
  const db = memoryDb();
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "db", db });
  const session = await storage.getSession(null);
  session.set("user", "ada");
  const cookie = cookieOf(await storage.commitSession(session));
  assert.equal(db.rows().length, 1);
  const deleted = await storage.destroySession(await storage.getSession(cookie));
  assert.equal(deleted, 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
  assert.equal(db.rows().length, 0);
});

test("a session deleted by another request meanwhile: a 400 Response is thrown, as Django answers", async () => {
  const db = memoryDb();
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "db", db });
  const session = await storage.getSession(null);
  session.set("user", "ada");
  const cookie = cookieOf(await storage.commitSession(session));
  const loaded = await storage.getSession(cookie);
  await db.delete(loaded.id); // another request logged out
  loaded.set("user", "bob");
  const thrown = await storage.commitSession(loaded).then(() => null, (error) => error);
  assert.ok(thrown instanceof Response);
  assert.equal(thrown.status, 400);
});

test("a second commit of the same session reopens it by key", async () => {
  const cache = memoryCache();
  const storage = createDjangoSessionStorage({ secretKey: SECRET, engine: "cache", cache });
  const session = await storage.getSession(null);
  session.set("a", 1);
  const key = cookieOf(await storage.commitSession(session)).slice("sessionid=".length);
  session.set("b", 2);
  await storage.commitSession(session);
  assert.equal(session.id, key);
  const sessions = new Sessions({ secretKey: SECRET, engine: "cache", cache });
  assert.deepEqual(await sessions.open(key).items(), [["a", 1], ["b", 2]]);
});
