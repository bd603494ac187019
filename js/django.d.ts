/**
 * Django's logged-in user and CSRF protection at the edge, exact to
 * Django 5.2: `django.contrib.auth`'s session protocol ({@link getUser},
 * {@link login}, {@link logout}, {@link updateSessionAuthHash}) and
 * `django.middleware.csrf` ({@link csrfProtect}, {@link csrfMiddleware},
 * {@link csrf}). Sessions come from `edge-sessions` or
 * `edge-sessions/signed`; a Django site sharing the `SECRET_KEY` sees the
 * same logged-in user and accepts the same CSRF tokens.
 *
 * @example
 * // A Worker: the logged-in user from Django's auth_user table in D1, a
 * // protected form, and login/logout.
 * import { withSession } from "edge-sessions";
 * import { getUser, login, logout, csrfProtect, csrf } from "edge-sessions/django";
 * import { d1Users } from "edge-sessions/adapters/django-users";
 * import { d1Db } from "edge-sessions/adapters/d1";
 *
 * async function handler(request: Request, session: Session, env: Env) {
 *   const loadUser = d1Users(env.DB);
 *   const url = new URL(request.url);
 *   if (url.pathname === "/logout" && request.method === "POST") {
 *     await logout(session);
 *     return Response.redirect(new URL("/", url), 303);
 *   }
 *   if (url.pathname === "/login" && request.method === "POST") {
 *     const form = await request.formData();
 *     const user = await loadUser(Number(form.get("id")));
 *     // ... check form.get("password") against user.password first ...
 *     if (user) await login(session, user, { request });
 *     return Response.redirect(new URL("/", url), 303);
 *   }
 *   const user = await getUser(session, { loadUser });
 *   const token = csrf.getToken(request, session);
 *   return new Response(
 *     `<p>${user ? `user ${user.id}` : "anonymous"}</p>
 *      <form method="post" action="/logout"><input type="hidden" name="csrfmiddlewaretoken" value="${token}"><button>Log out</button></form>`,
 *     { headers: { "content-type": "text/html" } },
 *   );
 * }
 *
 * export default {
 *   fetch: withSession(csrfProtect(handler, (env: Env) => ({ allowedHosts: [env.HOST] })),
 *     (env: Env) => ({ secretKey: env.SECRET_KEY, engine: "db", db: d1Db(env.DB) })),
 * };
 *
 * @packageDocumentation
 */

import { EdgeSessionsError } from "./index.js";
// InvalidSetting and withSession are imported for the {@link}s below.
import type { InvalidSetting, Session, withSession } from "./index.js";

/**
 * The user row {@link getUser} reads: `auth_user`'s `id`, `password` (the
 * stored field: `pbkdf2_sha256$...`, `!...` for an unusable password) and
 * `is_active`. Any other fields ride along and are returned as they are.
 */
export interface DjangoUser {
  /** The primary key: a safe integer, a bigint, or its decimal digits. */
  id: number | bigint | string;
  /** The password field as stored. */
  password: string;
  /** `is_active`; absent means true, as Django's `getattr(user, "is_active", True)`. */
  isActive?: boolean;
  /** `user.backend` as `authenticate()` sets it: what {@link login} stores when no backend is passed. */
  backend?: string;
}

/**
 * A backend's query: the row for `id`, or null when there is none. `id` is
 * a number (a bigint past 2**53); `backend` is the dotted path the session
 * names (one of `authenticationBackends`). The adapters in
 * `edge-sessions/adapters/django-users` read Django's `auth_user`.
 */
export type LoadUser<U extends DjangoUser = DjangoUser> = (id: number | bigint, backend: string) => U | null | undefined | Promise<U | null | undefined>;

/** Options of {@link getUser}. */
export interface GetUserOptions<U extends DjangoUser = DjangoUser> {
  /** Loads the user row (see {@link LoadUser}). */
  loadUser: LoadUser<U>;
  /**
   * `AUTHENTICATION_BACKENDS`. Default `["django.contrib.auth.backends.ModelBackend"]`.
   * A session naming another backend is anonymous. `ModelBackend` (and any
   * backend other than the two below) refuses inactive users;
   * `AllowAllUsersModelBackend` and `AllowAllUsersRemoteUserBackend` accept them.
   */
  authenticationBackends?: string[];
}

/**
 * `django.contrib.auth.get_user(request)`: the user the session names,
 * verified as Django verifies it, or null for the anonymous user.
 *
 * - no `_auth_user_id` or `_auth_user_backend`, a backend not in
 *   `authenticationBackends`, no row, or an inactive user under
 *   `ModelBackend`: null, the session untouched;
 * - `_auth_user_hash` (an HMAC-SHA256 of the password field) made with the
 *   current `secretKey`: the user;
 * - made with a `secretKeyFallbacks` key: the session gets a new key and
 *   the current hash, and the user is returned;
 * - missing, empty or wrong (the password changed): the session is flushed
 *   (logged out) and null returned.
 *
 * Throws {@link DjangoException} `ValidationError` when `_auth_user_id` is
 * not an integer to Python's `int()` (`"abc"`, `"1.0"`), as Django does;
 * whatever `loadUser` throws is thrown as it is.
 *
 * @example
 * const user = await getUser(session, { loadUser: d1Users(env.DB) });
 */
export function getUser<U extends DjangoUser>(session: Session, options: GetUserOptions<U>): Promise<U | null>;

/** Options of {@link login}. */
export interface LoginOptions {
  /**
   * The dotted path to store (Django's `backend` argument). Default:
   * `user.backend`, else the only entry of `authenticationBackends`; with
   * several and neither, Django's ValueError ({@link DjangoException}).
   */
  backend?: string;
  /** `AUTHENTICATION_BACKENDS`, as for {@link getUser}. */
  authenticationBackends?: string[];
  /**
   * The request being answered, when the session is not the one
   * {@link csrfProtect} saw: the CSRF secret of that request is rotated.
   */
  request?: Request;
}

/**
 * `django.contrib.auth.login(request, user)`: a session that belongs to
 * another user, or holds another password hash, is flushed; one with no
 * user gets a new key (against session fixation); the same user with the
 * same hash keeps it. Then `_auth_user_id` (the id as a string),
 * `_auth_user_backend` and `_auth_user_hash` are written, and, inside
 * {@link csrfProtect}, the CSRF secret is rotated. Check the password
 * first: like Django's `login`, this logs in whoever it is given (inactive
 * users included). `last_login` is not written.
 */
export function login(session: Session, user: DjangoUser, options?: LoginOptions): Promise<void>;

/** `django.contrib.auth.logout(request)`: flushes the session (the CSRF secret is kept, as in Django). */
export function logout(session: Session): Promise<void>;

/**
 * `update_session_auth_hash(request, user)` after a password change
 * (`user.password` the new field): a new session key, and, when the
 * session names `user`, the hash of the new password, so this session stays
 * logged in while the user's other sessions end.
 */
export function updateSessionAuthHash(session: Session, user: DjangoUser): Promise<void>;

/**
 * A Django exception raised at the same point as Django raises it:
 * `exception` is its class (`ValidationError`, `MultiPartParserError`,
 * `RequestDataTooBig`, `TooManyFieldsSent`, `BadRequest`, `ValueError`, ...)
 * and the message is Django's. {@link csrfProtect} answers the ones Django
 * answers with 400 itself.
 */
export class DjangoException extends EdgeSessionsError {
  /** An error for Django's `exception` class with its `message`. */
  constructor(exception: string, message: string, options?: ErrorOptions);
  /** Django's (or Python's) exception class. */
  readonly exception: string;
}

/** {@link csrf}`.getToken` / `.rotateToken` on a request that no CSRF middleware saw. */
export class CsrfNotProcessed extends EdgeSessionsError {}

/**
 * The `CSRF_*` settings (and the request settings the checks read), in
 * camelCase with Django's defaults. A bad value is {@link InvalidSetting},
 * at the first request.
 */
export interface CsrfSettings {
  /** `CSRF_COOKIE_NAME`. Default `"csrftoken"`. */
  cookieName?: string;
  /** `CSRF_COOKIE_AGE` in seconds (`Max-Age=int(age)`); null for a browser-session cookie. Default `31449600` (a year). */
  cookieAge?: number | null;
  /** `CSRF_COOKIE_DOMAIN`. Default `null` (host-only); also the Referer check's allowed domain. */
  cookieDomain?: string | null;
  /** `CSRF_COOKIE_PATH`. Default `"/"`. */
  cookiePath?: string;
  /** `CSRF_COOKIE_SECURE`. Default `false`. */
  cookieSecure?: boolean;
  /** `CSRF_COOKIE_HTTPONLY`. Default `false` (scripts read the cookie to set X-CSRFToken). */
  cookieHttpOnly?: boolean;
  /** `CSRF_COOKIE_SAMESITE`, written as given; null or false for no attribute. Default `"Lax"`. */
  cookieSameSite?: "Lax" | "Strict" | "None" | false | null;
  /** `CSRF_HEADER_NAME` as Django spells it (a META key). Default `"HTTP_X_CSRFTOKEN"` (the `X-CSRFToken` header). */
  headerName?: string;
  /** `CSRF_TRUSTED_ORIGINS`: origins with a scheme, `https://*.example.com` for subdomains. Default `[]`. */
  trustedOrigins?: string[];
  /** `CSRF_USE_SESSIONS`: the secret in the session (`_csrftoken`) rather than a cookie; needs a session. Default `false`. */
  useSessions?: boolean;
  /**
   * `ALLOWED_HOSTS`, for the host the Origin and Referer checks compare
   * with (`get_host()`). Default `["*"]`: Django's default `[]` refuses
   * every request when `debug` is off; list your hosts to compare against
   * validated ones only.
   */
  allowedHosts?: string[];
  /** `DEBUG` (only: an empty `allowedHosts` then allows localhost). Default `false`. */
  debug?: boolean;
  /** `USE_X_FORWARDED_HOST`. Default `false`. */
  useXForwardedHost?: boolean;
  /** `USE_X_FORWARDED_PORT`. Default `false`. */
  useXForwardedPort?: boolean;
  /** `SECURE_PROXY_SSL_HEADER`, e.g. `["HTTP_X_FORWARDED_PROTO", "https"]`. Default `null` (the URL's scheme decides). */
  secureProxySslHeader?: [string, string] | null;
  /** `DATA_UPLOAD_MAX_MEMORY_SIZE` in bytes; null for no limit. Default `2621440`. */
  dataUploadMaxMemorySize?: number | null;
  /** `DATA_UPLOAD_MAX_NUMBER_FIELDS`; null for no limit. Default `1000`. */
  dataUploadMaxNumberFields?: number | null;
  /** `DATA_UPLOAD_MAX_NUMBER_FILES`; null for no limit. Default `100`. */
  dataUploadMaxNumberFiles?: number | null;
}

/** Options of {@link csrfProtect} and {@link csrfMiddleware}: the settings, and what only the edge has. */
export interface CsrfOptions extends CsrfSettings {
  /** Django's `csrf_exempt`, per request: true lets it through unchecked (the cookie rules still apply). */
  exempt?: (request: Request) => boolean;
  /** `CSRF_FAILURE_VIEW`: the response for a rejected request. Default: 403 with Django's reason as text. */
  onFailure?: (request: Request, reason: string) => Response | Promise<Response>;
  /**
   * The most bytes of a form body the edge reads to find the
   * `csrfmiddlewaretoken` field (Django streams multipart bodies; the edge
   * holds them); a larger POST form is answered 400. Null for no limit.
   * Default 10 MiB.
   */
  maxBodySize?: number | null;
  /** The clock for the cookie's `expires`: seconds since the epoch, or a function returning them. */
  now?: number | (() => number);
  /**
   * Recorded 32-character strings used in order instead of the CSPRNG for
   * new secrets and masks: for replaying Django's vectors. Never in production.
   */
  randomStrings?: string[];
}

/**
 * Wraps a fetch handler in Django's `CsrfViewMiddleware`. Safe methods
 * (GET, HEAD, OPTIONS, TRACE) pass; any other needs an Origin matching
 * the request's host or `trustedOrigins` (or, on HTTPS without Origin, a
 * matching Referer), the secret (the `csrftoken` cookie, or the session's
 * `_csrftoken` with `useSessions`), and a token from the
 * `csrfmiddlewaretoken` field of a urlencoded or multipart POST body or the
 * `X-CSRFToken` header. A rejection is answered 403 (see `onFailure`) with
 * Django's reason; a form body Django cannot parse, 400. Then the response
 * gets the cookie (`Set-Cookie`, `Vary: Cookie`) when
 * {@link csrf}`.getToken`, {@link login} or a malformed cookie asked for it.
 *
 * Inside {@link withSession}, the handler's second argument is its
 * session; `options` may be a function of `env`, called once per env.
 * Without a session, the first request loads `edge-sessions/signed`.
 *
 * @example
 * export default { fetch: withSession(csrfProtect(handler, { trustedOrigins: ["https://*.example.com"] }), sessionOptions) };
 */
export function csrfProtect<A extends unknown[]>(
  handler: (request: Request, ...rest: A) => Response | Promise<Response>,
  options?: CsrfOptions | ((env: any) => CsrfOptions),
): (request: Request, ...rest: A) => Promise<Response>;

/**
 * The same as Hono middleware: `app.use(csrfMiddleware(options))` after
 * `sessionMiddleware` (from `edge-sessions/hono`), whose session it uses.
 * In handlers, `csrf.getToken(c.req.raw, c.get("session"))`. `options` may
 * be a function of the context, called once per `c.env`.
 */
export function csrfMiddleware(options?: CsrfOptions | ((c: any) => CsrfOptions)): (c: any, next: () => Promise<void>) => Promise<void>;

/** CSRF calls inside a handler protected by {@link csrfProtect} or {@link csrfMiddleware}. */
export const csrf: {
  /**
   * Django's `get_token(request)`: a fresh masked token (64 characters)
   * for a form's `csrfmiddlewaretoken` field or the X-CSRFToken header.
   * The response then carries the secret's cookie (its expiry renewed), or
   * stores it in the session. Pass the Request the handler received, or
   * its session. {@link CsrfNotProcessed} for a request no middleware saw.
   */
  getToken(request: Request | undefined, session?: Session): string;
  /** Django's `rotate_token(request)`: a new secret for this response ({@link login} does it). */
  rotateToken(request: Request | undefined, session?: Session): void;
};
