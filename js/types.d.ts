/**
 * The declarations every entry shares: values, settings, storage adapters,
 * signing, and the session API in both shapes (answering Promises in
 * `edge-sessions`, answering at once in `edge-sessions/signed`).
 * Import from an entry, not from here.
 *
 * @packageDocumentation
 */

/**
 * What a session stores: what Python's JSON holds. Numbers include NaN and
 * ±Infinity, which Django's JSON writes (`NaN`, `Infinity`) and the edge
 * keeps.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `T` as a session operation answers it: at once (`Sync`) or as a Promise. */
export type Answer<T, Sync extends boolean> = Sync extends true ? T : Promise<T>;

// --- django.core.signing ---------------------------------------------------------

/** Options of {@link dumps}. */
export interface DumpsOptions {
  /** Django's `SECRET_KEY`. Must not be empty. */
  secretKey: string;
  /** Namespace of the signature. Default `"django.core.signing"`. */
  salt?: string;
  /** Deflate the JSON when that saves at least 2 bytes. Default false. */
  compress?: boolean;
  /** The clock: seconds since the epoch, or a function returning them. Default: now. */
  now?: number | (() => number);
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
  /** The clock: seconds since the epoch, or a function returning them. Default: now. */
  now?: number | (() => number);
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
  sign(value: string, options?: { now?: number | (() => number) }): string;
  /** The value; {@link SignatureExpired} when older than `maxAge` seconds. */
  unsign(signedValue: string, options?: { maxAge?: number | null; now?: number | (() => number) }): string;
  /** `sign_object`: what {@link dumps} does with this signer. */
  signObject(value: unknown, options?: { compress?: boolean; now?: number | (() => number) }): string;
  /** `unsign_object`: what {@link loads} does with this signer. */
  unsignObject<T = JsonValue>(signedObject: string, options?: { maxAge?: number | null; now?: number | (() => number) }): T;
}

/** Digest names `saltedHmac` and `base64Hmac` accept. */
export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

/**
 * The primitives under `django.core.signing` and `django.utils.crypto`.
 *
 * | argument | accepted | otherwise |
 * |---|---|---|
 * | `n` of b62Encode | an integer number or bigint in the 64-bit range | RangeError |
 * | strings (`s`, salts, values) | strings without lone surrogates | TypeError |
 * | secrets (`secret`, `key`) | strings without lone surrogates | InvalidSetting |
 * | `bytes` | a Uint8Array (a Buffer is one) or an ArrayBuffer | TypeError |
 */
export const signing: {
  /** `b62_encode` for a 64-bit integer (a RangeError outside that range or for a fraction). */
  b62Encode(n: number | bigint): string;
  /** `b62_decode` as a bigint, saturating at the 64-bit range (as timestamps are read; Python's ints are unbounded). */
  b62Decode(s: string): bigint;
  /** `b64_encode`: URL-safe base64 without padding. */
  b64Encode(bytes: Uint8Array | ArrayBuffer): string;
  /** `b64_decode`, as lenient as Python's. */
  b64Decode(s: string | Uint8Array | ArrayBuffer): Uint8Array;
  /**
   * `salted_hmac(key_salt, value, secret, algorithm=...)`: the digest bytes.
   * The session modules carry SHA-256 only: `"sha1"` (Django's default, so
   * also the default here) and `"sha512"` are InvalidSetting naming
   * `edge-sessions/digests`, which has all three.
   */
  saltedHmac(keySalt: string, value: string | Uint8Array | ArrayBuffer, secret: string, algorithm?: HmacAlgorithm): Uint8Array;
  /** `base64_hmac(salt, value, key, algorithm=...)`; SHA-256 only here (see `saltedHmac`). */
  base64Hmac(salt: string, value: string, key: string, algorithm?: HmacAlgorithm): string;
};

// --- storage adapters ----------------------------------------------------------------

/** A value or a Promise of it: adapters may answer either way. */
export type Awaitable<T> = T | Promise<T>;

/**
 * A cache entry: a pickle (`Uint8Array`) with `cacheFormat: "pickle"`
 * (Django's cache format, the default), JSON text (a string) with
 * `cacheFormat: "json"`.
 */
export type CacheEntry = string | Uint8Array;

/**
 * A cache for the `cache` and `cached_db` engines (Workers KV, the Cache
 * API, Redis, an LRU). The core picks keys (Django's `make_key`), values
 * and TTLs; an adapter stores the bytes it is given and gives them back.
 * A throw or rejection becomes {@link StorageError}.
 */
export interface CacheAdapter {
  /** The entry under `key` (a string, a Uint8Array or an ArrayBuffer), or null when absent or expired. */
  get(key: string): Awaitable<string | Uint8Array | ArrayBuffer | null | undefined>;
  /** Store `value` for `ttlSeconds` (a whole number, at least 1). */
  set(key: string, value: CacheEntry, ttlSeconds: number): Awaitable<unknown>;
  /** Store only if `key` is absent; false when it was present. */
  add(key: string, value: CacheEntry, ttlSeconds: number): Awaitable<boolean>;
  /** Remove `key`; an absent key is not an error. */
  delete(key: string): Awaitable<unknown>;
  /**
   * Store `value` only if `key` holds exactly `expected` (byte for byte),
   * atomically (compare-and-swap); false otherwise. Needed only with
   * `detectConflicts`.
   */
  replaceIf?(key: string, value: CacheEntry, ttlSeconds: number, expected: CacheEntry): Awaitable<boolean>;
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

/** Row operations on `django_session` for the `db` and `cached_db` engines (D1, SQLite, PostgreSQL, MySQL). */
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

// --- settings ----------------------------------------------------------------------------

/** Django's five engines, by short name or dotted path. */
export type EngineName =
  | "db"
  | "cache"
  | "cached_db"
  | "file"
  | "signed_cookies"
  | `django.contrib.sessions.backends.${"db" | "cache" | "cached_db" | "file" | "signed_cookies"}`;

/**
 * Django's session settings in camelCase, with Django's defaults. A typo
 * or a value of the wrong type is {@link InvalidSetting} at construction.
 */
export interface SessionSettings {
  /** `SECRET_KEY` (required, not empty). */
  secretKey: string;
  /** `SECRET_KEY_FALLBACKS`: older keys still accepted. Default `[]`. */
  secretKeyFallbacks?: string[];
  /** `SESSION_ENGINE`. Default `"db"`, as Django (`"signed_cookies"` in `edge-sessions/signed`). */
  engine?: EngineName;
  /** `SESSION_COOKIE_NAME`. Default `"sessionid"`. */
  cookieName?: string;
  /** `SESSION_COOKIE_AGE` in seconds. Default `1209600` (two weeks). */
  cookieAge?: number;
  /** `SESSION_COOKIE_DOMAIN`. Default `null` (host-only). */
  cookieDomain?: string | null;
  /** `SESSION_COOKIE_SECURE`. Default `false`. */
  cookieSecure?: boolean;
  /** `SESSION_COOKIE_HTTPONLY`. Default `true`. */
  cookieHttpOnly?: boolean;
  /** `SESSION_COOKIE_PATH`. Default `"/"`. */
  cookiePath?: string;
  /** `SESSION_COOKIE_SAMESITE`: `"Lax"`, `"Strict"`, `"None"`, or null/false for no attribute. Default `"Lax"`. */
  cookieSameSite?: "Lax" | "Strict" | "None" | null | false;
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. Default `false`. */
  expireAtBrowserClose?: boolean;
  /** `SESSION_SAVE_EVERY_REQUEST`. Default `false`. */
  saveEveryRequest?: boolean;
  /** `session_class`: the class name in the key salt `django.contrib.sessions.<name>`. Default `"SessionStore"`. */
  sessionClass?: string;
  /**
   * `CACHES OPTIONS serializer`: how the cache engines store the dict:
   * `"pickle"` (Django's cache backends, the default) or `"json"` (its JSON
   * text: for caches only the edge reads, or a Django cache with a JSON
   * serializer). Either format is read. Default `"pickle"`.
   */
  cacheFormat?: "pickle" | "json";
  /** `CACHES KEY_PREFIX`, as Django's `make_key` joins it. Default `""`. */
  cacheKeyPrefix?: string;
  /** `CACHES VERSION`, as Django's `make_key` joins it. Default `1`. */
  cacheVersion?: number;
  /** `CACHES KEY_FUNCTION`: `(key, keyPrefix, version) => string`, instead of `"<prefix>:<version>:<key>"`. Default `undefined`. */
  cacheKeyFunction?: (key: string, keyPrefix: string, version: number) => string;
  /**
   * `detect_conflicts`: lost-update protection (not in Django, where the
   * last write wins): a save is refused when another request changed the
   * stored session since this one read it, and the middleware answers 400
   * (SessionInterrupted). db and cache engines, with adapters that
   * compare-and-swap (`updateIf` / `replaceIf`). Default `false`.
   */
  detectConflicts?: boolean;
  /** `max_inflated_size`: the largest compressed payload inflated, in bytes (not in Django). Default `1048576`. */
  maxInflatedSize?: number;
}

/** Settings plus the storage the engine needs and the clock. */
export interface SessionOptions extends SessionSettings {
  /** `adapters`: the cache for the `cache` and `cached_db` engines. Default `undefined`. */
  cache?: CacheAdapter;
  /** `adapters`: the `django_session` table for the `db` and `cached_db` engines. Default `undefined`. */
  db?: DbAdapter;
  /** `adapters`: the session directory for the `file` engine. Default `undefined`. */
  files?: FileAdapter;
  /**
   * `now`: the clock in seconds since the epoch: a number, or a function
   * returning one. Not a finite number of seconds in Python's date range
   * (a Date, NaN, milliseconds by mistake) is {@link InvalidSetting} at
   * construction, or a TypeError from the call for a function's answer.
   * Default `() => Date.now() / 1000`.
   */
  now?: number | (() => number);
  /**
   * `storage_timeout`: milliseconds an adapter's Promise may take before
   * the call fails with {@link StorageError} (its `cause` a TimeoutError):
   * a positive number below 2**31. Default `undefined` (no limit).
   */
  storageTimeout?: number;
}

/** The settings in force, as {@link SessionsApi.settings} shows them (secrets and internals left out). */
export type ShownSettings = Readonly<
  Required<Omit<SessionSettings, "secretKey" | "secretKeyFallbacks" | "sessionClass" | "maxInflatedSize" | "cacheKeyFunction">>
>;

/** An argument to `setExpiry`. */
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
  /** When the session was last modified (a valid Date or ISO text; InvalidExpiry otherwise). Default: now. */
  modification?: Date | string;
  /** A value as `_session_expiry` stores it, used instead of the session's. */
  expiry?: number | string | Date | null;
}

// --- sessions ---------------------------------------------------------------------------

/**
 * One session: `request.session` with Django's dict semantics and flags.
 * In `edge-sessions` operations answer Promises (the first access may read
 * storage; the session loads lazily, as Django's does); in
 * `edge-sessions/signed` they answer at once. `await` works with both.
 *
 * Values are copied in and out: mutating an object returned by `get` does
 * not change the session (Django would change it in memory but not save it
 * unless `modified` is set). Set the value again to store a change.
 *
 * | argument | accepted | otherwise |
 * |---|---|---|
 * | `key` | any value, as `String(key)`, without lone surrogates | Unserializable |
 * | `value` | number, string, boolean, null, arrays and plain objects of those (toJSON honoured), nested at most 999 deep | Unserializable |
 * | `setExpiry` | null, a finite number, a valid Date, ISO text, `{ seconds }` | InvalidExpiry |
 * | `update` | an object, a Map, `[key, value]` pairs | Unserializable |
 * | `processResponse` status | an integer 100-999 | TypeError |
 * | `processResponse` vary | a string or string[] without NUL, CR, LF | TypeError |
 *
 * While an operation waits on storage, any other call (the flag getters
 * included) throws {@link SessionBusy}.
 */
export interface SessionApi<Sync extends boolean> {
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
  load(): Answer<void, Sync>;
  /** `session.get(key, default)`: the default when the key is absent. */
  get<T = JsonValue>(key: string, defaultValue: T): Answer<T, Sync>;
  /** `session.get(key)`: undefined when the key is absent. */
  get<T = JsonValue>(key: string): Answer<T | undefined, Sync>;
  /** `session[key] = value`. */
  set(key: string, value: unknown): Answer<void, Sync>;
  /** `del session[key]`: true if it was there (false, and no change, otherwise). */
  delete(key: string): Answer<boolean, Sync>;
  /** `key in session`. */
  has(key: string): Answer<boolean, Sync>;
  /** `session.pop(key, default)`. */
  pop<T = JsonValue>(key: string, defaultValue?: T): Answer<T | undefined, Sync>;
  /** `session.setdefault(key, value)`: the value now under `key`. */
  setdefault<T = JsonValue>(key: string, value: T): Answer<T, Sync>;
  /** `session.update(other)`: from an object, a Map or `[key, value]` pairs. */
  update(entries: Record<string, unknown> | Map<string, unknown> | Iterable<[string, unknown]>): Answer<void, Sync>;
  /** `session.keys()`, in insertion order. */
  keys(): Answer<string[], Sync>;
  /** `session.values()`. */
  values(): Answer<JsonValue[], Sync>;
  /** `session.items()` as `[key, value]` pairs, in insertion order. */
  items(): Answer<[string, JsonValue][], Sync>;
  /** `len(session)`. */
  size(): Answer<number, Sync>;
  /** `session.clear()`. */
  clear(): Answer<void, Sync>;
  /** `session.is_empty()`: no key and no data. */
  isEmpty(): Answer<boolean, Sync>;
  /** The loaded dict without loading or touching a flag (undefined if not loaded). */
  peek(): Record<string, JsonValue> | undefined;
  /** `set_test_cookie()`. */
  setTestCookie(): Answer<void, Sync>;
  /** `test_cookie_worked()`. */
  testCookieWorked(): Answer<boolean, Sync>;
  /** `delete_test_cookie()`; {@link KeyError} when it was never set. */
  deleteTestCookie(): Answer<void, Sync>;
  /** `set_expiry(value)`. */
  setExpiry(value: Expiry): Answer<void, Sync>;
  /** `get_expiry_age()`: seconds until the session expires. */
  getExpiryAge(query?: ExpiryQuery): Answer<number, Sync>;
  /** `get_expiry_date()` as a Date, or as Python's isoformat with `format: "iso"`. */
  getExpiryDate(query?: ExpiryQuery & { format?: "date" }): Answer<Date, Sync>;
  getExpiryDate(query: ExpiryQuery & { format: "iso" }): Answer<string, Sync>;
  /** `get_expire_at_browser_close()`. */
  getExpireAtBrowserClose(): Answer<boolean, Sync>;
  /** `save()` (`mustCreate`: `save(must_create=True)`). */
  save(options?: { mustCreate?: boolean }): Answer<void, Sync>;
  /** `create()`: a new empty session under a fresh key. */
  create(): Answer<void, Sync>;
  /** `exists(session_key)` in the store. */
  exists(sessionKey: string): Answer<boolean, Sync>;
  /** Django's `delete(session_key)`: remove a stored session (this one by default). */
  deleteFromStore(sessionKey?: string | null): Answer<void, Sync>;
  /** `flush()`: log out: empty the session, delete it, drop the key. */
  flush(): Answer<void, Sync>;
  /** `cycle_key()`: log in: the same data under a new key, the old record deleted. */
  cycleKey(): Answer<void, Sync>;
  /**
   * Django's `SessionMiddleware.process_response` for servers without
   * Response objects: saves the session when Django would (modified or
   * `saveEveryRequest`, not on 5xx) and returns the headers to add:
   * `setCookie` (append as a Set-Cookie header) and `vary` (the new value of
   * Vary, given its current value). Throws {@link SessionInterrupted} when
   * the session was deleted meanwhile: answer 400. This ends the session's
   * request: its memory is freed, its key, flags and `peek()` stay readable,
   * and any other call throws {@link SessionClosed}.
   */
  processResponse(status?: number, vary?: string | string[] | null): Answer<{ setCookie: string | undefined; vary: string | undefined }, Sync>;
}

/** The settings and storage of one application; build once, open a session per request. */
export interface SessionsApi<S> {
  /** The settings in force (secrets left out). */
  readonly settings: ShownSettings;
  /** `SessionStore(sessionKey)`. */
  open(sessionKey?: string | null): S;
  /** The session named by the request's Cookie header. */
  fromRequest(request: Request): S;
  /** The session named by a raw Cookie header (node:http, Express...); finish with `processResponse`. */
  fromCookieHeader(cookieHeader: string | string[] | null | undefined): S;
  /** `clear_expired()`: remove expired sessions (db, cached_db and file engines). */
  clearExpired(): Promise<void> | void;
  /**
   * Django's SessionMiddleware around one request: `view(session)` makes the
   * Response; then the session is saved when modified (or on every request
   * with `saveEveryRequest`), `Set-Cookie` is appended (other Set-Cookie
   * headers are kept), `Vary: Cookie` is added when the session was
   * accessed, 5xx responses are not saved, an emptied session's cookie is
   * deleted, and a session deleted by a concurrent request gives 400.
   */
  handle(request: Request, view: (session: S) => Response | Promise<Response>): Promise<Response>;
}

/** A fetch handler that receives the request's session. */
export type SessionHandler<S, Env = unknown, Ctx = unknown> = (request: Request, session: S, env: Env, ctx: Ctx) => Response | Promise<Response>;

// For the {@link}s above.
import type { BadSignature, InvalidSetting, KeyError, SessionBusy, SessionClosed, SessionInterrupted, SignatureExpired, StorageError } from "./errors.js";
