// edge-sessions/django over the built package (pkg/, linked as
// node_modules/edge-sessions), under node:test: every vector of
// tests/fixtures/auth_vectors.json and csrf_vectors.json (real Django 5.2)
// replayed through the public API (getUser, login, logout,
// updateSessionAuthHash, csrfProtect, csrf.getToken), CSRF randomness
// injected with `randomStrings`. What a fetch Request cannot carry (a WSGI
// environ key that is not a header) goes through the package's wasm
// binding with the vector's own META instead; what the middleware can
// never reach is listed, by id, with the reason (the native tests replay
// those). Session keys are random here (the JS API draws them), so a
// cycled key is checked as a new valid key and the stored rows follow it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Sessions, memoryDb, InvalidSetting, EdgeSessionsError } from "edge-sessions";
import * as signed from "edge-sessions/signed";
import {
  getUser, login, logout, updateSessionAuthHash, csrfProtect, csrfMiddleware, csrf, DjangoException, CsrfNotProcessed,
} from "edge-sessions/django";
import { sqliteUsers } from "edge-sessions/adapters/django-users";
import * as glue from "../../pkg/edge_sessions_django.js";

const AUTH = JSON.parse(readFileSync(new URL("../fixtures/auth_vectors.json", import.meta.url)));
const CSRF = JSON.parse(readFileSync(new URL("../fixtures/csrf_vectors.json", import.meta.url)));
const MODEL = "django.contrib.auth.backends.ModelBackend";

// --- auth -----------------------------------------------------------------------------

const USERS = new Map(AUTH.users.map((u) => [u.id, { id: u.id, password: u.password, isActive: u.is_active, username: u.username }]));

/** The backend's query as Django's runs it: the row, or the import error of a module Python cannot find. */
function loadUser(id, backend) {
  const module = backend.slice(0, backend.lastIndexOf("."));
  if (module !== "django.contrib.auth.backends") {
    const error = new Error(`No module named '${module.split(".")[0]}'`);
    error.name = "ModuleNotFoundError";
    throw error;
  }
  const user = USERS.get(Number(id));
  return user ? { ...user } : null;
}

function authSettings(v) {
  const base = AUTH.meta.settings;
  const s = { ...base, ...v.settings };
  return { secretKey: s.SECRET_KEY, secretKeyFallbacks: s.SECRET_KEY_FALLBACKS, backends: s.AUTHENTICATION_BACKENDS ?? [MODEL] };
}

/** A db-engine Sessions over an in-memory django_session table, at the vectors' clock. */
function sessionsOf({ secretKey, secretKeyFallbacks, cookieDomain }) {
  const db = memoryDb();
  const sessions = new Sessions({ secretKey, secretKeyFallbacks, engine: "db", db, now: AUTH.meta.NOW, ...(cookieDomain === undefined ? {} : { cookieDomain }) });
  return { db, sessions };
}

/** A stored session holding `data` (the vector's session_before); its key, or null. */
async function seed(sessions, data) {
  if (data === null || data === undefined) return null;
  const s = sessions.open();
  for (const [k, value] of Object.entries(data)) await s.set(k, value);
  await s.save();
  return s.sessionKey;
}

function userView(user) {
  return user ? { user_id: Number(user.id), username: USERS.get(Number(user.id))?.username, is_authenticated: true } : { anonymous: true };
}

/** The session and the table after an operation, against Django's. */
function checkSession(session, db, key, v) {
  const e = v.expected;
  const after = e.session_after;
  const calls = e.session_calls;
  if (calls.includes("flush")) {
    assert.equal(session.sessionKey, null, "flushed: no key");
  } else if (calls.includes("cycle_key")) {
    assert.match(session.sessionKey ?? "", /^[a-z0-9]{32}$/, "cycled: a new key");
    assert.notEqual(session.sessionKey, key, "cycled: not the old key");
  } else {
    assert.equal(session.sessionKey, key, "the key is kept");
  }
  assert.deepEqual(session.peek() ?? {}, after.data, "data");
  assert.deepEqual(Object.keys(session.peek() ?? {}), Object.keys(after.data), "key order");
  assert.equal(session.isLoaded, after.loaded, "loaded");
  assert.equal(session.accessed, after.accessed, "accessed");
  assert.equal(session.modified, after.modified, "modified");
  const rows = e.db_session_keys_after.map((k) => (k === v.session_key_before ? key : session.sessionKey));
  assert.deepEqual(db.rows().map((r) => r.sessionKey).sort(), rows.sort(), "rows in django_session");
}

function checkError(error, want) {
  assert.ok(error, `Django raised ${want.exception}`);
  const name = error instanceof DjangoException ? error.exception : error.name;
  assert.equal(name, want.exception);
  assert.equal(error.message, want.messages?.length === 1 ? want.messages[0] : want.message);
}

test(`session_auth_hash: ${AUTH.session_auth_hash.length} vectors through login and getUser`, async () => {
  for (const v of AUTH.session_auth_hash) {
    const fallbacks = v.SECRET_KEY_FALLBACKS;
    if (v.get_session_auth_hash.outcome === "error") {
      assert.throws(() => sessionsOf({ secretKey: v.SECRET_KEY }), InvalidSetting, `${v.id}: an empty SECRET_KEY is refused`);
      continue;
    }
    // The session settings refuse an empty fallback key (anyone could sign with it); the hash under the primary key is still Django's.
    const usable = fallbacks.includes("") ? [] : fallbacks;
    if (fallbacks.includes("")) assert.throws(() => sessionsOf({ secretKey: v.SECRET_KEY, secretKeyFallbacks: fallbacks }), InvalidSetting, v.id);
    const { sessions } = sessionsOf({ secretKey: v.SECRET_KEY, secretKeyFallbacks: usable });
    const user = { id: 1, password: v.password };
    const fresh = sessions.open();
    await login(fresh, user);
    const primary = v.get_session_auth_hash.value;
    assert.equal(fresh.peek()._auth_user_hash, primary, `${v.id}: the hash login writes`);
    for (const hash of usable.length ? v.get_session_auth_fallback_hash.value : []) {
      const key = await seed(sessions, { _auth_user_id: "1", _auth_user_backend: MODEL, _auth_user_hash: hash });
      const session = sessions.open(key);
      const got = await getUser(session, { loadUser: () => ({ ...user }) });
      assert.ok(got, `${v.id}: a session hashed under a fallback key is accepted`);
      assert.equal(session.peek()._auth_user_hash, primary, `${v.id}: and rehashed`);
      assert.equal(session.sessionKey !== key, hash !== primary, `${v.id}: cycled only when the hash was not the primary one`);
    }
  }
});

test(`get_user: ${AUTH.get_user.length} vectors`, async () => {
  for (const v of AUTH.get_user) {
    const settings = authSettings(v);
    const { db, sessions } = sessionsOf(settings);
    const key = await seed(sessions, v.session_before);
    const session = sessions.open(key);
    let user, error;
    try {
      user = await getUser(session, { loadUser, authenticationBackends: settings.backends });
    } catch (e) {
      error = e;
    }
    try {
      const want = v.expected.result;
      if (want.outcome === "ok") {
        assert.equal(error, undefined);
        assert.deepEqual(userView(user), want.value);
      } else {
        checkError(error, want);
      }
      checkSession(session, db, key, v);
    } catch (e) {
      e.message = `get_user/${v.id}: ${e.message}`;
      throw e;
    }
  }
});

/** login / logout / update_session_auth_hash inside csrfProtect, whose response shows the CSRF rotation. */
test(`login_logout: ${AUTH.login_logout.length} vectors`, async () => {
  for (const v of AUTH.login_logout) {
    const settings = authSettings(v);
    const { db, sessions } = sessionsOf(settings);
    const key = await seed(sessions, v.session_before);
    const session = sessions.open(key);
    const userId = v.user ?? v.request_user_before; // login(request, None) falls back to request.user
    const user = USERS.has(userId) ? { id: userId, password: USERS.get(userId).password, isActive: USERS.get(userId).isActive } : null;
    if (user && v.user_backend_attr !== null) user.backend = v.user_backend_attr;
    if (v.op === "update_session_auth_hash" && user) {
      // The oracle changed the password first (`user_password_now`, left out of older files: the generator's constant).
      user.password = v.user_password_now ?? (v.id === "update_session_auth_hash_same_user" ? "pbkdf2_sha256$1000000$newsalt$newhash=" : user.password);
    }
    const draws = v.expected.random_draws.filter((d) => d.alphabet === "a-zA-Z0-9" && d.length === 32).map((d) => d.value);
    let error;
    const handler = async (request, s) => {
      try {
        if (v.op === "login") {
          await login(s, user, { authenticationBackends: settings.backends, ...(v.backend_arg === "<not passed>" ? {} : { backend: v.backend_arg }) });
        } else if (v.op === "logout") {
          await logout(s);
        } else {
          await updateSessionAuthHash(s, user);
        }
      } catch (e) {
        error = e;
      }
      return new Response("ok");
    };
    const headers = v.csrf_cookie_before ? { cookie: `csrftoken=${v.csrf_cookie_before}` } : {};
    const response = await csrfProtect(handler, { randomStrings: draws, now: AUTH.meta.NOW })(new Request("http://testserver/", { headers }), session);
    try {
      const want = v.expected.result;
      if (want.outcome === "ok") assert.equal(error, undefined);
      else checkError(error, want);
      checkSession(session, db, key, v);
      const csrfAfter = v.expected.csrf;
      const cookies = response.headers.getSetCookie();
      if (csrfAfter.rotated) {
        assert.equal(cookies.length, 1);
        assert.equal(cookies[0].split(";")[0], `csrftoken=${csrfAfter.CSRF_COOKIE}`, "the rotated secret is sent");
      } else {
        assert.deepEqual(cookies, [], "no rotation, no cookie");
      }
    } catch (e) {
      e.message = `login_logout/${v.id}: ${e.message}`;
      throw e;
    }
  }
});

test("roundtrip: login, the response saves, the next request's user, a password change logs out", async () => {
  const [v] = AUTH.roundtrip;
  const settings = authSettings(v);
  const { sessions } = sessionsOf(settings);
  const first = sessions.open();
  const alice = { ...USERS.get(1) };
  await login(first, alice);
  assert.deepEqual(first.peek(), v.stored_session_after_login);
  const { setCookie } = await first.processResponse(200);
  const key = setCookie.split(";")[0].split("=")[1];
  const next = sessions.open(key);
  assert.deepEqual(userView(await getUser(next, { loadUser: () => ({ ...alice }) })), v.get_user_next_request);
  const after = sessions.open(key);
  const changed = { ...alice, password: v.new_password_field };
  assert.deepEqual(userView(await getUser(after, { loadUser: () => changed })), v.get_user_after_password_change);
  assert.equal(after.sessionKey, v.session_after_password_change.session_key);
  assert.deepEqual(after.peek(), v.session_after_password_change.data);
});

test("auth works on a signed_cookies session of edge-sessions/signed too", async () => {
  const sessions = new signed.Sessions({ secretKey: AUTH.meta.settings.SECRET_KEY });
  const session = sessions.open();
  const alice = { ...USERS.get(1) };
  await login(session, alice);
  assert.deepEqual(Object.keys(session.peek()), ["_auth_user_id", "_auth_user_backend", "_auth_user_hash"]);
  assert.deepEqual(userView(await getUser(session, { loadUser: () => alice })), { user_id: 1, username: "alice", is_authenticated: true });
  await logout(session);
  assert.equal(await getUser(session, { loadUser: () => alice }), null);
});

test("bad arguments are refused before the core", async () => {
  const { sessions } = sessionsOf({ secretKey: "k" });
  const session = sessions.open();
  await assert.rejects(getUser({}, { loadUser }), TypeError);
  await assert.rejects(getUser(session, {}), TypeError);
  await assert.rejects(login(session, { id: 1.5, password: "x" }), TypeError);
  await assert.rejects(login(session, { id: 1, password: 7 }), TypeError);
  await assert.rejects(login(session, { id: 1, password: "x" }, { authenticationBackends: "x" }), InvalidSetting);
  await assert.rejects(login(session, { id: 1, password: "x" }, { authenticationBackends: [MODEL, "other.Backend"] }), (e) =>
    e instanceof DjangoException && e.exception === "ValueError" && e instanceof EdgeSessionsError);
  // A bigint id past 2**53 round-trips exactly.
  const big = 2n ** 60n + 1n;
  await login(session, { id: big, password: "x" }, { backend: MODEL });
  assert.equal(session.peek()._auth_user_id, String(big));
  let asked;
  await getUser(session, { loadUser: (id) => { asked = id; return null; } });
  assert.equal(asked, big);
});

test("the django-users adapters read auth_user (node:sqlite)", async (t) => {
  let DatabaseSync;
  try {
    ({ DatabaseSync } = await import("node:sqlite"));
  } catch {
    const Database = (await import("better-sqlite3")).default;
    DatabaseSync = Database;
  }
  const db = new DatabaseSync(":memory:");
  db.exec(`CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "is_active" bool NOT NULL, "username" varchar(150) NOT NULL)`);
  const insert = db.prepare(`INSERT INTO auth_user (id, password, is_active, username) VALUES (?, ?, ?, ?)`);
  for (const u of AUTH.users) insert.run(u.id, u.password, u.is_active ? 1 : 0, u.username);
  const load = sqliteUsers(db);
  assert.deepEqual(await load(1), { id: 1, password: USERS.get(1).password, isActive: true });
  assert.deepEqual(await load(3), { id: 3, password: USERS.get(3).password, isActive: false });
  assert.equal(await load(99), null);
  const { sessions } = sessionsOf(authSettings(AUTH.get_user[0]));
  for (const v of AUTH.get_user.filter((v) => ["ok_alice", "user_inactive_modelbackend", "user_missing", "hash_mismatch_other_user"].includes(v.id))) {
    const session = sessions.open(await seed(sessions, v.session_before));
    assert.deepEqual(userView(await getUser(session, { loadUser: load })), v.expected.result.value, v.id);
  }
  assert.throws(() => sqliteUsers(db, { table: "auth_user; drop" }), InvalidSetting);
});

// --- csrf -----------------------------------------------------------------------------------

const OPTION_OF = {
  CSRF_COOKIE_NAME: "cookieName", CSRF_COOKIE_AGE: "cookieAge", CSRF_COOKIE_DOMAIN: "cookieDomain", CSRF_COOKIE_PATH: "cookiePath",
  CSRF_COOKIE_SECURE: "cookieSecure", CSRF_COOKIE_HTTPONLY: "cookieHttpOnly", CSRF_COOKIE_SAMESITE: "cookieSameSite",
  CSRF_HEADER_NAME: "headerName", CSRF_TRUSTED_ORIGINS: "trustedOrigins", CSRF_USE_SESSIONS: "useSessions",
  ALLOWED_HOSTS: "allowedHosts", USE_X_FORWARDED_HOST: "useXForwardedHost", SECURE_PROXY_SSL_HEADER: "secureProxySslHeader",
};

/** A vector's settings as csrfProtect options (SESSION_COOKIE_DOMAIN is the session's). */
function csrfOptionsOf(v) {
  const options = { allowedHosts: CSRF.meta.settings.ALLOWED_HOSTS };
  let sessionCookieDomain;
  for (const [name, value] of Object.entries(v.settings)) {
    if (name === "SESSION_COOKIE_DOMAIN") sessionCookieDomain = value;
    else if (OPTION_OF[name]) options[OPTION_OF[name]] = value;
    else throw new Error(`${v.id}: no option for ${name}`);
  }
  return { options, sessionCookieDomain };
}

const SERVER_KEYS = new Set(["REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme"]);

function bodyOf(r) {
  if (r.body_hex) return Buffer.from(r.body_hex, "hex");
  return r.body === null || r.body === undefined ? undefined : new TextEncoder().encode(r.body);
}

/**
 * The vector's request as a fetch Request, or why it cannot be one. At the
 * edge the host is the URL's (edge-sessions/django reads HTTP_HOST from it),
 * so the URL is built from HTTP_HOST when the vector has one.
 */
function requestOf(r, settings) {
  const m = r.meta;
  if (m.HTTP_HOST === undefined && settings.SECURE_PROXY_SSL_HEADER) {
    // HTTP/1.1 requests always carry a Host; without one Django builds the host from SERVER_NAME and a port the URL leaves out.
    return { cannot: "no Host header, and SECURE_PROXY_SSL_HEADER makes Django's host differ from the URL's" };
  }
  const headers = new Headers();
  for (const [key, value] of Object.entries(m)) {
    // HTTP drops the whitespace around a field value; only a WSGI environ built by hand keeps it.
    if ((key.startsWith("HTTP_") || key.startsWith("CONTENT_")) && /^[ \t]|[ \t]$/.test(value)) {
      return { cannot: `META ${key} has whitespace around its value, which HTTP strips` };
    }
    if (key === "HTTP_HOST") continue;
    if (key.startsWith("HTTP_")) headers.append(key.slice(5).replaceAll("_", "-").toLowerCase(), value);
    else if (key === "CONTENT_TYPE" || key === "CONTENT_LENGTH") headers.set(key.replace("_", "-").toLowerCase(), value);
    else if (!SERVER_KEYS.has(key)) return { cannot: `META ${key} is a WSGI environ key, not a header` };
  }
  const body = bodyOf(r);
  const scheme = m["wsgi.url_scheme"];
  const url = `${scheme}://${m.HTTP_HOST ?? `${m.SERVER_NAME}:${m.SERVER_PORT}`}${r.path}`;
  try {
    const port = new URL(url).port || (scheme === "https" ? "443" : "80");
    if (port !== m.SERVER_PORT) return { cannot: `SERVER_PORT ${m.SERVER_PORT} is not the Host's port (at the edge both are the URL's)` };
    return { request: new Request(url, { method: r.method, headers, body: body?.length ? body : undefined }) };
  } catch (error) {
    return { cannot: `fetch refuses it (${error.message})` };
  }
}

/** The vector's session, stored, with the vector's data. */
async function csrfSession(v, sessionCookieDomain) {
  if (!v.session_before) return {};
  const { sessions } = sessionsOf({ secretKey: CSRF.meta.settings.SECRET_KEY, cookieDomain: sessionCookieDomain });
  const session = sessions.open(await seed(sessions, v.session_before));
  return { session };
}

/** One request through csrfProtect, checked against Django's. */
async function replayRequest(v) {
  const r = v.request;
  const e = v.expected;
  const { options, sessionCookieDomain } = csrfOptionsOf(v);
  const built = requestOf(r, v.settings);
  if (built.cannot) return replayThroughBinding(v, built.cannot);
  const { session } = await csrfSession(v, sessionCookieDomain);
  let reason = null;
  let viewCalled = false;
  const results = [];
  const handler = async (request) => {
    viewCalled = true;
    for (const action of r.view_actions) {
      if (action === "get_token") results.push({ get_token: csrf.getToken(request) });
      else {
        csrf.rotateToken(request, session);
        results.push("rotate_token");
      }
    }
    return new Response("view", { headers: r.view_response_headers });
  };
  const protectedHandler = csrfProtect(handler, {
    ...options,
    now: CSRF.meta.NOW,
    randomStrings: e.random_draws.map((d) => d.value),
    exempt: () => r.csrf_exempt_view || r.dont_enforce_csrf_checks,
    onFailure: (request, why) => {
      reason = why;
      return new Response("rejected", { status: 403 });
    },
  });
  const call = session ? protectedHandler(built.request, session, {}) : protectedHandler(built.request, {});
  const raised = e.raised;
  if (raised?.stage === "process_request") {
    await assert.rejects(call, (err) => err instanceof DjangoException && err.exception === raised.exception && err.message === raised.message);
    return "raised";
  }
  if (raised?.stage === "process_response") {
    // Django raises when writing the cookie; the edge refuses the setting up front.
    assert.match(raised.message, /^samesite must be/);
    await assert.rejects(call, (err) => err instanceof InvalidSetting && /CSRF_COOKIE_SAMESITE/.test(err.message));
    return "refused up front";
  }
  const response = await call;
  if (raised?.stage === "process_view") {
    // MultiPartParserError and its kin: Django's handler answers 400.
    assert.equal(response.status, 400, `${raised.exception} is a 400`);
    assert.equal(viewCalled, false);
    return "400";
  }
  assert.equal(response.status, e.status_code, "status");
  assert.equal(reason, e.reason, "reason");
  assert.equal(viewCalled, e.view_called, "view called");
  assert.deepEqual(results, e.view_results, "view results");
  assert.deepEqual(response.headers.getSetCookie(), e.set_cookie_headers, "Set-Cookie");
  assert.equal(response.headers.get("vary"), e.vary, "Vary");
  if (session) {
    assert.deepEqual(session.peek() ?? {}, e.session_after, "session after");
    assert.equal(session.modified, e.session_modified, "session modified");
  }
  return "replayed";
}

/**
 * A request a fetch Request cannot carry, through the package's wasm binding
 * (the CsrfCore of the django module) with the vector's own META.
 */
async function replayThroughBinding(v, why) {
  await import("edge-sessions/django"); // instantiates the module behind `glue`
  const r = v.request;
  const e = v.expected;
  const { options } = csrfOptionsOf(v);
  const core = glue.CsrfCore.create(JSON.stringify(options), e.random_draws.map((d) => d.value));
  assert.ok(!(core instanceof Error), String(core));
  const meta = Object.entries(r.meta).flat();
  const [cookie, needsUpdate] = core.processRequest(r.method, meta, undefined);
  const verdict = core.processView(r.method, meta, bodyOf(r) ?? new Uint8Array(), undefined, undefined, r.csrf_exempt_view || r.dont_enforce_csrf_checks);
  assert.equal(verdict, e.reason, `reason (${why})`);
  const [setCookie] = core.processResponse(cookie ?? undefined, needsUpdate ?? undefined, undefined, undefined, CSRF.meta.NOW);
  assert.deepEqual(setCookie === null ? [] : [setCookie], e.set_cookie_headers);
  return `through the binding: ${why}`;
}

for (const category of ["get_token", "process"]) {
  test(`${category}: ${CSRF[category].length} vectors through csrfProtect`, async () => {
    const outcomes = {};
    for (const v of CSRF[category]) {
      let outcome;
      try {
        outcome = await replayRequest(v);
      } catch (err) {
        err.message = `${category}/${v.id}: ${err.message}`;
        throw err;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    console.log(`${category}:`, JSON.stringify(outcomes));
  });
}

/** A POST whose token is `token` (a form field: any text crosses) against a cookie `secret`. */
async function postVerdict(token, secret, { headerName, header, contentType } = {}) {
  let reason = null;
  const headers = { cookie: `csrftoken=${secret}` };
  if (header !== undefined) headers[header[0]] = header[1];
  const body = token === undefined ? undefined : `csrfmiddlewaretoken=${encodeURIComponent(token)}`;
  if (body) headers["content-type"] = contentType ?? "application/x-www-form-urlencoded";
  const handler = csrfProtect(() => new Response("ok"), {
    ...(headerName ? { headerName } : {}),
    onFailure: (request, why) => {
      reason = why;
      return new Response("no", { status: 403 });
    },
  });
  await handler(new Request("http://testserver/", { method: "POST", headers, body }), {});
  return reason;
}

test("mask: get_token's tokens, with the recorded masks", async () => {
  for (const v of CSRF.mask) {
    let token;
    const handler = csrfProtect((request) => {
      token = csrf.getToken(request);
      return new Response("ok");
    }, { randomStrings: [v.mask] });
    await handler(new Request("http://testserver/", { headers: { cookie: `csrftoken=${v.secret}` } }), {});
    assert.equal(token, v.token, v.secret);
  }
});

test("check_token_format: the reasons for a POST field", async () => {
  const secret = CSRF.fixed_values.SEC;
  for (const v of CSRF.check_token_format) {
    const reason = await postVerdict(v.token, secret);
    const want = v.result.outcome === "ok" ? /^CSRF token from POST incorrect\.$|^null$/ : new RegExp(`^CSRF token from POST ${v.result.reason}\\.$`);
    // An empty field falls back to the (absent) header: "CSRF token missing."
    if (v.token === "") assert.equal(reason, "CSRF token missing.");
    else assert.match(String(reason), want, JSON.stringify(v.token));
  }
});

test("does_token_match: accepted exactly when Django matches", async () => {
  const unreachable = [];
  for (const v of CSRF.does_token_match) {
    if (v.result.outcome === "error") {
      // Django's AssertionError needs a token of neither 32 nor 64 chars, which the format check refuses first.
      unreachable.push(v.request_csrf_token.length);
      continue;
    }
    const reason = await postVerdict(v.request_csrf_token, v.csrf_secret);
    assert.equal(reason, v.result.value ? null : "CSRF token from POST incorrect.", v.request_csrf_token);
  }
  assert.deepEqual(unreachable.sort(), [31, 33], "only the AssertionError vectors are out of the middleware's reach");
});

test("unmask: legacy 64-character cookies are unmasked (and a bad one raises through a session)", async () => {
  const unreachable = [];
  for (const v of CSRF.unmask) {
    if (v.token.length !== 64) {
      unreachable.push(v.token.length); // only 64-character secrets are unmasked
      continue;
    }
    if (v.result.outcome === "error") {
      const { sessions } = sessionsOf({ secretKey: "k" });
      const session = sessions.open(await seed(sessions, { _csrftoken: v.token }));
      const call = csrfProtect(() => new Response("ok"), { useSessions: true })(new Request("http://testserver/"), session);
      await assert.rejects(call, (e) => e instanceof DjangoException && e.exception === "ValueError" && e.message === v.result.message);
      continue;
    }
    // The legacy cookie's secret is what a header token must match.
    assert.equal(await postVerdict(undefined, v.token, { header: ["x-csrftoken", v.result.value] }), null, v.token);
  }
  assert.deepEqual(unreachable.sort((a, b) => a - b), [0, 32, 40, 70]);
});

test("bad_token_message: the header named by headerName, in the reason", async () => {
  for (const v of CSRF.bad_token_message) {
    const source = v.token_source;
    const token = v.reason === "has invalid characters" ? "-".repeat(32) : v.reason === "incorrect" ? "b".repeat(32) : "short";
    let reason;
    if (source === "POST") {
      reason = await postVerdict(token, "a".repeat(32));
    } else if (source.startsWith("HTTP_") && source.length > 5) {
      reason = await postVerdict(undefined, "a".repeat(32), { headerName: source, header: [source.slice(5).replaceAll("_", "-"), token] });
    } else if (source === "CONTENT_TYPE") {
      reason = await postVerdict(undefined, "a".repeat(32), { headerName: source, header: ["content-type", token] });
    } else {
      // "X_CSRF" and "HTTP_" name no header a Request can have: through the binding with META.
      await import("edge-sessions/django");
      const core = glue.CsrfCore.create(JSON.stringify({ headerName: source }), undefined);
      const meta = ["SERVER_NAME", "testserver", "SERVER_PORT", "80", "wsgi.url_scheme", "http", "HTTP_COOKIE", `csrftoken=${"a".repeat(32)}`, source, token];
      reason = core.processView("POST", meta, new Uint8Array(), undefined, undefined, false);
    }
    assert.equal(reason, v.message, `${source} ${v.reason}`);
  }
});

test("csrfProtect without a session loads edge-sessions/signed; getToken outside it says so", async () => {
  assert.throws(() => csrf.getToken(new Request("http://x/")), CsrfNotProcessed);
  let token;
  const response = await csrfProtect((request) => {
    token = csrf.getToken(request);
    return new Response("ok");
  })(new Request("https://example.com/"));
  assert.match(token, /^[a-zA-Z0-9]{64}$/);
  const [cookie] = response.headers.getSetCookie();
  assert.match(cookie, /^csrftoken=[a-zA-Z0-9]{32}; expires=.* GMT; Max-Age=31449600; Path=\/; SameSite=Lax$/);
  assert.equal(response.headers.get("vary"), "Cookie");
  // The token and the cookie it came with pass the next POST, from the same origin.
  const secret = cookie.split(";")[0].split("=")[1];
  const ok = await csrfProtect(() => new Response("done"))(new Request("https://example.com/form", {
    method: "POST", headers: { cookie: `csrftoken=${secret}`, origin: "https://example.com", "content-type": "application/x-www-form-urlencoded" },
    body: `a=1&csrfmiddlewaretoken=${token}`,
  }));
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "done");
  const refused = await csrfProtect(() => new Response("done"))(new Request("https://example.com/form", {
    method: "POST", headers: { cookie: `csrftoken=${secret}`, origin: "https://evil.example" }, body: "x",
  }));
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Origin checking failed - https:\/\/evil\.example does not match any trusted origins\./);
  await assert.rejects(csrfProtect(() => new Response(""), { cookieAgee: 1 })(new Request("http://x/")), InvalidSetting);
  assert.throws(() => csrfProtect(() => new Response(""), { exempt: true }), InvalidSetting);
});

test("useSessions needs a session; with one, the secret lives in it", async () => {
  await assert.rejects(csrfProtect(() => new Response(""), { useSessions: true })(new Request("http://x/")), InvalidSetting);
  const { sessions } = sessionsOf({ secretKey: "k" });
  const session = sessions.open();
  const response = await csrfProtect((request, s) => {
    csrf.getToken(request, s);
    return new Response("ok");
  }, { useSessions: true })(new Request("http://x/"), session);
  assert.deepEqual(response.headers.getSetCookie(), []);
  assert.match(session.peek()._csrftoken, /^[a-zA-Z0-9]{32}$/);
});

test("a form body past maxBodySize is answered 400 and the handler's body is still readable", async () => {
  const big = "csrfmiddlewaretoken=" + "a".repeat(200);
  const small = await csrfProtect(() => new Response("ok"), { maxBodySize: 100 })(new Request("http://x/", {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: `csrftoken=${"a".repeat(32)}` }, body: big,
  }));
  assert.equal(small.status, 400);
  let seen;
  const secret = "a".repeat(32);
  await csrfProtect(async (request) => {
    seen = await request.text();
    return new Response("ok");
  })(new Request("http://x/", {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: `csrftoken=${secret}` }, body: `csrfmiddlewaretoken=${secret}`,
  }));
  assert.equal(seen, `csrfmiddlewaretoken=${secret}`);
});

test("csrfMiddleware in Hono, after sessionMiddleware", async () => {
  const { Hono } = await import("hono");
  const { sessionMiddleware } = await import("edge-sessions/hono");
  const app = new Hono();
  app.use(sessionMiddleware({ secretKey: "k", engine: "signed_cookies" }));
  app.use(csrfMiddleware());
  app.get("/", (c) => c.text(csrf.getToken(c.req.raw, c.get("session"))));
  app.post("/", (c) => c.text("posted"));
  const first = await app.request("http://localhost/");
  const token = await first.text();
  const cookies = first.headers.getSetCookie();
  const secret = cookies.find((c) => c.startsWith("csrftoken=")).split(";")[0].split("=")[1];
  const post = await app.request("http://localhost/", { method: "POST", headers: { cookie: `csrftoken=${secret}`, "x-csrftoken": token } });
  assert.equal(await post.text(), "posted");
  const bad = await app.request("http://localhost/", { method: "POST", headers: { cookie: `csrftoken=${secret}` } });
  assert.equal(bad.status, 403);
});

test("inside workerd (bundled as wrangler bundles it): login, the user, a refused and an accepted logout", async () => {
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const { bundleWorker } = await import("../../examples/support/workerd.mjs");
  const { Miniflare } = await import("miniflare");
  const dir = new URL("../../target/django-test-worker/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("worker.js", dir), `
import { withSession } from "edge-sessions";
import { d1Db } from "edge-sessions/adapters/d1";
import { d1Users } from "edge-sessions/adapters/django-users";
import { csrf, csrfProtect, getUser, login, logout } from "edge-sessions/django";

async function handler(request, session, env) {
  const url = new URL(request.url);
  const loadUser = d1Users(env.DB);
  if (url.pathname === "/login" && request.method === "POST") {
    const form = await request.formData();
    const user = await loadUser(Number(form.get("user_id")));
    if (!user) return new Response("no such user", { status: 404 });
    await login(session, user);
    return new Response("logged in", { status: 303, headers: { location: "/" } });
  }
  if (url.pathname === "/logout" && request.method === "POST") {
    await logout(session);
    return new Response("logged out");
  }
  const user = await getUser(session, { loadUser });
  return Response.json({ user: user?.id ?? null, token: csrf.getToken(request) });
}

export default {
  fetch: withSession(csrfProtect(handler, { allowedHosts: ["example.com"] }), (env) => ({ secretKey: env.SECRET_KEY, engine: "db", db: d1Db(env.DB) })),
};
`);
  const { modules } = await bundleWorker(new URL("worker.js", dir).pathname);
  const mf = new Miniflare({ modules, modulesRoot: dir.pathname, compatibilityDate: "2026-01-01", bindings: { SECRET_KEY: AUTH.meta.settings.SECRET_KEY }, d1Databases: ["DB"] });
  try {
    const db = await mf.getD1Database("DB");
    await db.exec(`CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`);
    await db.exec(`CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY, "password" varchar(128) NOT NULL, "is_active" bool NOT NULL)`);
    const alice = USERS.get(1);
    await db.prepare(`INSERT INTO auth_user VALUES (?, ?, ?)`).bind(alice.id, alice.password, 1).run();
    const jar = new Map();
    const remember = (response) => {
      for (const c of response.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const [name, value] = pair.split("=");
        if (value === "" || /Max-Age=0/.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let response = await mf.dispatchFetch("https://example.com/");
    remember(response);
    const { user, token } = await response.json();
    assert.equal(user, null);
    const anonymousSecret = jar.get("csrftoken");
    response = await mf.dispatchFetch("https://example.com/login", {
      method: "POST", redirect: "manual",
      headers: { cookie: cookie(), origin: "https://example.com", "content-type": "application/x-www-form-urlencoded" },
      body: `user_id=1&csrfmiddlewaretoken=${token}`,
    });
    assert.equal(response.status, 303);
    remember(response);
    assert.match(jar.get("sessionid") ?? "", /^[a-z0-9]{32}$/);
    assert.notEqual(jar.get("csrftoken"), anonymousSecret, "login rotated the CSRF secret");
    response = await mf.dispatchFetch("https://example.com/", { headers: { cookie: cookie() } });
    remember(response);
    const logged = await response.json();
    assert.equal(logged.user, 1);
    response = await mf.dispatchFetch("https://example.com/logout", { method: "POST", headers: { cookie: cookie(), origin: "https://evil.example" } });
    assert.equal(response.status, 403);
    assert.match(await response.text(), /Origin checking failed - https:\/\/evil\.example does not match any trusted origins\./);
    response = await mf.dispatchFetch("https://example.com/logout", { method: "POST", headers: { cookie: cookie(), origin: "https://example.com", "x-csrftoken": logged.token } });
    assert.equal(response.status, 200);
    remember(response);
    assert.equal(jar.has("sessionid"), false, "logout deleted the session cookie");
    const rows = await db.prepare(`SELECT count(*) AS n FROM django_session`).first();
    assert.equal(rows.n, 0);
  } finally {
    await mf.dispose();
  }
});
