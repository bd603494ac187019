// The interop scenarios, each run in both directions where it has one:
// Django writes or acts and the edge reads or acts on it, and the reverse.
// A scenario is `(ctx, w, r) => undefined | "limited: why"`; it throws on a
// failure. `ctx` (tests/interop/matrix.mjs) holds the pair of servers, the
// configuration, the users, and the stores as seen behind both sides' backs.
import assert from "node:assert/strict";
import { BadSignature, loads, signing } from "edge-sessions";
import { Browser } from "./harness.mjs";

export const MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";
export const SESSION_SALT = "django.contrib.sessions.SessionStore"; // key salt of encode()
export const COOKIE_SALT = "django.contrib.sessions.backends.signed_cookies";
/** The salt of what an engine signs: the cookie (signed_cookies) or the row's session_data. */
export const saltOf = (engine) => (engine === "signed_cookies" ? COOKIE_SALT : SESSION_SALT);
export const DELETED = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
export const COOKIE_AGE = 1209600;
const PEAR = "poire 🍐 Zoë, ".repeat(20);

/** Who writes or acts first, and who must then read or act on it. */
export const DIRECTIONS = { "django→edge": ["django", "edge"], "edge→django": ["edge", "django"] };

/** `_auth_user_hash`: salted_hmac(key_salt, user.password, secret, algorithm="sha256").hexdigest(). */
export function authHash(password, secret) {
  const digest = signing.saltedHmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", password, secret, "sha256");
  return Buffer.from(digest).toString("hex");
}

/** login() on Django (by username) or the edge (by id, the row read from auth_user). */
export function logIn(browser, side, user) {
  return side.name === "django" ? browser.call(side, "/login", { username: user.username }) : browser.call(side, "/login", { id: user.id });
}

export function signedWith(token, salt, secretKey) {
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

const now = () => Date.now() / 1000;
/** `actual` within [lo, hi] widened by `slack` (rounding to whole seconds). */
const within = (actual, [lo, hi], what, slack = 1) =>
  assert.ok(actual >= lo - slack && actual <= hi + slack, `${what}: ${actual}, expected ${lo.toFixed(1)}..${hi.toFixed(1)} ± ${slack}`);
/** The range of f(t) for t in [t0, t1], f linear. */
const over = (f, t0, t1) => [Math.min(f(t0), f(t1)), Math.max(f(t0), f(t1))];
/**
 * The TTL left at `tc` of an entry saved in [t0, t1] for ageAt(save time)
 * seconds: timed from both ends, so a slow machine never fails a right answer.
 */
const ttlWindow = (ageAt, t0, t1) => (tc) => {
  const left = [ageAt(t0) - (tc - t0), ageAt(t1) - (tc - t1), ageAt(t0) - (t1 - t0), ageAt(t1)];
  return [Math.min(...left), Math.max(...left)];
};
const epoch = (text) => Date.parse(`${text.replace(" ", "T")}Z`) / 1000;
/** Compared without the signing second and the dates it moves (two answers may come a second apart). */
const timeless = (raw) => raw?.replace(/:[0-9A-Za-z]+:[\w-]{43}/, ":<time>:<signature>").replace(/expires=[^;]+/, "expires=<date>");

/** The shared cache entry holds Django's pickle of exactly `data`; its TTL within `ttl(now)` (ttlWindow). */
async function assertCached(ctx, sessionKey, data, what, ttl = null) {
  const { store } = ctx;
  const entry = await store.entry(sessionKey);
  assert.ok(entry, `${what}: no cache entry under ${store.cacheKey(sessionKey)}`);
  assert.equal(entry.toString("hex"), await ctx.pickled(data), `${what}: the cache entry is Django's pickle, byte for byte`);
  if (ttl !== null) {
    const left = await store.ttl(sessionKey);
    within(left, ttl(now()), `${what}: the entry's TTL`);
  }
}
const twoWeeks = () => COOKIE_AGE;

// --- session scenarios ------------------------------------------------------------------

export const scenarios = {
  async login(ctx, w, r) {
    const { user } = ctx;
    const browser = new Browser();
    await browser.call(w, "/set", { cart: ["before login"] }); // kept through login, as in Django
    const anonymous = browser.cookie;
    const t0 = now();
    const logged = await logIn(browser, w, user);
    const t1 = now();
    assert.notEqual(browser.cookie, anonymous, "login must change the session key");
    const seen = await browser.call(r, "/session");
    assert.deepEqual(seen.data, {
      cart: ["before login"],
      _auth_user_id: user.id,
      _auth_user_backend: MODEL_BACKEND,
      _auth_user_hash: authHash(user.password, ctx.keys.key),
    });
    assert.deepEqual(seen.data, logged.data);
    if (ctx.config.cache) {
      assert.equal(await ctx.store.exists(anonymous), false, `${w.name} deleted the cache entry of the key it cycled`);
      await assertCached(ctx, browser.cookie, seen.data, `${w.name}'s login`, ttlWindow(twoWeeks, t0, t1));
    }
    // Both check the hash against the password hash in auth_user (request.user, getUser).
    for (const side of [ctx.pair.django, ctx.pair.edge]) {
      const who = await browser.call(side, "/whoami");
      assert.equal(who.authenticated, true, `${side.name} sees the user logged in`);
      assert.equal(who.id, user.id, `${side.name}: the user's id`);
    }
  },

  async cart(ctx, w, r) {
    const browser = new Browser();
    let t0 = now();
    const first = await browser.call(w, "/cart/add", { item: "apple" });
    if (ctx.config.cache) await assertCached(ctx, browser.cookie, first.data, `${w.name} wrote`, ttlWindow(twoWeeks, t0, now()));
    assert.deepEqual((await browser.call(r, "/session")).data.cart, ["apple"]);
    t0 = now();
    const second = await browser.call(r, "/cart/add", { item: PEAR });
    assert.deepEqual(second.data.cart, ["apple", PEAR]);
    if (ctx.config.cache) await assertCached(ctx, browser.cookie, second.data, `${r.name} wrote`, ttlWindow(twoWeeks, t0, now()));
    if (ctx.config.engine !== "cache") {
      // Non-ASCII (\uXXXX escapes, surrogate pairs), long enough to be compressed ("." prefix).
      assert.ok((await ctx.store.data(browser.cookie)).startsWith("."), "a compressed payload in the row (the cookie)");
    }
    for (const cookie of [first.cookie, second.cookie]) {
      // Django's default cookie, from both.
      assert.deepEqual(cookie.names, ["expires", "HttpOnly", "Max-Age", "Path", "SameSite"]);
      assert.equal(cookie.maxAge, COOKIE_AGE);
    }
    assert.deepEqual((await browser.call(w, "/session")).data.cart, ["apple", PEAR], `${w.name} reads ${r.name}'s change`);
  },

  // ageAt(t): the expiry age Django's get_expiry_age() gives at t.
  "expiry: seconds": (ctx, w, r) => expiry(ctx, w, r, { seconds: 300 }, { stored: 300, ageAt: () => 300, browserClose: false, cookie: true, exact: true }),
  "expiry: date": (ctx, w, r) => {
    const at = new Date(Math.floor(Date.now() / 1000 + 3 * 86400) * 1000 + 250); // with milliseconds
    // The instant at UTC+2, as datetime.isoformat() writes it (microseconds, offset kept).
    const local = new Date(at.getTime() + 2 * 3600_000).toISOString().replace("Z", "000+02:00");
    return expiry(ctx, w, r, { date: local }, {
      stored: local, ageAt: (t) => at.getTime() / 1000 - t, browserClose: false, cookie: true, row: at.toISOString().replace("T", " ").replace("Z", "000"),
    });
  },
  "expiry: 0": (ctx, w, r) => expiry(ctx, w, r, { seconds: 0 }, { stored: 0, ageAt: twoWeeks, browserClose: true, cookie: false, exact: true }),

  async logout(ctx, w, r) {
    // Logged in on the reader, logged out on the writer.
    const browser = new Browser();
    await logIn(browser, r, ctx.user);
    assert.equal((await browser.call(r, "/whoami")).authenticated, true);
    const token = browser.cookie;
    const out = await browser.call(w, "/logout", {});
    assert.equal(out.cookie?.raw, DELETED, `${w.name} must delete the cookie as Django does`);
    assert.equal(browser.cookie, null);
    const replay = await new Browser(token).call(r, "/whoami");
    if (ctx.config.engine === "signed_cookies") {
      // Nothing server-side to delete: a copy of the cookie stays valid until it expires, as in Django.
      assert.equal(replay.authenticated, true, `${r.name} still accepts a copy of the logged-out cookie`);
      return "limited: signed_cookies: a copy of a logged-out cookie stays valid on both sides until it expires (Django's documented limit)";
    }
    assert.equal(await ctx.store.exists(token), false, "the stored session is gone");
    assert.equal(replay.authenticated, false, `${r.name} refuses the logged-out key`);
  },

  async tamper(ctx, w, r) {
    const { store, config } = ctx;
    let note;
    const kinds = config.engine === "cache" ? ["truncated entry", "entry that calls"] : ["payload", "signature"];
    for (const kind of kinds) {
      const browser = new Browser();
      await browser.call(w, "/set", { role: "user" });
      const key = browser.cookie;
      if (config.engine === "cache") {
        // Cache entries are not signed (whoever writes to the Redis writes
        // sessions, on both sides): what can be checked is that a broken
        // entry is a miss on both, and that the edge runs nothing.
        const entry = await store.entry(key);
        if (kind === "truncated entry") {
          await store.setEntry(key, entry.subarray(0, entry.length - 3));
        } else {
          // {"role": "admin"} built by calling builtins.dict(): Django's
          // unpickler imports and calls it; the edge's refuses GLOBAL/REDUCE.
          await store.setEntry(key, Buffer.from("80049528000000000000008c086275696c74696e73948c04646963749493942952948c04726f6c65948c0561646d696e94732e", "hex"));
        }
      } else {
        const forged = forgeries(await store.data(key))[kind];
        if (config.engine === "signed_cookies") {
          // The session is the cookie: the forgery is the cookie sent.
          const byReader = await new Browser(forged).call(r, "/session");
          const byWriter = await new Browser(forged).call(w, "/session");
          for (const [side, answer] of [[r, byReader], [w, byWriter]]) assert.deepEqual(answer.data, {}, `${side.name} must refuse a ${kind}`);
          assert.equal(timeless(byWriter.cookie?.raw), timeless(byReader.cookie?.raw), "the same Set-Cookie from both");
          continue;
        }
        await store.setData(key, forged);
        if (config.cache) {
          // The shared entry comes first on both sides, as in Django: the forged
          // row is read only once the entry is gone (expired, evicted; deleted here).
          for (const side of [r, w]) {
            const cached = await new Browser(key).call(side, "/session");
            assert.deepEqual(cached.data, { role: "user" }, `${side.name} serves the shared entry, not the row`);
          }
          await store.deleteEntry(key);
        }
      }
      const byReader = await new Browser(key).call(r, "/session");
      if (kind === "entry that calls") {
        // Django calls dict() and reads {"role": "admin"}; the edge refuses the entry.
        const edge = r.name === "django" ? w : r;
        const django = r.name === "django" ? r : w;
        const atEdge = await new Browser(key).call(edge, "/session");
        assert.deepEqual(atEdge.data, {}, "the edge refuses a pickle that calls");
        const atDjango = await new Browser(key).call(django, "/session");
        assert.deepEqual(atDjango.data, { role: "admin" }, "Django runs the pickle (expected: its cache trusts Redis)");
        note ??= "limited: a cache entry that calls a function (builtins.dict) is run by Django and refused by the edge";
        continue;
      }
      assert.deepEqual(byReader.data, {}, `${r.name} must refuse a ${kind}`);
      if (config.cache) await store.deleteEntry(key); // what the reader cached of it: gone, so the writer decodes the forgery itself
      const byWriter = await new Browser(key).call(w, "/session");
      assert.deepEqual(byWriter.data, {}, `${w.name} must refuse a ${kind}`);
      // Both answer alike (a refused cache entry: both delete the cookie).
      assert.equal(timeless(byWriter.cookie?.raw), timeless(byReader.cookie?.raw), "the same Set-Cookie from both");
    }
    return note;
  },

  // A password changed on Django ends every session of that user, on both
  // sides: _auth_user_hash no longer matches the password hash.
  async "password change"(ctx, w, r) {
    const user = ctx.passwordUsers[`${w.name === "django" ? "django" : "edge"}`];
    const browser = new Browser();
    await logIn(browser, w, user);
    const token = browser.cookie;
    for (const side of [ctx.pair.django, ctx.pair.edge]) assert.equal((await browser.clone().call(side, "/whoami")).authenticated, true, `${side.name} before`);
    const changed = await ctx.djangoCall("/test/password", { username: user.username, password: `changed-${Math.random()}` });
    user.password = changed.password;
    const after = await browser.call(r, "/whoami");
    assert.equal(after.authenticated, false, `${r.name} logs the user out`);
    assert.deepEqual(after.data, {}, `${r.name} flushes the session`);
    assert.equal(after.cookie?.raw, DELETED, `${r.name} deletes the cookie as Django does`);
    if (ctx.config.engine !== "signed_cookies") assert.equal(await ctx.store.exists(token), false, "the stored session is gone");
    const other = await new Browser(token).call(w, "/whoami");
    assert.equal(other.authenticated, false, `${w.name} too`);
  },
};

/**
 * set_expiry on `w`; `r` must read the same expiry and set the same cookie.
 * Every time-dependent value is checked against the window of the request
 * that made it (a loaded machine answers slowly, never wrongly).
 */
async function expiry(ctx, w, r, argument, want) {
  const { config, store } = ctx;
  const browser = new Browser();
  const timed = async (call) => {
    const t0 = now();
    const value = await call();
    return { value, t0, t1: now() };
  };
  const setting = await timed(() => browser.call(w, "/expiry", argument));
  const set = setting.value;
  const reading = await timed(() => browser.call(r, "/session"));
  const seen = reading.value;
  assert.deepEqual(seen.data._session_expiry, want.stored, "_session_expiry as Django stores it");
  assert.deepEqual(seen.data, set.data);
  if (want.exact) assert.equal(seen.expiry_age, want.ageAt(0), `${r.name} get_expiry_age()`);
  else within(seen.expiry_age, over(want.ageAt, reading.t0, reading.t1), `${r.name} get_expiry_age()`);
  assert.equal(seen.browser_close, want.browserClose, `${r.name} get_expire_at_browser_close()`);
  // Both cache the session for get_expiry_age() seconds (Django's timeout, the edge's TTL).
  if (config.cache) await assertCached(ctx, browser.cookie, set.data, `${w.name}'s set_expiry`, ttlWindow(want.ageAt, setting.t0, setting.t1));
  const rows = config.engine === "cache" || config.engine === "signed_cookies" ? null : {};
  if (rows) rows[w.name] = [await store.expireDate(browser.cookie), setting];
  const touching = await timed(() => browser.call(r, "/set", { touched: true })); // r saves: its own cookie and row
  const touched = touching.value;
  if (rows) rows[r.name] = [await store.expireDate(browser.cookie), touching];
  if (config.cache) await assertCached(ctx, browser.cookie, touched.data, `${r.name}'s save`, ttlWindow(want.ageAt, touching.t0, touching.t1));
  for (const [side, { value, t0, t1 }] of [
    [w.name, setting],
    [r.name, touching],
  ]) {
    const cookie = value.cookie;
    if (!want.cookie) {
      assert.deepEqual(cookie.names, ["HttpOnly", "Path", "SameSite"], `${side}: a browser-session cookie`);
    } else {
      assert.deepEqual(cookie.names, ["expires", "HttpOnly", "Max-Age", "Path", "SameSite"], `${side} cookie`);
      if (want.exact) assert.equal(cookie.maxAge, want.ageAt(0), `${side} Max-Age`);
      else within(cookie.maxAge, over(want.ageAt, t0, t1), `${side} Max-Age`);
      // Max-Age is whole seconds (cut), expires a whole-second date (cut again).
      const [lo, hi] = over((t) => t + want.ageAt(t), t0, t1);
      within(cookie.expires, [lo - 2, hi], `${side} expires`);
    }
  }
  for (const [side, [text, { t0, t1 }]] of Object.entries(rows ?? {})) {
    if (want.row) assert.equal(text, want.row, `${side}: expire_date`);
    else within(epoch(text), over((t) => t + want.ageAt(t), t0, t1), `${side}: expire_date`);
  }
}

// --- CSRF -----------------------------------------------------------------------------------

const tokenIn = (html) => /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];

/** Django's reason for a refused POST, as its CsrfViewMiddleware logged it (views.py records it per X-Probe). */
async function djangoReason(ctx, probe) {
  return (await ctx.djangoCall(`/test/csrf-reason/${probe}`)).reason;
}
const edgeReason = (text) => /Reason given for failure:\n\s+(.*)\n/.exec(text)?.[1] ?? null;

export const csrfScenarios = {
  // A form rendered by one side ({% csrf_token %} / csrf.getToken) posted to the other.
  async "csrf: form"(ctx, w, r) {
    const browser = new Browser();
    await logIn(browser, w, ctx.user); // rotates the CSRF secret on w, as login does
    const page = await browser.request(w, "/form");
    assert.equal(page.status, 200);
    const token = tokenIn(page.text);
    assert.equal(token?.length, 64, `${w.name} renders a masked token`);
    assert.ok(browser.jar.get("csrftoken"), `${w.name} sets the csrftoken cookie`);
    const posted = await browser.request(r, "/form", { form: { csrfmiddlewaretoken: token, note: "hi" }, headers: { origin: r.url } });
    assert.equal(posted.status, 200, `${r.name} accepts ${w.name}'s token: ${posted.text.slice(0, 300)}`);
    assert.deepEqual(posted.json, { accepted: true, note: "hi" });
    // The X-CSRFToken header works the same way.
    const header = await browser.request(r, "/form", { form: { note: "h" }, headers: { origin: r.url, "x-csrftoken": token } });
    assert.equal(header.status, 200, `${r.name} accepts it in X-CSRFToken`);
  },
};

/** Posts refused by both with the same reason (no direction: both sides get the same forged post). */
export const refusals = {
  "csrf refused: tampered token": (token) => ({ form: { csrfmiddlewaretoken: token.slice(0, 10) + (token[10] === "a" ? "b" : "a") + token.slice(11) } }),
  "csrf refused: missing token": () => ({ form: { note: "no token" } }),
  "csrf refused: no cookie": (token) => ({ form: { csrfmiddlewaretoken: token }, dropCookie: true }),
  "csrf refused: cross-origin": (token) => ({ form: { csrfmiddlewaretoken: token }, origin: "http://evil.example" }),
};

export async function refused(ctx, name) {
  const browser = new Browser();
  const token = tokenIn((await browser.request(ctx.pair.django, "/form")).text);
  const forged = refusals[name](token);
  const reasons = {};
  for (const side of [ctx.pair.django, ctx.pair.edge]) {
    const tab = browser.clone();
    if (forged.dropCookie) tab.jar.delete("csrftoken");
    const probe = `${ctx.tag}-${Math.random().toString(36).slice(2)}`;
    const answer = await tab.request(side, "/form", { form: forged.form, headers: { origin: forged.origin ?? side.url, "x-probe": probe } });
    assert.equal(answer.status, 403, `${side.name} refuses it`);
    reasons[side.name] = side.name === "django" ? await djangoReason(ctx, probe) : edgeReason(answer.text);
  }
  const [django, edge] = [reasons.django, reasons[ctx.pair.edge.name]];
  assert.ok(django, "Django logged a reason");
  assert.equal(edge, django.replace(ctx.pair.django.url, ctx.pair.edge.url), "the same reason from both");
}
