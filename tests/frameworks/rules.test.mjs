// The SvelteKit, Astro, Fresh and Next.js integrations against Django's
// SessionMiddleware rules, with each framework's calling convention played
// by plain objects (the examples under examples/frameworks/ run the real
// frameworks). Each rule is checked through every integration and through
// `Sessions.handle` with the same view, so none can drift from withSession.
// Run: node --test tests/frameworks/
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidSetting, Sessions, memoryDb } from "edge-sessions";
import { sessionHandle } from "edge-sessions/sveltekit";
import { sessionMiddleware as astroMiddleware } from "edge-sessions/astro";
import { sessionMiddleware as freshMiddleware } from "edge-sessions/fresh";
import { sessionMiddleware as nextMiddleware, withSession as nextRoute } from "edge-sessions/next";

const SECRET = "frameworks-rules-test-secret";
const NOW = 1_700_000_000;
const options = (db) => ({ secretKey: SECRET, engine: "db", db, now: () => NOW });

/**
 * `view(session, db)` behind each integration, each over its own store.
 * Answers { name: (init) => Promise<{ response, db }> }.
 */
function integrations(view) {
  const make = (wrap) => {
    const db = memoryDb();
    const call = wrap(db);
    return async (init = {}) => ({ response: await call(new Request("http://localhost/", init)), db });
  };
  return {
    "Sessions.handle": make((db) => {
      const sessions = new Sessions(options(db));
      return (request) => sessions.handle(request, (session) => view(session, db));
    }),
    sveltekit: make((db) => {
      const handle = sessionHandle(options(db));
      return (request) => {
        const event = { request, locals: {}, platform: undefined };
        return handle({ event, resolve: (e) => view(e.locals.session, db) });
      };
    }),
    astro: make((db) => {
      const onRequest = astroMiddleware(options(db));
      return (request) => {
        const context = { request, locals: {}, isPrerendered: false };
        return onRequest(context, () => view(context.locals.session, db));
      };
    }),
    fresh: make((db) => {
      const middleware = freshMiddleware(options(db));
      return (request) => {
        const ctx = { req: request, state: {}, next: () => view(ctx.state.session, db) };
        return middleware(ctx);
      };
    }),
    "next route handler": make((db) => {
      const route = nextRoute((_request, session) => view(session, db), options(db));
      return (request) => route(request, { params: Promise.resolve({}) });
    }),
    "next middleware": make((db) => {
      const middleware = nextMiddleware((_request, session) => view(session, db), options(db));
      return (request) => middleware(request, {});
    }),
  };
}

/** Status and headers with the random session key blanked out. */
const shape = async (response) => ({
  status: response.status,
  setCookie: response.headers.getSetCookie().map((c) => c.replace(/^sessionid=[a-z0-9]{32}/, "sessionid=KEY")),
  vary: response.headers.get("vary"),
  body: await response.text(),
});

/** The same shape (and stored rows) through every integration as through Sessions.handle. */
async function sameEverywhere(view, init, expected) {
  const results = {};
  for (const [name, call] of Object.entries(integrations(view))) {
    const { response, db } = await call(typeof init === "function" ? await init() : init);
    results[name] = { ...(await shape(response)), rows: db.rows().length };
  }
  for (const [name, result] of Object.entries(results)) assert.deepEqual(result, results["Sessions.handle"], name);
  if (expected) assert.deepEqual(results["Sessions.handle"], expected);
}

test("a modified session is saved and Django's cookie set", () =>
  sameEverywhere(async (session) => {
    await session.set("cart", [1, 2]);
    return new Response("ok");
  }, {}, {
    status: 200,
    setCookie: ["sessionid=KEY; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"],
    vary: "Cookie", body: "ok", rows: 1,
  }));

test("a session only read adds Vary: Cookie beside the view's, and no cookie", () =>
  sameEverywhere(async (session) => {
    await session.get("x");
    return new Response("ok", { headers: { vary: "Accept-Encoding" } });
  }, {}, { status: 200, setCookie: [], vary: "Accept-Encoding, Cookie", body: "ok", rows: 0 }));

test("an untouched session leaves the response alone", () =>
  sameEverywhere(() => new Response("plain"), {}, { status: 200, setCookie: [], vary: null, body: "plain", rows: 0 }));

test("a 5xx is not saved", () =>
  sameEverywhere(async (session) => {
    await session.set("a", 1);
    return new Response("boom", { status: 500 });
  }, {}, { status: 500, setCookie: [], vary: "Cookie", body: "boom", rows: 0 }));

test("the view's own Set-Cookie is kept beside the session's", () =>
  sameEverywhere(async (session) => {
    await session.set("a", 1);
    return new Response("ok", { headers: { "set-cookie": "theme=dark; Path=/" } });
  }, {}, {
    status: 200,
    setCookie: ["theme=dark; Path=/", "sessionid=KEY; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"],
    vary: "Cookie", body: "ok", rows: 1,
  }));

test("an emptied session's cookie is deleted", () =>
  sameEverywhere(async (session) => {
    await session.flush();
    return new Response("bye");
  }, { headers: { cookie: "sessionid=abcdefghijklmnopqrstuvwxyz012345" } }, {
    status: 200,
    setCookie: ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'],
    vary: "Cookie", body: "bye", rows: 0,
  }));

test("a session deleted by another request meanwhile gives 400", async () => {
  // Each integration's store gets a session first; the view deletes its row, then changes it.
  for (const [name, call] of Object.entries(integrations(async (session, db) => {
    if (!(await session.has("user"))) {
      await session.set("user", "ada");
      return new Response("created");
    }
    await db.delete(session.sessionKey); // another request logged out
    await session.set("user", "bob");
    return new Response("changed");
  }))) {
    const { response } = await call();
    const cookie = response.headers.getSetCookie()[0].split(";")[0];
    const { response: second } = await call({ headers: { cookie } });
    assert.equal(second.status, 400, name);
    assert.equal(await second.text(), "Bad Request (400)", name);
  }
});

test("immutable response headers (Response.redirect) are copied, not refused", async () => {
  assert.throws(() => Response.redirect("http://localhost/next", 302).headers.set("x", "1"), TypeError);
  await sameEverywhere(async (session) => {
    await session.set("a", 1);
    return Response.redirect("http://localhost/next", 302);
  }, {}, {
    status: 302,
    setCookie: ["sessionid=KEY; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"],
    vary: "Cookie", body: "", rows: 1,
  });
});

test("options: an object is checked at once; a function once per env (SvelteKit platform.env, Astro locals.runtime.env)", async () => {
  for (const make of [sessionHandle, astroMiddleware, freshMiddleware]) {
    assert.throws(() => make({ secretKey: "" }), InvalidSetting);
  }
  assert.throws(() => nextRoute(() => new Response(), { secretKey: "" }), InvalidSetting);

  const calls = [];
  const handle = sessionHandle((event) => (calls.push(event.platform?.env?.SECRET), { secretKey: event.platform.env.SECRET, engine: "signed_cookies" }));
  const envA = { SECRET: "a" };
  const envB = { SECRET: "b" };
  for (const env of [envA, envA, envB]) {
    const event = { request: new Request("http://localhost/"), locals: {}, platform: { env } };
    await handle({ event, resolve: async (e) => (await e.locals.session.set("k", 1), new Response("ok")) });
  }
  assert.deepEqual(calls, ["a", "b"]);

  const astroCalls = [];
  const onRequest = astroMiddleware((context) => (astroCalls.push(1), { secretKey: context.locals.runtime.env.SECRET, engine: "signed_cookies" }));
  for (const env of [envA, envA]) await onRequest({ request: new Request("http://localhost/"), locals: { runtime: { env } } }, async () => new Response("ok"));
  assert.equal(astroCalls.length, 1);
});

test("a shared Sessions is used as it is", async () => {
  const db = memoryDb();
  const sessions = new Sessions(options(db));
  const route = nextRoute(async (_request, session) => (await session.set("a", 1), new Response("ok")), sessions);
  const middleware = freshMiddleware(sessions);
  await route(new Request("http://localhost/"), {});
  const ctx = { req: new Request("http://localhost/"), state: {}, next: async () => (await ctx.state.session.set("b", 2), new Response("ok")) };
  await middleware(ctx);
  assert.equal(db.rows().length, 2);
});

test("Astro: a prerendered route gets no session and an untouched response", async () => {
  const onRequest = astroMiddleware({ secretKey: SECRET, engine: "signed_cookies" });
  const context = { request: new Request("http://localhost/"), locals: {}, isPrerendered: true };
  const response = await onRequest(context, async () => new Response("static"));
  assert.equal(context.locals.session, undefined);
  assert.deepEqual(await shape(response), { status: 200, setCookie: [], vary: null, body: "static" });
});

test("Next: a middleware that answers nothing is told to answer NextResponse.next()", async () => {
  const middleware = nextMiddleware(() => undefined, { secretKey: SECRET, engine: "signed_cookies" });
  await assert.rejects(middleware(new Request("http://localhost/"), {}), /NextResponse\.next\(\)/);
});
