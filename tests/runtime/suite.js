// Runtime-agnostic checks of the built package: web-standard APIs only, so
// the same file runs in Node, Deno, Bun, workerd and a browser page.
// `suite(lib)` takes an imported entry point of the package and returns
// `{ name, fn }` tests: every test that applies to it. The full entry
// (`edge-sessions`) gets them all; the signed entry (`edge-sessions/signed`,
// no storage engines) the ones on signing and signed_cookies, plus its own.

export const ORACLE_KEY = "oracle-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-!@#$%^&*()";
const NOW = 1700000000;
const URL_ = "https://example.test/";

class AssertionError extends Error {
  name = "AssertionError";
}

function equal(actual, expected, what = "value") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}

function ok(condition, message) {
  if (!condition) throw new AssertionError(message);
}

/** Calls `fn` and checks it throws an instance of `cls` whose `name` is `cls`'s name. */
async function throws(fn, cls, name) {
  try {
    await fn();
  } catch (error) {
    ok(error instanceof cls, `expected ${name} (instanceof), got ${error?.name}: ${error?.message}`);
    equal(error.name, name, "error.name");
    equal(error.code, name, "error.code");
    return error;
  }
  throw new AssertionError(`expected ${name} to be thrown, nothing was`);
}

// Browsers treat Set-Cookie (in a Response) and Cookie (in a Request) as
// forbidden header names and silently drop them, so no page can see the
// session cookie through the runtime's own Request/Response. There, and only
// there, requests and responses keep their headers in a plain Headers object
// (which has no such guard), so the cookie rules are still checked.
export const FETCH_DROPS_COOKIES = !new Response(null, { headers: { "set-cookie": "a=b" } }).headers.has("set-cookie");
const unguarded = (Base) => class extends Base {
  #headers;
  constructor(input, init) {
    super(input, init);
    this.#headers = new Headers(init?.headers);
  }
  get headers() { return this.#headers; }
};
const Req = FETCH_DROPS_COOKIES ? unguarded(Request) : Request;
const Res = FETCH_DROPS_COOKIES ? unguarded(Response) : Response;

// Headers.getSetCookie() is in every target runtime; a missing one is a real failure.
const setCookies = (response) => response.headers.getSetCookie();
const sessionCookie = (response) => setCookies(response).find((c) => c.startsWith("sessionid="));
/** The Cookie request header that sends back the session cookie of `response`. */
const cookieHeader = (response) => sessionCookie(response).split(";")[0];
const get = (cookie) => new Req(URL_, cookie ? { headers: { cookie } } : {});

/** `token` with the first character of its signature changed (a whole base64 digit). */
function tamper(token) {
  const i = token.lastIndexOf(":") + 1;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** A view that increments `count` and answers with the new value. */
const counter = async (_request, session) => {
  const count = (await session.get("count", 0)) + 1;
  await session.set("count", count);
  return new Res(String(count));
};

export function suite(lib) {
  const { dumps, loads, Signer, withSession, Sessions, memoryCache } = lib;
  // The signed entry ships no storage adapters and answers synchronously.
  const signedEntry = memoryCache === undefined;
  const signed = { secretKey: ORACLE_KEY, engine: "signed_cookies", now: () => NOW };

  /** First request sets a cookie; the second sends it back and sees the value incremented. */
  async function roundTrip(options) {
    const app = withSession(counter, options);
    const first = await app(get(), {}, {});
    equal(await first.text(), "1", "first response body");
    ok(sessionCookie(first), "first response sets the session cookie");
    const second = await app(get(cookieHeader(first)), {}, {});
    equal(await second.text(), "2", "second response body (value read back and incremented)");
    return [first, second];
  }

  const tests = {
    "dumps gives Django's exact bytes for the oracle vector": () => {
      const token = dumps({}, { secretKey: ORACLE_KEY, now: NOW });
      equal(token, "e30:1r31eq:CYoVaFBiFLWCYWnIRxl8GcoO2YLlFKdLt_Rub4x2Uws", "dumps");
      equal(loads(token, { secretKey: ORACLE_KEY }), {}, "loads");
    },

    "dumps/loads round-trip nested JSON and unicode": () => {
      const value = { a: [1, 2.5, null, true], s: "héllo ✓", n: { x: "y" } };
      equal(loads(dumps(value, { secretKey: "k", compress: true }), { secretKey: "k" }), value);
    },

    "a tampered token throws BadSignature": () =>
      throws(() => loads(tamper(dumps({ a: 1 }, { secretKey: "k" })), { secretKey: "k" }),
        lib.BadSignature, "BadSignature"),

    "an old token throws SignatureExpired, which is a BadSignature": async () => {
      const token = dumps("v", { secretKey: "k", now: 1000 });
      const error = await throws(() => loads(token, { secretKey: "k", maxAge: 10, now: 1011 }),
        lib.SignatureExpired, "SignatureExpired");
      ok(error instanceof lib.BadSignature && error instanceof lib.EdgeSessionsError, "SignatureExpired extends BadSignature");
      equal(loads(token, { secretKey: "k", maxAge: 10, now: 1010 }), "v", "loads within maxAge");
    },

    "fallback keys verify tokens signed with an older key": async () => {
      const token = dumps([1, "two"], { secretKey: "old" });
      equal(loads(token, { secretKey: "new", fallbackKeys: ["old"] }), [1, "two"]);
      await throws(() => loads(token, { secretKey: "new" }), lib.BadSignature, "BadSignature");
      const signer = new Signer({ key: "new", fallbackKeys: ["old"] });
      equal(signer.unsign(new Signer({ key: "old" }).sign("x")), "x", "Signer fallback");
    },

    "signed_cookies session: cookie set, then read back and incremented": () => roundTrip(signed),

    "Set-Cookie has Django's exact format": async () => {
      const app = withSession(async (_r, session) => {
        await session.set("hello", "world");
        return new Res("ok");
      }, signed);
      const response = await app(get(), {}, {});
      equal(setCookies(response), ["sessionid=eyJoZWxsbyI6IndvcmxkIn0:1r31eq:9O8XJS3_K71kr5-UJHk-OGasVGTmMDLxmj5iQlIx4X8; " +
        "expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"], "Set-Cookie");
    },

    "Vary: Cookie only when the session was accessed": async () => {
      const reads = await withSession(async (_r, session) => new Res(String(await session.has("x"))), signed)(get(), {}, {});
      equal(reads.headers.get("vary"), "Cookie", "Vary after a read");
      equal(setCookies(reads), [], "no Set-Cookie for an unmodified session");
      const ignores = await withSession(() => new Res("plain", { headers: { vary: "Accept" } }), signed)(get(), {}, {});
      equal(ignores.headers.get("vary"), "Accept", "Vary untouched when not accessed");
    },

    "a 5xx response does not save the session": async () => {
      const app = withSession(async (request, session) => {
        await session.set("a", 1);
        return new Res("", { status: Number(new URL(request.url).searchParams.get("status")) });
      }, signed);
      const saved = await app(new Req(`${URL_}?status=200`), {}, {});
      equal(setCookies(saved).length, 1, "Set-Cookie on a 200");
      const failed = await app(new Req(`${URL_}?status=500`), {}, {});
      equal(failed.status, 500, "status");
      equal(setCookies(failed), [], "Set-Cookie on a 5xx");
    },

    "a flushed session deletes the cookie": async () => {
      const [first] = await roundTrip(signed);
      const app = withSession(async (_r, session) => {
        await session.flush();
        return new Res("bye");
      }, signed);
      const response = await app(get(cookieHeader(first)), {}, {});
      equal(setCookies(response), ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'], "Set-Cookie");
    },

    "the handler's own Set-Cookie header is kept": async () => {
      const app = withSession(async (request, session) => {
        await counter(request, session);
        return new Res("ok", { headers: { "set-cookie": "theme=dark; Path=/" } });
      }, signed);
      const cookies = setCookies(await app(get(), {}, {}));
      equal(cookies.length, 2, "Set-Cookie count");
      equal(cookies[0], "theme=dark; Path=/", "handler's cookie first");
      ok(cookies[1].startsWith("sessionid="), `session cookie appended, got ${cookies[1]}`);
    },

    "a tampered cookie gives an empty session": async () => {
      const [first] = await roundTrip(signed);
      const tampered = tamper(cookieHeader(first));
      const sessions = new Sessions(signed);
      const session = sessions.fromRequest(get(tampered));
      equal(await session.keys(), [], "keys of a tampered session");
      ok(/^BadSignature/.test(session.loadProblem), `loadProblem: ${session.loadProblem}`);
      const response = await withSession(counter, signed)(get(tampered), {}, {});
      equal(await response.text(), "1", "counter restarts");
    },

    "bad settings throw InvalidSetting at construction": async () => {
      await throws(() => new Sessions({ secretKey: "" }), lib.InvalidSetting, "InvalidSetting");
      await throws(() => new Sessions({ secretKey: "k", engine: "nope" }), lib.InvalidSetting, "InvalidSetting");
      await throws(() => new Sessions({ secretKey: "k", cookieName: "a;b" }), lib.InvalidSetting, "InvalidSetting");
      await throws(() => withSession(counter, { secretKey: "k", cookieAgeTypo: 1 }), lib.InvalidSetting, "InvalidSetting");
    },

  };

  // The storage engines: the full entry only.
  const storeTests = {
    "cache session over memoryCache: cookie set, then read back and incremented": async () => {
      const cache = memoryCache();
      const [first, second] = await roundTrip({ secretKey: ORACLE_KEY, engine: "cache", cache });
      equal(cache.size, 1, "cache entries");
      // An unchanged key: the cache engine saves in place, so no new cookie value.
      equal(cookieHeader(second), cookieHeader(first), "session key kept");
    },

    "a throwing cache adapter: empty session on load, StorageError with cause on save": async () => {
      const cause = new Error("cache down");
      const fail = () => { throw cause; };
      const cache = { get: fail, set: fail, add: async () => { throw cause; }, delete: fail };
      const session = new Sessions({ secretKey: "k", engine: "cache", cache }).open("a".repeat(32));
      // As Django's cache backend, a failed load is an empty session (and says why)...
      equal(await session.get("x", "default"), "default", "value after a failed load");
      ok(/^StorageError/.test(session.loadProblem), `loadProblem: ${session.loadProblem}`);
      // ...but a failed save is an error, carrying the adapter's own.
      await session.set("x", 1);
      const error = await throws(() => session.save(), lib.StorageError, "StorageError");
      ok(error.cause === cause, `cause is the adapter's error, got ${error.cause}`);
    },

    "session keys are 32 random chars of [a-z0-9] (crypto.getRandomValues works)": async () => {
      const sessions = new Sessions({ secretKey: "k", engine: "cache", cache: memoryCache() });
      const keys = new Set();
      for (let i = 0; i < 20; i++) {
        const session = sessions.open();
        await session.set("i", i);
        await session.save();
        ok(/^[a-z0-9]{32}$/.test(session.sessionKey), `session key: ${session.sessionKey}`);
        keys.add(session.sessionKey);
      }
      equal(keys.size, 20, "distinct keys");
    },
  };

  // The signed entry's own promises: no Promise anywhere, other engines refused.
  const signedEntryTests = {
    "the signed entry answers at once, without a Promise": () => {
      const sessions = new Sessions(signed);
      const session = sessions.open();
      const set = session.set("a", 1);
      ok(!(set instanceof Promise), "set() returned a Promise");
      equal(session.get("a"), 1, "get() after set()");
      const { setCookie } = session.processResponse(200);
      ok(/^sessionid=/.test(setCookie), `Set-Cookie: ${setCookie}`);
      equal(sessions.fromCookieHeader(`theme=dark; ${setCookie.split(";")[0]}`).get("a"), 1, "read back");
    },

    "the signed entry refuses other engines, naming the full import": async () => {
      for (const engine of ["db", "cache", "cached_db", "file"]) {
        const error = await throws(() => new Sessions({ secretKey: "k", engine }), lib.InvalidSetting, "InvalidSetting");
        ok(error.message.includes('from "edge-sessions"'), `message names the full import: ${error.message}`);
      }
    },
  };

  return Object.entries({ ...tests, ...(signedEntry ? signedEntryTests : storeTests) }).map(([name, fn]) => ({ name, fn }));
}

/** Runs every test; `{ name, ok, error }` per test, names prefixed by `entry` (for runners without their own harness). */
export async function runSuite(lib, entry = "") {
  const results = [];
  for (const { name, fn } of suite(lib)) {
    try {
      await fn();
      results.push({ name: `${entry}${name}`, ok: true });
    } catch (error) {
      results.push({ name: `${entry}${name}`, ok: false, error: `${error?.name}: ${error?.message}` });
    }
  }
  return results;
}

/** `<runtime>: N passed, M failed` plus one line per failure; true when all passed and N > 0. */
export function report(runtime, results, log = console.log) {
  const passed = results.filter((r) => r.ok).length;
  for (const r of results) if (!r.ok) log(`FAIL ${runtime}: ${r.name}\n  ${r.error}`);
  log(`${runtime}: ${passed} passed, ${results.length - passed} failed`);
  return passed > 0 && passed === results.length;
}

/** The entry points the suite runs on, by import specifier. */
export const ENTRIES = ["edge-sessions", "edge-sessions/signed"];
