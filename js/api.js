// The JS face of edge-sessions: camelCase names over the wasm core. Logic
// lives in Rust; this file converts values (JSON text both ways), turns
// core errors into the exported classes, and speaks Request/Response.

import * as core from "./edge_sessions.js";
import { InvalidExpiry, InvalidSetting, SessionClosed, SessionInterrupted, Unserializable, toError } from "./errors.js";

export * from "./errors.js";
export { memoryCache, memoryDb, memoryFiles } from "./adapters/memory.js";

const clock = () => Date.now() / 1000;

const rethrow = (error) => {
  throw toError(error);
};

/**
 * A core call's answer as a Promise, its errors as our classes, `map`
 * applied to the value. The core answers at once unless storage waits,
 * so the common case costs one resolved Promise, not an async frame.
 * A session call that fails answers with the Error itself (see the core's
 * `settle`); no value it answers is an Error.
 */
function run(call, map) {
  try {
    const answer = call();
    if (answer instanceof Promise) return map ? answer.then(map, rethrow) : answer.catch(rethrow);
    if (answer instanceof Error) return Promise.reject(toError(answer));
    return Promise.resolve(map ? map(answer) : answer);
  } catch (error) {
    return Promise.reject(toError(error));
  }
}

function now(given) {
  return given ?? clock();
}

function text(value, name) {
  if (typeof value !== "string") throw new InvalidSetting(`${name} must be a string`);
  return value;
}

function keys(list, name) {
  if (list == null) return [];
  if (!Array.isArray(list) || list.some((k) => typeof k !== "string")) {
    throw new InvalidSetting(`${name} must be an array of strings`);
  }
  return list;
}

/** Refuses what JSON.stringify would silently turn into null. */
function finiteNumbers(key, value) {
  if (typeof value === "number" && !Number.isFinite(value)) throw new Unserializable(`${value} cannot be written as JSON`);
  return value;
}

/** JSON text of a value, or Unserializable when JSON cannot hold it. */
function toJson(value) {
  let json;
  try {
    // The replacer walks objects only when there may be a number to refuse.
    json = typeof value === "object" && value !== null ? JSON.stringify(value, finiteNumbers) : JSON.stringify(finiteNumbers("", value));
  } catch (error) {
    if (error instanceof Unserializable) throw error;
    throw new Unserializable(`value cannot be written as JSON: ${error.message}`, { cause: error });
  }
  if (json === undefined) throw new Unserializable(`a ${typeof value} cannot be written as JSON`);
  return json;
}

const fromJson = (json) => (json === undefined ? undefined : JSON.parse(json));

/** A dict key as the core gets it: lone surrogates would become U+FFFD and collide. */
function keyOf(key) {
  const text = String(key);
  if (!text.isWellFormed()) throw new Unserializable("a session key must not contain a lone surrogate");
  return text;
}

/** An optional string argument; anything else is a TypeError, never a trap in wasm. */
function optionalText(value, name) {
  if (value == null) return undefined;
  if (typeof value === "string") return value;
  throw new TypeError(`${name} must be a string, null or undefined`);
}

/** A header as node:http may give it: a string, a list of strings, or nothing. */
function headerText(value, name, separator) {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(separator);
  return optionalText(value, name);
}

/** `maxAge`: nothing, or a number of seconds (a typo must not turn expiry off). */
function maxAgeOf(maxAge) {
  if (maxAge == null) return undefined;
  if (typeof maxAge !== "number" || Number.isNaN(maxAge)) throw new InvalidSetting("maxAge must be a number of seconds");
  return maxAge;
}

/** An options argument: an object, or nothing (Django's defaults). */
function optionsOf(options) {
  if (options == null) return {};
  if (typeof options !== "object") throw new InvalidSetting("options must be an object");
  return options;
}

function sync(call) {
  try {
    return call();
  } catch (error) {
    throw toError(error);
  }
}

// --- django.core.signing ---------------------------------------------------

/** `django.core.signing.dumps`. */
export function dumps(value, options) {
  const { secretKey, salt = "django.core.signing", compress = false, now: at } = optionsOf(options);
  return sync(() => core.signingDumps(toJson(value), text(secretKey, "secretKey"), text(salt, "salt"), Boolean(compress), now(at)));
}

/** `django.core.signing.loads`. */
export function loads(token, options) {
  const { secretKey, fallbackKeys, salt = "django.core.signing", maxAge, now: at } = optionsOf(options);
  return sync(() => fromJson(core.signingLoads(
    text(token, "token"), text(secretKey, "secretKey"), keys(fallbackKeys, "fallbackKeys"),
    text(salt, "salt"), maxAgeOf(maxAge), now(at))));
}

/** `django.core.signing.Signer` (HMAC-SHA256). */
export class Signer {
  #core;
  constructor(options) {
    const { key, fallbackKeys, salt = "django.core.signing.Signer", sep = ":" } = optionsOf(options);
    this.#core = sync(() => new core.SignerCore(text(key, "key"), keys(fallbackKeys, "fallbackKeys"), text(salt, "salt"), text(sep, "sep")));
  }
  sign(value) { return this.#core.sign(String(value)); }
  unsign(signedValue) { return sync(() => this.#core.unsign(text(signedValue, "signedValue"))); }
}

/** `django.core.signing.TimestampSigner` (HMAC-SHA256, base62 timestamps). */
export class TimestampSigner {
  #core;
  constructor(options) {
    const { key, fallbackKeys, salt = "django.core.signing.TimestampSigner" } = optionsOf(options);
    this.#core = sync(() => new core.TimestampSignerCore(text(key, "key"), keys(fallbackKeys, "fallbackKeys"), text(salt, "salt")));
  }
  sign(value, { now: at } = {}) { return this.#core.sign(String(value), now(at)); }
  unsign(signedValue, { maxAge, now: at } = {}) {
    return sync(() => this.#core.unsign(text(signedValue, "signedValue"), maxAgeOf(maxAge), now(at)));
  }
  signObject(value, { compress = false, now: at } = {}) {
    return sync(() => this.#core.signObject(toJson(value), Boolean(compress), now(at)));
  }
  unsignObject(signedObject, { maxAge, now: at } = {}) {
    return sync(() => fromJson(this.#core.unsignObject(text(signedObject, "signedObject"), maxAgeOf(maxAge), now(at))));
  }
}

const INT64 = 2n ** 63n;

/** `n` as a 64-bit integer, or a RangeError rather than a silent wrap. */
function int64(n) {
  const big = typeof n === "bigint" ? n : Number.isSafeInteger(n) ? BigInt(n) : null;
  if (big === null || big < -INT64 || big >= INT64) throw new RangeError(`b62Encode takes a 64-bit integer, not ${n}`);
  return big;
}

/** The encoding primitives of `django.core.signing` and `django.utils.crypto`. */
export const signing = Object.freeze({
  b62Encode: (n) => core.b62Encode(int64(n)),
  b62Decode: (s) => sync(() => core.b62Decode(text(s, "s"))),
  b64Encode: (bytes) => core.b64Encode(bytes),
  b64Decode: (s) => sync(() => core.b64Decode(typeof s === "string" ? new TextEncoder().encode(s) : s)),
  saltedHmac: (keySalt, value, secret, algorithm = "sha1") =>
    sync(() => core.saltedHmac(text(keySalt, "keySalt"), typeof value === "string" ? new TextEncoder().encode(value) : value, text(secret, "secret"), algorithm)),
  base64Hmac: (salt, value, key, algorithm = "sha1") =>
    sync(() => core.base64Hmac(text(salt, "salt"), text(value, "value"), text(key, "key"), algorithm)),
});

// --- sessions ----------------------------------------------------------------

const CORE = Symbol("edge-sessions core");

const closed = () => {
  throw new SessionClosed("this session's request has ended: withSession and handle release it with the response");
};

/**
 * What a released session's core is: its final state (the core's
 * `finalState()` JSON, parsed when first read), and SessionClosed for any
 * other call, through a Proxy prototype shared by all of them.
 */
class ReleasedCore {
  #json;
  #state;
  constructor(json) { this.#json = json; }
  #read(name) { return (this.#state ??= JSON.parse(this.#json ?? "{}"))[name] ?? undefined; }
  sessionKey() { return this.#read("sessionKey"); }
  accessed() { return this.#read("accessed"); }
  modified() { return this.#read("modified"); }
  isLoaded() { return this.#read("isLoaded"); }
  loadProblem() { return this.#read("loadProblem"); }
  peek() { const dict = this.#read("peek"); return dict === undefined ? undefined : JSON.stringify(dict); }
}
Object.setPrototypeOf(ReleasedCore.prototype, new Proxy({}, { get: (_, name) => (typeof name === "symbol" ? undefined : closed) }));

/**
 * Frees a session's wasm memory now rather than at the next GC: the
 * middleware owns the sessions it opens, so thousands of requests between
 * collections do not pile up in the wasm heap. Its final state stays
 * readable (key, flags, `peek()`); any other call throws SessionClosed.
 * `finalState` is that state when the caller already has it.
 */
function release(session, finalState) {
  const core = session[CORE];
  if (core instanceof ReleasedCore) return;
  session[CORE] = new ReleasedCore(finalState ?? core.finalState());
  core.free();
}

/** Python's isoformat for a Date or an ISO string. */
function isoOf(value, what) {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  throw new InvalidExpiry(`${what} must be a Date or an ISO 8601 string`);
}

/** A value as `_session_expiry` would store it, as JSON text. */
function storedExpiry(value) {
  return value instanceof Date ? JSON.stringify(value.toISOString()) : toJson(value);
}

/** `set_expiry`'s argument as the core's [kind, seconds, iso]. */
function expiryArgs(value) {
  const finite = (n) => {
    if (!Number.isFinite(n)) throw new InvalidExpiry(`expiry ${n} is not a finite number of seconds`);
    return n;
  };
  if (value == null) return ["default", 0, undefined];
  if (typeof value === "number") return ["seconds", finite(value), undefined];
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new InvalidExpiry("expiry is an invalid Date");
  if (value instanceof Date || typeof value === "string") return ["at", 0, isoOf(value, "expiry")];
  if (typeof value === "object" && typeof value.seconds === "number") return ["in", finite(value.seconds), undefined];
  throw new InvalidExpiry("setExpiry takes null, seconds, a Date, an ISO string or { seconds } (a timedelta)");
}

/**
 * One session with Django's dict semantics. Values go in and out as JSON:
 * `get` hands back a copy, so changing a nested object changes nothing
 * until it is `set` again.
 */
export class Session {
  constructor(sessionCore) {
    this[CORE] = sessionCore;
  }
  get sessionKey() { return this[CORE].sessionKey() ?? null; }
  get accessed() { return this[CORE].accessed() ?? true; }
  set accessed(value) { sync(() => this[CORE].setFlags(Boolean(value), undefined)); }
  get modified() { return this[CORE].modified() ?? true; }
  set modified(value) { sync(() => this[CORE].setFlags(undefined, Boolean(value))); }
  get isLoaded() { return this[CORE].isLoaded() ?? false; }
  get loadProblem() { return this[CORE].loadProblem() ?? null; }

  load() { return run(() => this[CORE].load()); }
  get(key, defaultValue) {
    // The core answers a string as JSON text, null/booleans/numbers as themselves.
    return run(() => this[CORE].get(keyOf(key)), (answer) => (answer === undefined ? defaultValue : typeof answer === "string" ? JSON.parse(answer) : answer));
  }
  set(key, value) { return run(() => this[CORE].set(keyOf(key), toJson(value))); }
  delete(key) { return run(() => this[CORE].delete(keyOf(key))); }
  has(key) { return run(() => this[CORE].has(keyOf(key))); }
  async pop(key, defaultValue) {
    const json = await run(() => this[CORE].pop(keyOf(key), defaultValue === undefined ? undefined : toJson(defaultValue)));
    return fromJson(json);
  }
  async setdefault(key, value) { return JSON.parse(await run(() => this[CORE].setdefault(keyOf(key), toJson(value)))); }
  update(entries) {
    const pairs = entries instanceof Map || Array.isArray(entries) ? [...entries] : Object.entries(entries ?? {});
    return run(() => this[CORE].update(toJson(pairs)));
  }
  async keys() { return JSON.parse(await run(() => this[CORE].keys())); }
  async values() { return JSON.parse(await run(() => this[CORE].values())); }
  async items() { return JSON.parse(await run(() => this[CORE].items())); }
  size() { return run(() => this[CORE].len()); }
  clear() { return run(() => this[CORE].clear()); }
  isEmpty() { return run(() => this[CORE].isEmpty()); }
  peek() { return fromJson(this[CORE].peek()); }

  setTestCookie() { return run(() => this[CORE].setTestCookie()); }
  testCookieWorked() { return run(() => this[CORE].testCookieWorked()); }
  deleteTestCookie() { return run(() => this[CORE].deleteTestCookie()); }

  setExpiry(value) {
    return run(() => this[CORE].setExpiry(...expiryArgs(value)));
  }
  #expiryArgs({ modification, expiry } = {}) {
    return [modification == null ? undefined : isoOf(modification, "modification"),
      expiry === undefined ? undefined : storedExpiry(expiry)];
  }
  getExpiryAge(options) { return run(() => this[CORE].getExpiryAge(...this.#expiryArgs(options))); }
  async getExpiryDate(options = {}) {
    const iso = await run(() => this[CORE].getExpiryDate(...this.#expiryArgs(options)));
    return options.format === "iso" ? iso : new Date(iso);
  }
  getExpireAtBrowserClose() { return run(() => this[CORE].getExpireAtBrowserClose()); }

  save({ mustCreate = false } = {}) { return run(() => this[CORE].save(Boolean(mustCreate))); }
  create() { return run(() => this[CORE].create()); }
  exists(sessionKey) { return run(() => this[CORE].exists(text(sessionKey, "sessionKey"))); }
  deleteFromStore(sessionKey) { return run(() => this[CORE].deleteFromStore(optionalText(sessionKey, "sessionKey"))); }
  flush() { return run(() => this[CORE].flush()); }

  /**
   * Django's `SessionMiddleware.process_response` for this session: saves it
   * when Django would and says which headers to add. Throws
   * SessionInterrupted when the session was deleted meanwhile (answer 400).
   * It ends the session's request: the session is freed (see `release`).
   */
  async processResponse(status = 200, vary = null) {
    let finalState;
    try {
      if (!Number.isInteger(status) || status < 100 || status > 999) throw new TypeError("status must be an HTTP status code");
      const existing = headerText(vary, "the Vary header", ", ");
      if (existing?.includes("\0")) throw new TypeError("the Vary header must not contain NUL");
      // "setCookie NUL vary NUL finalState", an absent header empty (see the core's finish()).
      const packed = await run(() => this[CORE].finish(status, existing));
      const end = packed.indexOf("\0");
      const varyEnd = packed.indexOf("\0", end + 1);
      finalState = packed.slice(varyEnd + 1);
      return { setCookie: packed.slice(0, end) || undefined, vary: packed.slice(end + 1, varyEnd) || undefined };
    } finally {
      release(this, finalState);
    }
  }
  cycleKey() { return run(() => this[CORE].cycleKey()); }
}

/**
 * The settings and storage of one application: build it once, then open a
 * session per request. Throws InvalidSetting at once for a bad option.
 */
export class Sessions {
  #core;
  #clock;
  constructor(options) {
    const { cache, db, files, now: clockOption, storageTimeout, ...settings } = optionsOf(options);
    if (clockOption !== undefined && typeof clockOption !== "function") {
      throw new InvalidSetting("now must be a function returning seconds since the epoch");
    }
    if (storageTimeout !== undefined && !(storageTimeout > 0 && storageTimeout < 2 ** 31)) {
      throw new InvalidSetting("storageTimeout must be a positive number of milliseconds");
    }
    this.#clock = clockOption ?? clock;
    const timed = (adapter, methods) => (storageTimeout && adapter ? withTimeout(adapter, methods, storageTimeout) : adapter);
    this.#core = sync(() => new core.SessionsCore(toJson(settings),
      timed(cache, ["get", "set", "add", "delete", "replaceIf"]),
      timed(db, ["get", "exists", "insert", "update", "delete", "deleteExpired", "updateIf"]),
      timed(files, ["read", "exists", "write", "remove", "list"])));
    /** The settings in force (secrets left out). */
    this.settings = Object.freeze(JSON.parse(this.#core.settingsJson()));
  }

  /** `SessionStore(sessionKey)`. */
  open(sessionKey = null) {
    return new Session(sync(() => this.#core.open(optionalText(sessionKey, "sessionKey"), this.#clock())));
  }

  /** The session a request's Cookie header names (a new one if none). */
  fromRequest(request) {
    return this.fromCookieHeader(request.headers.get("cookie"));
  }

  /** The session a raw Cookie header names, for servers without Request objects. */
  fromCookieHeader(header) {
    return new Session(this.#core.fromCookieHeader(headerText(header, "the Cookie header", "; "), this.#clock()));
  }

  /** Removes expired sessions (for a cron / `scheduled` handler). */
  clearExpired() { return run(() => this.#core.clearExpired(this.#clock())); }

  /**
   * Django's SessionMiddleware around one request: `view(session)` makes
   * the Response; then the session is saved and Set-Cookie / Vary added as
   * Django would. A session deleted meanwhile gives 400 (SessionInterrupted).
   */
  async handle(request, view) {
    const session = this.fromRequest(request);
    let response, setCookie, vary;
    try {
      response = await view(session);
      ({ setCookie, vary } = await session.processResponse(response.status, response.headers.get("vary")));
    } catch (error) {
      if (error instanceof SessionInterrupted) {
        return new Response("Bad Request (400)", { status: 400, headers: { "content-type": "text/plain" } });
      }
      throw error;
    } finally {
      release(session);
    }
    if (setCookie === undefined && vary === undefined) return response;
    try {
      addHeaders(response.headers, setCookie, vary);
    } catch {
      // Immutable headers (a Response from fetch): copy the response.
      response = new Response(response.body, response);
      addHeaders(response.headers, setCookie, vary);
    }
    return response;
  }
}

/**
 * The adapter's `methods`, every Promise they return raced against `ms`: one that
 * never settles rejects with a TimeoutError, which the core reports as a
 * StorageError (the TimeoutError as `cause`). Answers given at once pass
 * through untouched.
 */
function withTimeout(adapter, methods, ms) {
  const timed = {};
  // Methods the adapter lacks stay missing, so construction still reports them.
  for (const name of methods.filter((m) => typeof adapter[m] === "function")) {
    // Looked up per call: RPC stubs (Durable Objects) have no own method properties.
    timed[name] = (...args) => {
      const answer = adapter[name](...args);
      if (typeof answer?.then !== "function") return answer;
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
          const error = new Error(`${name}() did not answer within ${ms} ms`);
          error.name = "TimeoutError";
          reject(error);
        }, ms);
      });
      return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
    };
  }
  return timed;
}

function addHeaders(headers, setCookie, vary) {
  if (vary !== undefined) headers.set("vary", vary);
  if (setCookie !== undefined) headers.append("set-cookie", setCookie);
}

/**
 * Wraps a fetch handler: `handler(request, session, env, ctx)` gets the
 * request's session; the returned `(request, env, ctx) => Promise<Response>`
 * applies Django's response rules. `options` may be a function of `env`
 * (Workers bindings and secrets live there); it is called once per env.
 */
export function withSession(handler, options) {
  const fixed = typeof options === "function" ? null : new Sessions(options);
  const perEnv = new WeakMap();
  const sessionsFor = (env) => {
    const key = env !== null && typeof env === "object" ? env : perEnv;
    let sessions = perEnv.get(key);
    if (!sessions) perEnv.set(key, (sessions = new Sessions(options(env))));
    return sessions;
  };
  return (request, env, ctx) =>
    (fixed ?? sessionsFor(env)).handle(request, (session) => handler(request, session, env, ctx));
}
