// `edge-sessions/django`: Django's logged-in user (`django.contrib.auth`'s
// session protocol) and CSRF protection (`django.middleware.csrf`), exact
// to Django 5.2, over the sessions of `edge-sessions` or
// `edge-sessions/signed`. The logic is the core's (src/django/); this file
// checks arguments, awaits the caller's callbacks, and speaks
// Request/Response.
//
// Auth calls run on the session's own wasm module (the `django*` methods of
// its core), so a session from either module works. CSRF needs no session
// and runs on a small module of its own (the runtime's entry in entries/
// instantiates it), so neither session module carries its parsing.

import { CORE } from "./api.js";
import { EdgeSessionsError, InvalidSetting, toError } from "./errors.js";
import { oncePerEnv } from "./per-env.js";
import { CsrfCore } from "./edge_sessions_django.js";

// --- errors ---------------------------------------------------------------------

/**
 * An exception Django raises at the same point: `exception` is its class
 * (`ValidationError` for a session user id that is not an integer,
 * `MultiPartParserError` for a broken form body, ...), `message` Django's.
 */
export class DjangoException extends EdgeSessionsError {
  static errorName = "DjangoException";
  constructor(exception, message, options) {
    super(message, options);
    this.exception = exception;
  }
}

/** Thrown by `csrf.getToken` / `csrf.rotateToken` for a request no CSRF middleware saw. */
export class CsrfNotProcessed extends EdgeSessionsError {
  static errorName = "CsrfNotProcessed";
}

// The names the core gives Django's exceptions (Rust's Error::Django).
const DJANGO_EXCEPTIONS = new Set([
  "ValidationError",
  "OverflowError",
  "TypeError",
  "ValueError",
  "ImproperlyConfigured",
  "AssertionError",
  "MultiPartParserError",
  "RequestDataTooBig",
  "TooManyFieldsSent",
  "TooManyFilesSent",
  "BadRequest",
]);
// Those Django's handler answers with 400 (BadRequest, SuspiciousOperation, MultiPartParserError).
const BAD_REQUEST = new Set(["MultiPartParserError", "RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent", "BadRequest"]);

/** A core error as the exported class. */
function converted(error) {
  if (error instanceof Error && !(error instanceof EdgeSessionsError) && DJANGO_EXCEPTIONS.has(error.name)) {
    return new DjangoException(error.name, error.message);
  }
  return toError(error);
}

/** A core answer that may be the Error itself. */
function checked(answer) {
  if (answer instanceof Error) throw converted(answer);
  return answer;
}

/** A session operation's answer (a value, a Promise, or the Error), awaited. */
async function run(call) {
  let answer;
  try {
    answer = await call();
  } catch (error) {
    throw converted(error);
  }
  return checked(answer);
}

// --- arguments --------------------------------------------------------------------

function coreOf(session, what) {
  if (session === null || typeof session !== "object" || !(CORE in session)) {
    throw new TypeError(`${what} takes a session of edge-sessions (the session withSession or Sessions gives)`);
  }
  return session[CORE];
}

function isSession(value) {
  return value !== null && typeof value === "object" && CORE in value;
}

const MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";

function backendsOf(list) {
  if (list === undefined) return [MODEL_BACKEND];
  if (!Array.isArray(list) || list.some((b) => typeof b !== "string")) {
    throw new InvalidSetting("authenticationBackends must be an array of dotted paths (strings)");
  }
  return list;
}

const INT64 = 2n ** 63n;

/** A primary key as decimal text: a safe integer, a bigint, or digits. */
function idText(id) {
  if (typeof id === "number" && Number.isSafeInteger(id)) return String(id);
  if (typeof id === "bigint" && id >= -INT64 && id < INT64) return String(id);
  if (typeof id === "string" && /^-?[0-9]{1,19}$/.test(id)) return id;
  throw new TypeError(
    `a user's id must be an integer (a safe integer, a bigint or decimal digits), not ${typeof id === "string" ? JSON.stringify(id) : typeof id}`,
  );
}

/** The id loadUser receives: a number when it is safe, else a bigint. */
function idValue(text) {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function passwordOf(user) {
  if (typeof user.password !== "string" || !user.password.isWellFormed()) {
    throw new TypeError("a user's password must be the password field as stored (a string)");
  }
  return user.password;
}

function userOf(user, what) {
  if (user === null || typeof user !== "object") throw new TypeError(`${what} takes a user object { id, password, isActive }`);
  return user;
}

/** An argument that may be any value, as the core takes it: [scalar, json]. */
function anyValue(value) {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return [value, undefined];
  let json;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return [null, json ?? "null"];
}

// --- django.contrib.auth ------------------------------------------------------------

/**
 * `django.contrib.auth.get_user(request)`: the user the session names, or
 * null for the anonymous user.
 */
export async function getUser(session, options = {}) {
  const core = coreOf(session, "getUser");
  const { loadUser, authenticationBackends } = options ?? {};
  if (typeof loadUser !== "function") throw new TypeError("getUser needs loadUser(id, backend): the user row { id, password, isActive }, or null");
  const lookup = await run(() => core.djangoUserLookup(backendsOf(authenticationBackends)));
  if (lookup === null) return null;
  const [id, backend] = lookup;
  const user = await loadUser(idValue(id), backend);
  if (user === null || user === undefined) return null;
  userOf(user, "loadUser's answer");
  const active = user.isActive === undefined ? true : Boolean(user.isActive);
  const verified = await run(() => core.djangoUserVerify(backend, true, idText(user.id), passwordOf(user), active));
  return verified ? user : null;
}

/**
 * `django.contrib.auth.login(request, user, backend)`, then Django's
 * `rotate_token`: a request inside `csrfProtect` sends a new CSRF secret.
 */
export async function login(session, user, options = {}) {
  const core = coreOf(session, "login");
  userOf(user, "login");
  const { backend, authenticationBackends, request } = options ?? {};
  const id = idText(user.id);
  const password = passwordOf(user);
  const [userBackend, userBackendJson] = "backend" in user ? anyValue(user.backend) : [undefined, undefined];
  const [backendArg, backendJson] = backend === undefined ? [undefined, undefined] : anyValue(backend);
  await run(() => core.djangoLogin(id, password, userBackend, userBackendJson, backendArg, backendJson, backendsOf(authenticationBackends)));
  const state = stateOf(request, session);
  if (state) state.rotate();
}

/** `django.contrib.auth.logout(request)`: the session is flushed (the CSRF token is kept). */
export async function logout(session) {
  const core = coreOf(session, "logout");
  await run(() => core.djangoLogout());
}

/**
 * `update_session_auth_hash(request, user)` after a password change: a new
 * session key, and the hash of the new password when `user` is the user the
 * session names (so that user stays logged in).
 */
export async function updateSessionAuthHash(session, user) {
  const core = coreOf(session, "updateSessionAuthHash");
  userOf(user, "updateSessionAuthHash");
  await run(() => core.djangoUpdateSessionAuthHash(idText(user.id), passwordOf(user)));
}

// --- django.middleware.csrf ------------------------------------------------------------

/** Per request (keyed by the Request and by its session): Django's META["CSRF_COOKIE"] and NEEDS_UPDATE. */
const states = new WeakMap();

class CsrfRequestState {
  constructor(core, cookie, needsUpdate) {
    this.core = core;
    this.cookie = cookie;
    this.needsUpdate = needsUpdate;
  }
  getToken() {
    const [token, cookie, needsUpdate] = checked(this.core.getToken(this.cookie ?? undefined, this.needsUpdate ?? undefined));
    [this.cookie, this.needsUpdate] = [cookie, needsUpdate];
    return token;
  }
  rotate() {
    [this.cookie, this.needsUpdate] = checked(this.core.rotateToken(this.cookie ?? undefined, this.needsUpdate ?? undefined));
  }
}

function stateOf(request, session) {
  return (request && states.get(request)) ?? (session && states.get(session)) ?? undefined;
}

function processedState(request, session, what) {
  const state = stateOf(request, session);
  if (!state) {
    throw new CsrfNotProcessed(
      `${what}: this request did not go through csrfProtect or csrfMiddleware (pass the Request the handler received, or its session)`,
    );
  }
  return state;
}

/** CSRF calls inside a protected handler. */
export const csrf = Object.freeze({
  /**
   * Django's `get_token(request)`: the masked token for a form's
   * `csrfmiddlewaretoken` field (or the X-CSRFToken header); the response
   * then sends the secret's cookie (or stores it in the session).
   */
  getToken(request, session) {
    return processedState(request, session, "csrf.getToken").getToken();
  },
  /** Django's `rotate_token(request)`: a new secret for this request's response. */
  rotateToken(request, session) {
    processedState(request, session, "csrf.rotateToken").rotate();
  },
});

const DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024;

/** The parsed options of one csrfProtect: the core's part as JSON, the JS part checked. */
function configOf(options) {
  if (options == null) options = {};
  if (typeof options !== "object") throw new InvalidSetting("CSRF options must be an object");
  const { exempt, onFailure, maxBodySize = DEFAULT_MAX_BODY_SIZE, now, randomStrings, ...core } = options;
  if (exempt !== undefined && typeof exempt !== "function") throw new InvalidSetting("exempt must be a function of the request");
  if (onFailure !== undefined && typeof onFailure !== "function") throw new InvalidSetting("onFailure must be a function (request, reason) => Response");
  if (maxBodySize !== null && !(Number.isSafeInteger(maxBodySize) && maxBodySize >= 0))
    throw new InvalidSetting("maxBodySize must be a number of bytes or null");
  if (now !== undefined && typeof now !== "function" && !(typeof now === "number" && Number.isFinite(now))) {
    throw new InvalidSetting("now must be seconds since the epoch, or a function returning them");
  }
  if (randomStrings !== undefined && !(Array.isArray(randomStrings) && randomStrings.every((s) => typeof s === "string"))) {
    throw new InvalidSetting("randomStrings must be an array of strings");
  }
  let json;
  try {
    json = JSON.stringify(core);
  } catch (error) {
    throw new InvalidSetting(`CSRF options must be JSON-like: ${error.message}`, { cause: error });
  }
  return {
    json,
    exempt: exempt ?? (() => false),
    onFailure: onFailure ?? forbidden,
    maxBodySize,
    clock: typeof now === "function" ? now : now === undefined ? () => Date.now() / 1000 : () => now,
    draws: randomStrings ? [...randomStrings] : undefined,
    core: undefined,
    standalone: undefined,
  };
}

/** Options, or a function of `env` giving them (called once per env object). */
function configsFrom(options) {
  if (typeof options !== "function") {
    const config = configOf(options);
    return () => config;
  }
  return oncePerEnv(
    (env) => configOf(options(env)),
    (env) => env,
  );
}

/** The CsrfCore of a configuration (the django module's; no session needed). */
function coreFor(config) {
  config.core ??= checked(CsrfCore.create(config.json, config.draws));
  return config.core;
}

/**
 * The request's META as the core takes it: [key, value, ...]. The host is
 * the URL's (HTTP_HOST): in Workers, Deno and Node servers the URL is built
 * from the Host header anyway, and a test harness (Miniflare's
 * dispatchFetch) may send another Host than the URL it gives the Worker.
 */
function metaOf(request, contentLength) {
  const url = new URL(request.url);
  const scheme = url.protocol.slice(0, -1);
  const meta = ["SERVER_NAME", url.hostname, "SERVER_PORT", url.port || (scheme === "https" ? "443" : "80"), "wsgi.url_scheme", scheme, "HTTP_HOST", url.host];
  let sawLength = false;
  for (const [name, value] of request.headers) {
    const key = name.toUpperCase().replaceAll("-", "_");
    if (key === "HOST") continue;
    if (key === "CONTENT_LENGTH") sawLength = true;
    meta.push(key === "CONTENT_TYPE" || key === "CONTENT_LENGTH" ? key : `HTTP_${key}`, value);
  }
  if (!sawLength && contentLength !== undefined) meta.push("CONTENT_LENGTH", String(contentLength));
  return meta;
}

/** The body, read from a clone (the handler can still read it), at most `limit` bytes. */
async function bodyOf(request, limit) {
  const declared = Number(request.headers.get("content-length"));
  if (limit !== null && declared > limit) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.clone().body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (limit !== null && size > limit) {
      // Not awaited: a tee branch's cancel settles only once the other branch (the handler's) is cancelled too.
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** A session value as the core reads it: JSON text, undefined when absent. */
function secretJson(value) {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json === undefined ? "null" : json;
}

/** Django's 403 for a rejected request (the reason is what its log line shows). */
function forbidden(_request, reason) {
  return new Response(`Forbidden (403)\nCSRF verification failed. Request aborted.\n\nReason given for failure:\n    ${reason}\n`, {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function badRequest() {
  return new Response("Bad Request (400)", { status: 400, headers: { "content-type": "text/plain" } });
}

/** Django's CsrfViewMiddleware around `next` (the view): request, view and response steps. */
async function protect(config, request, session, next) {
  const core = coreFor(config);
  const useSessions = core.useSessions();
  if (useSessions && !session) {
    throw new InvalidSetting("useSessions keeps the CSRF secret in the session: use csrfProtect inside withSession (or after sessionMiddleware)");
  }
  const readSecret = async () => (useSessions ? secretJson(await session.get("_csrftoken")) : undefined);
  const method = request.method;
  const [cookie, needsUpdate] = checked(core.processRequest(method, metaOf(request), await readSecret()));
  const state = new CsrfRequestState(core, cookie, needsUpdate);
  states.set(request, state);
  if (session) states.set(session, state);
  let response;
  try {
    const exempt = Boolean(config.exempt(request));
    let body = new Uint8Array();
    if (!exempt && core.constructor.readsBody(method, request.headers.get("content-type") ?? undefined)) {
      body = await bodyOf(request, config.maxBodySize);
      if (body === null) {
        throw new DjangoException(
          "RequestDataTooBig",
          `Request body exceeded maxBodySize (${config.maxBodySize} bytes), the most the edge reads to find the CSRF token.`,
        );
      }
    }
    const domain = useSessions ? (checked(session[CORE].djangoCookieDomain()) ?? undefined) : undefined;
    const verdict = checked(core.processView(method, metaOf(request, body.byteLength), body, await readSecret(), domain, exempt));
    response = verdict === null ? await next() : await config.onFailure(request, verdict);
  } catch (error) {
    const e = converted(error);
    if (!(e instanceof DjangoException && BAD_REQUEST.has(e.exception))) throw e;
    response = badRequest();
  }
  if (!(response instanceof Response)) throw new TypeError("the handler must return a Response");
  const [setCookie, vary, sessionSecret, after, afterNeedsUpdate] = checked(
    core.processResponse(
      state.cookie ?? undefined,
      state.needsUpdate ?? undefined,
      response.headers.get("vary") ?? undefined,
      await readSecret(),
      config.clock(),
    ),
  );
  [state.cookie, state.needsUpdate] = [after, afterNeedsUpdate];
  if (sessionSecret !== null) await session.set("_csrftoken", sessionSecret);
  if (setCookie === null) return response;
  const add = (headers) => {
    headers.append("set-cookie", setCookie);
    headers.set("vary", vary);
  };
  try {
    add(response.headers);
  } catch {
    // Immutable headers (a Response from fetch): copy the response.
    response = new Response(response.body, response);
    add(response.headers);
  }
  return response;
}

/**
 * Wraps a fetch handler in Django's CsrfViewMiddleware. Inside
 * `withSession`, the handler's second argument is the session (needed for
 * `useSessions`); the session is then used for the CSRF secret and the
 * module choice.
 */
export function csrfProtect(handler, options) {
  if (typeof handler !== "function") throw new TypeError("csrfProtect wraps a handler function");
  const configFor = configsFrom(options);
  return async function csrfProtected(request, ...rest) {
    const session = isSession(rest[0]) ? rest[0] : undefined;
    const config = configFor(session ? rest[1] : rest[0]);
    return protect(config, request, session, () => handler(request, ...rest));
  };
}

/**
 * Hono middleware: `app.use(csrfMiddleware(options))` after
 * `sessionMiddleware` (whose `c.get("session")` it uses when present).
 * `options` may be a function of the context, called once per `c.env`.
 */
export function csrfMiddleware(options) {
  const fixed = typeof options === "function" ? undefined : configOf(options);
  const configOfContext = fixed
    ? () => fixed
    : oncePerEnv(
        (c) => configOf(options(c)),
        (c) => c.env,
      );
  return async function csrfMiddleware(c, next) {
    const session = typeof c.get === "function" ? c.get("session") : undefined;
    const response = await protect(configOfContext(c), c.req.raw, isSession(session) ? session : undefined, async () => {
      await next(); // Hono turns a handler's throw into c.res (onError)
      return c.res;
    });
    // Cleared first: Hono's setter would otherwise merge the old response's headers.
    c.res = undefined;
    c.res = response;
  };
}
