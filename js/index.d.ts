/**
 * edge-sessions: Django's session framework, exact to the byte, for
 * Cloudflare Workers, Deno, Node, Bun and browsers. Sessions written here
 * are read by a Django site sharing the same `secretKey`, and the reverse.
 *
 * @packageDocumentation
 */

/** Any value JSON can hold: what a session stores. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// --- errors ------------------------------------------------------------------

/** Base class of every error edge-sessions throws; `name` and `code` are stable. */
export class EdgeSessionsError extends Error {
  /** The error's stable name, also in `name`. */
  readonly code: string;
}
/** The signature does not match under the key or any fallback key. */
export class BadSignature extends EdgeSessionsError {}
/** The signature matched but is older than `maxAge` (a `BadSignature`, as in Django). */
export class SignatureExpired extends BadSignature {}
/** The signature matched but the payload cannot be decoded. */
export class BadPayload extends EdgeSessionsError {}
/** A value JSON cannot hold (a function, a BigInt, a cycle). */
export class Unserializable extends EdgeSessionsError {}
/** An option is unknown, of the wrong type, or would break a header; thrown at construction. */
export class InvalidSetting extends EdgeSessionsError {}
/** The session was deleted by another request while this one ran (answered with 400). */
export class SessionInterrupted extends EdgeSessionsError {}
/** A storage adapter threw, rejected or answered nonsense; `cause` is its own error. */
export class StorageError extends EdgeSessionsError {}
/** A Set-Cookie header over the 4096 bytes browsers keep. */
export class CookieTooLarge extends EdgeSessionsError {}
/** A key that is not in the session (Python's KeyError), e.g. from `deleteTestCookie()`. */
export class KeyError extends EdgeSessionsError {}
/** An expiry value that cannot be used. */
export class InvalidExpiry extends EdgeSessionsError {}
/** A session key with characters a file name must not hold (file engine). */
export class InvalidSessionKey extends EdgeSessionsError {}
/** A new session's key already exists (Django's CreateError). */
export class CreateError extends EdgeSessionsError {}
/** A saved session no longer exists (Django's UpdateError). */
export class UpdateError extends EdgeSessionsError {}
/** No unused session key could be found: the store is probably failing. */
export class KeySpaceExhausted extends EdgeSessionsError {}
/** A session call was made while an earlier one was still waiting on storage; await each call. */
export class SessionBusy extends EdgeSessionsError {}
/**
 * A session used after its request ended: `withSession` and `handle` free it
 * with the response. Its key, flags and `peek()` stay readable.
 */
export class SessionClosed extends EdgeSessionsError {}

// --- django.core.signing -------------------------------------------------------

/** Options of {@link dumps}. */
export interface DumpsOptions {
  /** Django's `SECRET_KEY`. Must not be empty. */
  secretKey: string;
  /** Namespace of the signature. Default `"django.core.signing"`. */
  salt?: string;
  /** Deflate the JSON when that saves at least 2 bytes. Default false. */
  compress?: boolean;
  /** The clock, in seconds since the epoch (for tests). Default: now. */
  now?: number;
}

/** Options of {@link loads}. */
export interface LoadsOptions {
  /** Django's `SECRET_KEY`. */
  secretKey: string;
  /** Older keys still accepted (`SECRET_KEY_FALLBACKS`). */
  fallbackKeys?: string[];
  /** Must match the salt used to sign. Default `"django.core.signing"`. */
  salt?: string;
  /** Refuse tokens older than this many seconds ({@link SignatureExpired}). */
  maxAge?: number | null;
  /** The clock, in seconds since the epoch (for tests). Default: now. */
  now?: number;
}

/**
 * `django.core.signing.dumps`: a URL-safe, timestamped, signed token for a
 * JSON value, byte for byte what Django produces.
 * @example dumps({ user: 1 }, { secretKey: env.SECRET_KEY })
 */
export function dumps(value: unknown, options: DumpsOptions): string;

/**
 * `django.core.signing.loads`: the value of a token from {@link dumps} or
 * from Django. Throws {@link BadSignature} or {@link SignatureExpired}.
 */
export function loads<T = JsonValue>(token: string, options: LoadsOptions): T;

/** Options of {@link Signer}. */
export interface SignerOptions {
  /** The secret key. */
  key: string;
  /** Older keys still accepted when unsigning. */
  fallbackKeys?: string[];
  /** Default `"django.core.signing.Signer"`. */
  salt?: string;
  /** Separator between value and signature. Default `":"`. */
  sep?: string;
}

/** `django.core.signing.Signer`: `value:signature` with HMAC-SHA256. */
export class Signer {
  constructor(options: SignerOptions);
  /** The value with its signature appended. */
  sign(value: string): string;
  /** The value, or {@link BadSignature}. */
  unsign(signedValue: string): string;
}

/** `django.core.signing.TimestampSigner`: `value:timestamp:signature`. */
export class TimestampSigner {
  constructor(options: Omit<SignerOptions, "sep">);
  /** Signs `value` with the current (or given) time. */
  sign(value: string, options?: { now?: number }): string;
  /** The value; {@link SignatureExpired} when older than `maxAge` seconds. */
  unsign(signedValue: string, options?: { maxAge?: number | null; now?: number }): string;
  /** `sign_object`: what {@link dumps} does with this signer. */
  signObject(value: unknown, options?: { compress?: boolean; now?: number }): string;
  /** `unsign_object`: what {@link loads} does with this signer. */
  unsignObject<T = JsonValue>(signedObject: string, options?: { maxAge?: number | null; now?: number }): T;
}

/** Digest names `saltedHmac` and `base64Hmac` accept. */
export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

/** The primitives under `django.core.signing` and `django.utils.crypto`. */
export const signing: {
  /** `b62_encode` for a 64-bit integer (a RangeError outside that range or for a fraction). */
  b62Encode(n: number | bigint): string;
  /** `b62_decode` as a bigint, saturating at the 64-bit range (as timestamps are read; Python's ints are unbounded). */
  b62Decode(s: string): bigint;
  /** `b64_encode`: URL-safe base64 without padding. */
  b64Encode(bytes: Uint8Array): string;
  /** `b64_decode`, as lenient as Python's. */
  b64Decode(s: string | Uint8Array): Uint8Array;
  /** `salted_hmac(key_salt, value, secret, algorithm=...)`: the digest bytes. Default sha1, as Django. */
  saltedHmac(keySalt: string, value: string | Uint8Array, secret: string, algorithm?: HmacAlgorithm): Uint8Array;
  /** `base64_hmac(salt, value, key, algorithm=...)`. Default sha1, as Django. */
  base64Hmac(salt: string, value: string, key: string, algorithm?: HmacAlgorithm): string;
};

// --- storage callbacks ----------------------------------------------------------

/** A value or a Promise of it: adapters may answer either way. */
export type Awaitable<T> = T | Promise<T>;

/**
 * A cache for the `cache` and `cached_db` engines (Workers KV, the Cache
 * API, Redis, an LRU). Keys and values are strings; the core picks keys
 * (Django's prefixes) and TTLs. A throw or rejection becomes {@link StorageError}.
 */
export interface CacheAdapter {
  /** The value under `key`, or null when absent or expired. */
  get(key: string): Awaitable<string | null | undefined>;
  /** Store `value` for `ttlSeconds` (a whole number, at least 1). */
  set(key: string, value: string, ttlSeconds: number): Awaitable<unknown>;
  /** Store only if `key` is absent; false when it was present. */
  add(key: string, value: string, ttlSeconds: number): Awaitable<boolean>;
  /** Remove `key`; an absent key is not an error. */
  delete(key: string): Awaitable<unknown>;
  /**
   * Store `value` only if `key` holds exactly `expected`, atomically
   * (compare-and-swap); false otherwise. Needed only with `detectConflicts`.
   */
  replaceIf?(key: string, value: string, ttlSeconds: number, expected: string): Awaitable<boolean>;
}

/**
 * One row of Django's `django_session` table. `expireDate` is UTC in
 * Django's SQLite text form, `2023-11-28 22:13:20[.ffffff]`; adapters may
 * return any ISO 8601 text or a Date.
 */
export interface SessionRow {
  sessionKey: string;
  sessionData: string;
  expireDate: string;
}

/** Row operations on `django_session` for the `db` and `cached_db` engines (D1, SQLite, PostgreSQL). */
export interface DbAdapter {
  /** The row with this key, expired or not; null if none. */
  get(sessionKey: string): Awaitable<(Omit<SessionRow, "expireDate"> & { expireDate: string | Date }) | null | undefined>;
  /** Whether a row with this key exists, expired or not. */
  exists(sessionKey: string): Awaitable<boolean>;
  /** Insert `row`; false when the key is taken (Django's IntegrityError). */
  insert(row: SessionRow): Awaitable<boolean>;
  /** Replace the row with `row.sessionKey`; false when there is none. */
  update(row: SessionRow): Awaitable<boolean>;
  /** Delete the row; an absent row is not an error. */
  delete(sessionKey: string): Awaitable<unknown>;
  /** Delete every row with `expireDate < before` (same text form). */
  deleteExpired(before: string): Awaitable<unknown>;
  /**
   * Replace the row only if its `sessionData` is still `expected` (a
   * conditional UPDATE); false otherwise. Needed only with `detectConflicts`.
   */
  updateIf?(row: SessionRow, expected: string): Awaitable<boolean>;
}

/** Files in one directory (`SESSION_FILE_PATH`) for the `file` engine. Names are Django's (`sessionid` + key). */
export interface FileAdapter {
  /** The file, or null if it does not exist. `modifiedAt` is in seconds since the epoch. */
  read(name: string): Awaitable<{ content: string; modifiedAt: number } | null | undefined>;
  /** Whether the file exists. */
  exists(name: string): Awaitable<boolean>;
  /** Write atomically (temp file + rename). `create`: false if it exists; `replace`: false if it does not. */
  write(name: string, content: string, mode: "create" | "replace"): Awaitable<boolean>;
  /** Remove the file; an absent file is not an error. */
  remove(name: string): Awaitable<unknown>;
  /** Names in the directory starting with `prefix`. */
  list(prefix: string): Awaitable<string[]>;
}

/**
 * An in-memory {@link CacheAdapter}; least recently used entries go past
 * `maxEntries` (a number, 1 or more; InvalidSetting otherwise).
 */
export function memoryCache(options?: { maxEntries?: number; now?: () => number }): CacheAdapter & { readonly size: number };
/** An in-memory {@link DbAdapter}; `rows()` lists what it holds. */
export function memoryDb(): DbAdapter & { rows(): SessionRow[] };
/** An in-memory {@link FileAdapter}. */
export function memoryFiles(options?: { now?: () => number }): FileAdapter;

// --- settings and sessions ---------------------------------------------------------

/** Django's five engines, by short name or dotted path. */
export type EngineName =
  | "db" | "cache" | "cached_db" | "file" | "signed_cookies"
  | `django.contrib.sessions.backends.${"db" | "cache" | "cached_db" | "file" | "signed_cookies"}`;

/** Django's session settings in camelCase, with Django's defaults. */
export interface SessionSettings {
  /** `SECRET_KEY` (required, not empty). */
  secretKey: string;
  /** `SECRET_KEY_FALLBACKS`: older keys still accepted. Default `[]`. */
  secretKeyFallbacks?: string[];
  /** `SESSION_COOKIE_NAME`. Default `"sessionid"`. */
  cookieName?: string;
  /** `SESSION_COOKIE_AGE` in seconds. Default 1209600 (two weeks). */
  cookieAge?: number;
  /** `SESSION_COOKIE_DOMAIN`. Default null (host-only). */
  cookieDomain?: string | null;
  /** `SESSION_COOKIE_SECURE`. Default false. */
  cookieSecure?: boolean;
  /** `SESSION_COOKIE_HTTPONLY`. Default true. */
  cookieHttpOnly?: boolean;
  /** `SESSION_COOKIE_PATH`. Default `"/"`. */
  cookiePath?: string;
  /** `SESSION_COOKIE_SAMESITE`: `"Lax"` (default), `"Strict"`, `"None"`, or null/false for no attribute. */
  cookieSameSite?: "Lax" | "Strict" | "None" | null | false;
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. Default false. */
  expireAtBrowserClose?: boolean;
  /** `SESSION_SAVE_EVERY_REQUEST`. Default false. */
  saveEveryRequest?: boolean;
  /** `SESSION_ENGINE`. Default `"db"`, as Django. */
  engine?: EngineName;
  /** `SESSION_FILE_PATH` (informational; the file adapter owns the directory). */
  filePath?: string | null;
  /** Class name in the key salt `django.contrib.sessions.<name>`. Default `"SessionStore"`. */
  sessionClass?: string;
  /** Largest inflated payload accepted, in bytes (not in Django). Default 1 MiB. */
  maxInflatedSize?: number;
  /**
   * Lost-update protection (not in Django, where the last write wins): a
   * save is refused when another request changed the stored session since
   * this one read it, and the middleware answers 400 (SessionInterrupted).
   * db and cache engines, with adapters that compare-and-swap (`updateIf` /
   * `replaceIf`: memory, SQLite, D1, PostgreSQL, Redis, Deno KV, Durable
   * Objects; not Workers KV or the Cache API). Default false.
   */
  detectConflicts?: boolean;
}

/** Settings plus the storage the engine needs and an optional clock. */
export interface SessionOptions extends SessionSettings {
  /** Cache for the `cache` and `cached_db` engines. */
  cache?: CacheAdapter;
  /** `django_session` table for the `db` and `cached_db` engines. */
  db?: DbAdapter;
  /** Session directory for the `file` engine. */
  files?: FileAdapter;
  /** The clock in seconds since the epoch (for tests). Default `Date.now() / 1000`. */
  now?: () => number;
  /**
   * Milliseconds an adapter's Promise may take before the call fails with
   * {@link StorageError} (its `cause` a TimeoutError). Default: no limit.
   */
  storageTimeout?: number;
}

/** An argument to {@link Session.setExpiry}. */
export type Expiry =
  /** Back to the global policy. */
  | null
  /** Seconds of inactivity; 0 = when the browser closes. */
  | number
  /** An absolute expiry (a Date, or ISO 8601 text whose offset is kept). */
  | Date
  | string
  /** A timedelta: now plus this many seconds, stored as a date. */
  | { seconds: number };

/** The `modification` and `expiry` arguments of Django's `get_expiry_age`/`get_expiry_date`. */
export interface ExpiryQuery {
  /** When the session was last modified. Default: now. */
  modification?: Date | string;
  /** A value as `_session_expiry` stores it, used instead of the session's. */
  expiry?: number | string | Date | null;
}

/**
 * One session: `request.session` with Django's dict semantics and flags.
 * Methods are async because the first access may read storage; the session
 * loads lazily, as Django's does.
 *
 * Values are copied in and out as JSON: mutating an object returned by
 * {@link Session.get} does not change the session (Django would change it
 * in memory but not save it unless `modified` is set). Set the value again
 * to store a change.
 */
export class Session {
  private constructor();
  /** The session key (the cookie value), or null before the first save. */
  readonly sessionKey: string | null;
  /** Set by every access to the dict; decides `Vary: Cookie`. */
  accessed: boolean;
  /** Set by every change; decides whether the session is saved. Settable, as in Django. */
  modified: boolean;
  /** Whether the dict has been read from storage. */
  readonly isLoaded: boolean;
  /** Why the last load gave an empty session (`"BadSignature: ..."`), or null. */
  readonly loadProblem: string | null;
  /** Read the session from storage now (flags untouched). */
  load(): Promise<void>;
  /** `session.get(key, default)`: the default when the key is absent. */
  get<T = JsonValue>(key: string, defaultValue: T): Promise<T>;
  /** `session.get(key)`: undefined when the key is absent. */
  get<T = JsonValue>(key: string): Promise<T | undefined>;
  /** `session[key] = value`. */
  set(key: string, value: unknown): Promise<void>;
  /** `del session[key]`: true if it was there (false, and no change, otherwise). */
  delete(key: string): Promise<boolean>;
  /** `key in session`. */
  has(key: string): Promise<boolean>;
  /** `session.pop(key, default)`. */
  pop<T = JsonValue>(key: string, defaultValue?: T): Promise<T | undefined>;
  /** `session.setdefault(key, value)`: the value now under `key`. */
  setdefault<T = JsonValue>(key: string, value: T): Promise<T>;
  /** `session.update(other)`: from an object, a Map or `[key, value]` pairs. */
  update(entries: Record<string, unknown> | Map<string, unknown> | Iterable<[string, unknown]>): Promise<void>;
  /** `session.keys()`, in insertion order. */
  keys(): Promise<string[]>;
  /** `session.values()`. */
  values(): Promise<JsonValue[]>;
  /** `session.items()` as `[key, value]` pairs, in insertion order. */
  items(): Promise<[string, JsonValue][]>;
  /** `len(session)`. */
  size(): Promise<number>;
  /** `session.clear()`. */
  clear(): Promise<void>;
  /** `session.is_empty()`: no key and no data. */
  isEmpty(): Promise<boolean>;
  /** The loaded dict without loading or touching a flag (undefined if not loaded). */
  peek(): Record<string, JsonValue> | undefined;
  /** `set_test_cookie()`. */
  setTestCookie(): Promise<void>;
  /** `test_cookie_worked()`. */
  testCookieWorked(): Promise<boolean>;
  /** `delete_test_cookie()`; {@link KeyError} when it was never set. */
  deleteTestCookie(): Promise<void>;
  /** `set_expiry(value)`. */
  setExpiry(value: Expiry): Promise<void>;
  /** `get_expiry_age()`: seconds until the session expires. */
  getExpiryAge(query?: ExpiryQuery): Promise<number>;
  /** `get_expiry_date()` as a Date, or as Python's isoformat with `format: "iso"`. */
  getExpiryDate(query?: ExpiryQuery & { format?: "date" }): Promise<Date>;
  getExpiryDate(query: ExpiryQuery & { format: "iso" }): Promise<string>;
  /** `get_expire_at_browser_close()`. */
  getExpireAtBrowserClose(): Promise<boolean>;
  /** `save()` (`mustCreate`: `save(must_create=True)`). */
  save(options?: { mustCreate?: boolean }): Promise<void>;
  /** `create()`: a new empty session under a fresh key. */
  create(): Promise<void>;
  /** `exists(session_key)` in the store. */
  exists(sessionKey: string): Promise<boolean>;
  /** Django's `delete(session_key)`: remove a stored session (this one by default). */
  deleteFromStore(sessionKey?: string | null): Promise<void>;
  /** `flush()`: log out: empty the session, delete it, drop the key. */
  flush(): Promise<void>;
  /** `cycle_key()`: log in: the same data under a new key, the old record deleted. */
  cycleKey(): Promise<void>;
  /**
   * Django's `SessionMiddleware.process_response` for servers without
   * Response objects: saves the session when Django would (modified or
   * `saveEveryRequest`, not on 5xx) and returns the headers to add:
   * `setCookie` (append as a Set-Cookie header) and `vary` (the new value of
   * Vary, given its current value). Throws {@link SessionInterrupted} when
   * the session was deleted meanwhile: answer 400. This ends the session's
   * request: its memory is freed, its key, flags and `peek()` stay readable,
   * and any other call throws {@link SessionClosed}. A `status` that is not
   * an HTTP status code, or a `vary` holding a NUL, is a TypeError.
   */
  processResponse(status?: number, vary?: string | null): Promise<{ setCookie: string | undefined; vary: string | undefined }>;
}

/** The settings and storage of one application; build once, open a session per request. */
export class Sessions {
  /** Validates everything at once; throws {@link InvalidSetting}. */
  constructor(options: SessionOptions);
  /** The settings in force (secrets left out). */
  readonly settings: Readonly<Required<Omit<SessionSettings, "secretKey" | "secretKeyFallbacks" | "filePath" | "sessionClass" | "maxInflatedSize">>>;
  /** `SessionStore(sessionKey)`. */
  open(sessionKey?: string | null): Session;
  /** The session named by the request's Cookie header. */
  fromRequest(request: Request): Session;
  /** The session named by a raw Cookie header (node:http, Express...); finish with {@link Session.processResponse}. */
  fromCookieHeader(cookieHeader: string | null | undefined): Session;
  /** `clear_expired()`: remove expired sessions (db, cached_db and file engines). */
  clearExpired(): Promise<void>;
  /** Django's SessionMiddleware around one request (see {@link withSession}). */
  handle(request: Request, view: (session: Session) => Response | Promise<Response>): Promise<Response>;
}

/** A fetch handler that receives the request's session. */
export type SessionHandler<Env = unknown, Ctx = unknown> = (
  request: Request,
  session: Session,
  env: Env,
  ctx: Ctx,
) => Response | Promise<Response>;

/**
 * Django's SessionMiddleware for fetch handlers. The session loads lazily
 * from the Cookie header; after the handler, it is saved when modified (or
 * on every request with `saveEveryRequest`), `Set-Cookie` is appended (other
 * Set-Cookie headers are kept), `Vary: Cookie` is added when the session was
 * accessed, 5xx responses are not saved, an emptied session's cookie is
 * deleted, and a session deleted by a concurrent request gives 400.
 *
 * `options` may be a function of `env` (Workers bindings and secrets live
 * there); it is called once per `env` object.
 *
 * @example
 * export default { fetch: withSession(async (req, session) => {
 *   await session.set("visits", (await session.get("visits", 0)) + 1);
 *   return new Response("hi");
 * }, (env) => ({ secretKey: env.SECRET_KEY, engine: "signed_cookies" })) };
 */
export function withSession<Env = unknown, Ctx = unknown>(
  handler: SessionHandler<Env, Ctx>,
  options: SessionOptions | ((env: Env) => SessionOptions),
): (request: Request, env?: Env, ctx?: Ctx) => Promise<Response>;
