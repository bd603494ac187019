// The known-good round trip run after every hostile case: it proves the wasm
// instance that just took the hostile input still works (a panic or a trap
// inside wasm would leave it poisoned for every later request). Web
// standards only, so any runtime can run it.
//
// healthCheck(lib, sentinel) exercises the signing functions, a db session
// over an async adapter through withSession with real Requests (two
// requests: set, then read back through the cookie), a signed_cookies
// session through Sessions.handle, and `sentinel`: a Sessions object built
// before any hostile case ran (old objects must keep working too).

const GOOD_SECRET = "health-check-secret";

class HealthError extends Error {
  name = "HealthError";
}

function same(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new HealthError(`health check, ${what}: expected ${e}, got ${a}`);
}

/** A memoryDb whose every method answers with a Promise (the async path). */
export function asyncMemoryDb(lib) {
  const db = lib.memoryDb();
  return Object.fromEntries(
    ["get", "exists", "insert", "update", "delete", "deleteExpired"].map((m) => [m, async (...args) => db[m](...args)]),
  );
}

/** The Sessions object the health check keeps across every case. */
export function makeSentinel(lib) {
  return new lib.Sessions({ secretKey: GOOD_SECRET, engine: "db", db: asyncMemoryDb(lib) });
}

const cookieOf = (response) => (response.headers.get("set-cookie") ?? "").split(";")[0];

export async function healthCheck(lib, sentinel) {
  // django.core.signing, compressed and not.
  const value = { ok: [1, "zoë", { n: 2 ** 53 - 1 }], s: "x".repeat(200) };
  for (const compress of [false, true]) {
    const token = lib.dumps(value, { secretKey: GOOD_SECRET, compress });
    same(lib.loads(token, { secretKey: GOOD_SECRET, maxAge: 60 }), value, `dumps/loads (compress ${compress})`);
  }
  const signer = new lib.TimestampSigner({ key: GOOD_SECRET });
  same(signer.unsign(signer.sign("v"), { maxAge: 60 }), "v", "TimestampSigner");

  // db engine, async adapter, withSession, two real requests.
  const handler = lib.withSession(async (request, session) => {
    if (new URL(request.url).pathname === "/set") {
      await session.set("visits", (await session.get("visits", 0)) + 1);
      return new Response("set");
    }
    return new Response(String(await session.get("visits")));
  }, { secretKey: GOOD_SECRET, engine: "db", db: asyncMemoryDb(lib) });
  const first = await handler(new Request("https://health.test/set"));
  same(first.status, 200, "first request");
  const cookie = cookieOf(first);
  same(/^sessionid=[a-z0-9]{32}$/.test(cookie), true, `session cookie ${cookie}`);
  const second = await handler(new Request("https://health.test/get", { headers: { cookie } }));
  same(await second.text(), "1", "value read back through the cookie");

  // signed_cookies through Sessions.handle.
  const signed = new lib.Sessions({ secretKey: GOOD_SECRET, engine: "signed_cookies" });
  const r1 = await signed.handle(new Request("https://health.test/"), async (s) => {
    await s.set("cart", [1, 2]);
    return new Response("ok");
  });
  const r2 = await signed.handle(new Request("https://health.test/", { headers: { cookie: cookieOf(r1) } }), async (s) =>
    new Response(JSON.stringify(await s.get("cart"))));
  same(await r2.text(), "[1,2]", "signed cookie read back");

  // The long-lived Sessions object.
  if (sentinel) {
    const s = sentinel.open();
    await s.set("alive", true);
    await s.save();
    const again = sentinel.open(s.sessionKey);
    same(await again.items(), [["alive", true]], "sentinel Sessions");
  }
}
