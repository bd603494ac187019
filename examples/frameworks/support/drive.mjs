// The HTTP scenario every framework example must pass, over real requests to
// its running server: Django's cookie on the first visit, the stored data on
// the second, Vary: Cookie, a tampered cookie giving a fresh session, and
// log-out deleting the cookie.
import assert from "node:assert/strict";

/** Django's Set-Cookie for a session, attribute for attribute (default settings). */
const SESSION_COOKIE = /^sessionid=([^;]+); expires=(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/;
/** Django's `delete_cookie` for it. */
const DELETED = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
/** A 32-character key (server engines) or a signed payload `data:timestamp:signature` (signed_cookies). */
const KEY = { server: /^[a-z0-9]{32}$/, signed: /^[A-Za-z0-9_.-]+:[A-Za-z0-9]+:[A-Za-z0-9_-]{43}$/ };

const sessionCookies = (response) => response.headers.getSetCookie().filter((c) => c.startsWith("sessionid="));

/** The one session cookie of a response, checked against Django's format; its value. */
function sessionKey(response, kind) {
  const cookies = sessionCookies(response);
  assert.equal(cookies.length, 1, `one sessionid Set-Cookie, got ${JSON.stringify(response.headers.getSetCookie())}`);
  const match = cookies[0].match(SESSION_COOKIE);
  assert.ok(match, `Django's Set-Cookie attribute order: ${cookies[0]}`);
  assert.match(match[1], KEY[kind]);
  return match[1];
}

function varyCookie(response, pageVary = true) {
  if (!pageVary) {
    // Next's App Router sets its own Vary on pages (docs/frameworks.md); such
    // a page must then be one no cache keeps.
    assert.match(response.headers.get("cache-control") ?? "", /\bno-store\b/, "an uncacheable page");
    return;
  }
  const vary = (response.headers.get("vary") ?? "").split(",").map((v) => v.trim().toLowerCase());
  assert.ok(vary.includes("cookie"), `Vary: Cookie, got ${response.headers.get("vary")}`);
}

/** The visit count a page or endpoint shows: `data-visits="N"` in HTML, `{"visits":N}` in JSON. */
async function visits(response) {
  assert.equal(response.status, 200, `${response.url}: status ${response.status}`);
  const body = await response.text();
  const match = body.match(/data-visits="(\d+)"/) ?? body.match(/"visits":(\d+)/);
  assert.ok(match, `a visit count in ${body.slice(0, 400)}`);
  return Number(match[1]);
}

/**
 * Runs the scenario against `base` (`http://127.0.0.1:PORT`): `page` counts
 * visits in the session, `logout` (POST, a form) flushes it. `kind` is
 * "server" for a stored session, "signed" for signed_cookies. `pageVary`
 * false: the page's Vary is the framework's own (Next's App Router pages).
 * Answers the
 * names of the checks that passed; throws on the first that fails.
 */
export async function drive(base, { page = "/", logout = "/logout", kind = "server", pageVary = true } = {}) {
  const passed = [];
  const get = (cookie) => fetch(new URL(page, base), { headers: cookie ? { cookie: `sessionid=${cookie}` } : {}, redirect: "manual" });

  const first = await get();
  const key = sessionKey(first, kind);
  varyCookie(first, pageVary);
  assert.equal(await visits(first), 1);
  passed.push(`first visit: Django's sessionid Set-Cookie, ${pageVary ? "Vary: Cookie" : "Cache-Control: no-store"}`);

  const second = await get(key);
  varyCookie(second, pageVary);
  assert.equal(await visits(second), 2, "the stored count, read back");
  const again = sessionKey(second, kind); // modified again: Django sends the cookie again
  if (kind === "server") assert.equal(again, key, "the same session key");
  passed.push("second visit with the cookie: the stored data (visits 2)");

  const tamperedKey = again.slice(0, -1) + (again.endsWith("a") ? "b" : "a");
  const tampered = await get(tamperedKey);
  const fresh = sessionKey(tampered, kind);
  assert.notEqual(fresh, tamperedKey);
  assert.equal(await visits(tampered), 1, "a tampered cookie gives a fresh session");
  passed.push("tampered cookie: a fresh session");

  const out = await fetch(new URL(logout, base), {
    method: "POST",
    redirect: "manual",
    headers: { cookie: `sessionid=${again}`, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: "",
  });
  assert.ok(out.status < 400, `log-out answered ${out.status}: ${await out.text()}`);
  assert.deepEqual(sessionCookies(out), [DELETED], "log-out deletes the cookie as Django does");
  passed.push("log-out (flush): the cookie deleted");

  if (kind === "server") {
    assert.equal(await visits(await get(again)), 1, "the flushed session's data is gone from the store");
    passed.push("the old cookie after log-out: a fresh session");
  }
  return passed;
}
