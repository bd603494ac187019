// The JS face of edge-sessions: camelCase names over a wasm core. Logic
// lives in Rust; this file checks arguments at the boundary, turns core
// errors into the exported classes, and speaks Request/Response.
//
// `bind(core, { sync })` makes the API over one module's glue: the full
// module (`edge-sessions`), whose session operations answer Promises, or
// the signed_cookies module (`edge-sessions/signed`), whose operations
// answer at once. The shape is the same, so `await` works with both.

import { InvalidExpiry, InvalidSetting, SessionClosed, SessionInterrupted, Unserializable, toError } from "./errors.js";
import { oncePerEnv } from "./per-env.js";

// --- values across the boundary (see the core's boundary.rs) -------------------

// Python's JSON has NaN and the infinities; JSON text crosses them as
// marked strings, and a real string starting with NUL gets one more NUL.
const NON_FINITE = { NaN: "\0NaN", Infinity: "\0Infinity", "-Infinity": "\0-Infinity" };
const REVIVED = { "\0NaN": Number.NaN, "\0Infinity": Number.POSITIVE_INFINITY, "\0-Infinity": Number.NEGATIVE_INFINITY };

function mark(_key, value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : NON_FINITE[value];
  if (typeof value === "string" && value.charCodeAt(0) === 0) return `\0${value}`;
  if (typeof value === "bigint") throw new Unserializable("a BigInt cannot be written as JSON");
  return value;
}

function revive(_key, value) {
  if (typeof value !== "string" || value.charCodeAt(0) !== 0) return value;
  return value in REVIVED ? REVIVED[value] : value.slice(1);
}

/** Boundary JSON text as a JS value (`JSON.stringify` writes NUL as \u0000). */
export function parseBoundary(text) {
  return text.includes("\\u0000") ? JSON.parse(text, revive) : JSON.parse(text);
}

/** A list or dict as boundary JSON text; Unserializable when JSON cannot hold it. */
function jsonOf(value) {
  let json;
  try {
    json = JSON.stringify(value, mark);
  } catch (error) {
    if (error instanceof Unserializable) throw error;
    throw new Unserializable(`value cannot be written as JSON: ${error.message}`, { cause: error });
  }
  if (json === undefined) throw new Unserializable(`a ${typeof value} cannot be written as JSON`);
  return json;
}

/**
 * A value as the core takes it: `[scalar, json]`, a number, string, boolean
 * or null as itself, anything else as JSON text. A string with a lone
 * surrogate is refused (the boundary would silently make it U+FFFD).
 */
/** @returns {[unknown, string | undefined]} */
function valueArgs(value) {
  switch (typeof value) {
    case "number":
    case "boolean":
      return [value, undefined];
    case "string":
      return [wellFormed(value, "a session value"), undefined];
    case "object":
      return value === null ? [null, undefined] : [undefined, jsonOf(value)];
    default:
      throw new Unserializable(`a ${typeof value} cannot be written as JSON`);
  }
}

/**
 * `text` if it is well-formed UTF-16; otherwise `Error` (Python's
 * UnicodeEncodeError: the boundary would silently make it U+FFFD, so two
 * different keys could sign alike).
 */
/** @param {string} text @param {string} what @param {new (message: string) => Error} [ErrorClass] */
function wellFormed(text, what, ErrorClass = Unserializable) {
  if (!text.isWellFormed()) throw new ErrorClass(`${what} must not contain a lone surrogate (Python cannot encode it either)`);
  return text;
}

// --- argument checks (every public function; never a trap in wasm) ---------------

function text(value, name) {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  return wellFormed(value, name, TypeError);
}

function secretText(value, name) {
  if (typeof value !== "string") throw new InvalidSetting(`${name} must be a string`);
  return wellFormed(value, name, InvalidSetting);
}

function keys(list, name) {
  if (list == null) return [];
  if (!Array.isArray(list) || list.some((k) => typeof k !== "string")) {
    throw new InvalidSetting(`${name} must be an array of strings`);
  }
  return list.map((k) => wellFormed(k, name, InvalidSetting));
}

/** A dict key as the core gets it. */
function keyOf(key) {
  if (typeof key === "string") return wellFormed(key, "a session key");
  return wellFormed(String(key), "a session key");
}

/** An optional string argument; anything else is a TypeError, never a trap in wasm. */
function optionalText(value, name) {
  if (value == null) return undefined;
  return text(value, name);
}

/**
 * A header as node:http may give it: a string, a list of strings, or
 * nothing. A header is request data, so a lone surrogate in it (which no
 * HTTP stack produces) reads as U+FFFD rather than throwing; it can name
 * no session.
 */
function headerText(value, name, separator) {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(separator);
  if (value == null || typeof value === "string") return value ?? undefined;
  throw new TypeError(`${name} must be a string, a list of strings, null or undefined`);
}

/** `maxAge`: nothing, or a finite number of seconds (a typo must not turn expiry off). */
function maxAgeOf(maxAge) {
  if (maxAge == null) return undefined;
  if (typeof maxAge !== "number" || !Number.isFinite(maxAge)) throw new InvalidSetting("maxAge must be a finite number of seconds");
  return maxAge;
}

/** An options argument: an object, or nothing (Django's defaults). */
function optionsOf(options) {
  if (options == null) return {};
  if (typeof options !== "object") throw new InvalidSetting("options must be an object");
  return options;
}

/** Bytes for a `&[u8]` argument: a Uint8Array (a Buffer is one) or an ArrayBuffer; nothing else reaches wasm. */
function bytesOf(value, name) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${name} must be a Uint8Array or an ArrayBuffer`);
}

/** A string's UTF-8 bytes, or bytes as given. */
function textOrBytes(value, name) {
  return typeof value === "string" ? new TextEncoder().encode(text(value, name)) : bytesOf(value, name);
}

// Python's datetime runs from year 1 to year 9999; a clock past the end is
// milliseconds by mistake (today's are 1.7e12).
const EARLIEST_SECONDS = -62_135_596_800;
const LATEST_SECONDS = 253_402_300_799;

/** A clock reading: a finite number of seconds since the epoch in Python's range. */
function isSeconds(now) {
  return typeof now === "number" && Number.isFinite(now) && now >= EARLIEST_SECONDS && now <= LATEST_SECONDS;
}

const CLOCK_RULE = "a finite number of seconds since the epoch (Date.now() / 1000, not milliseconds)";

/** `now` as an option: nothing (the real clock), a number, or a function of none. */
function clockOf(now, name = "now") {
  if (now === undefined) return () => Date.now() / 1000;
  if (typeof now === "function") {
    return () => {
      const reading = now();
      if (!isSeconds(reading)) throw new TypeError(`${name}() returned ${describe(reading)}: it must return ${CLOCK_RULE}`);
      return reading;
    };
  }
  if (!isSeconds(now)) throw new InvalidSetting(`${name} must be ${CLOCK_RULE} or a function returning one, not ${describe(now)}`);
  return () => now;
}

function describe(value) {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  return value === null ? "null" : value instanceof Date ? "a Date" : `a ${typeof value}`;
}

function sync(call) {
  try {
    return call();
  } catch (error) {
    throw toError(error);
  }
}

/** A core answer that may be the Error itself (see the core's `answer`). */
function checked(answer) {
  if (answer instanceof Error) throw toError(answer);
  return answer;
}

// --- session internals ---------------------------------------------------------------

/** Where a Session keeps its wasm core (edge-sessions/django reaches it). */
export const CORE = Symbol("edge-sessions core");

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
  constructor(json) {
    this.#json = json;
  }
  #read(name) {
    this.#state ??= parseBoundary(this.#json ?? "{}");
    return this.#state[name] ?? null;
  }
  sessionKey() {
    return this.#read("sessionKey");
  }
  accessed() {
    return this.#read("accessed");
  }
  modified() {
    return this.#read("modified");
  }
  isLoaded() {
    return this.#read("isLoaded");
  }
  loadProblem() {
    return this.#read("loadProblem");
  }
  peek() {
    return this.#read("peek") ?? undefined;
  }
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
  let state = finalState;
  if (state === undefined) {
    const answer = core.finalState();
    state = answer instanceof Error ? undefined : answer;
  }
  session[CORE] = new ReleasedCore(state);
  core.free();
}

/** Python's isoformat for a Date or an ISO string. */
function isoOf(value, what) {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidExpiry(`${what} is an invalid Date`);
    return value.toISOString();
  }
  if (typeof value === "string") return wellFormed(value, what, InvalidExpiry);
  throw new InvalidExpiry(`${what} must be a Date or an ISO 8601 string`);
}

/** A value as `_session_expiry` would store it, as boundary JSON text. */
function storedExpiry(value) {
  if (value instanceof Date) return JSON.stringify(isoOf(value, "expiry"));
  if (typeof value === "number" && !Number.isFinite(value)) throw new InvalidExpiry(`expiry ${value} is not a finite number of seconds`);
  return value === null ? "null" : jsonOf(value);
}

/** `set_expiry`'s argument as the core's [kind, seconds, iso]. */
function expiryArgs(value) {
  const finite = (n) => {
    if (!Number.isFinite(n)) throw new InvalidExpiry(`expiry ${n} is not a finite number of seconds`);
    return n;
  };
  if (value == null) return ["default", 0, undefined];
  if (typeof value === "number") return ["seconds", finite(value), undefined];
  if (value instanceof Date || typeof value === "string") return ["at", 0, isoOf(value, "expiry")];
  if (typeof value === "object" && typeof value.seconds === "number") return ["in", finite(value.seconds), undefined];
  throw new InvalidExpiry("setExpiry takes null, seconds, a Date, an ISO string or { seconds } (a timedelta)");
}

function addHeaders(headers, setCookie, vary) {
  if (vary !== undefined) headers.set("vary", vary);
  if (setCookie !== undefined) headers.append("set-cookie", setCookie);
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

/** Method names of each kind of adapter, as the core asks for them. */
export const ADAPTER_METHODS = Object.freeze({
  cache: Object.freeze(["get", "set", "add", "delete", "replaceIf"]),
  db: Object.freeze(["get", "exists", "insert", "update", "delete", "deleteExpired", "updateIf"]),
  files: Object.freeze(["read", "exists", "write", "remove", "list"]),
});

// --- the API over one core -------------------------------------------------------------

/**
 * The public API over one module's glue (`core`). `sync`: the module's
 * session operations answer at once (signed_cookies); otherwise they
 * answer Promises.
 */
/**
 * @param {typeof import("./edge_sessions.js") | typeof import("./edge_sessions_signed.js")} core
 * @param {{ sync: boolean }} options
 */
export function bind(core, { sync: answersAtOnce }) {
  /**
   * A session call's answer: at once (signed) or as a Promise (full), the
   * core's Error thrown or rejected as our class, `map` applied to the value.
   */
  const run = answersAtOnce
    ? (call) => checked(sync(call))
    : (call) => {
        try {
          const answer = call();
          if (answer instanceof Promise) return answer.catch((error) => Promise.reject(toError(error)));
          if (answer instanceof Error) return Promise.reject(toError(answer));
          return Promise.resolve(answer);
        } catch (error) {
          return Promise.reject(toError(error));
        }
      };
  const then = answersAtOnce ? (value, map) => map(value) : (promise, map) => promise.then(map);

  // --- django.core.signing ---

  /** `django.core.signing.dumps`. */
  function dumps(value, options) {
    const { secretKey, salt = "django.core.signing", compress = false, now } = optionsOf(options);
    const [scalar, json] = valueArgs(value);
    return sync(() => checked(core.signingDumps(scalar, json, secretText(secretKey, "secretKey"), text(salt, "salt"), Boolean(compress), clockOf(now)())));
  }

  /** `django.core.signing.loads`. */
  function loads(token, options) {
    const { secretKey, fallbackKeys, salt = "django.core.signing", maxAge, now } = optionsOf(options);
    return sync(() =>
      checked(
        core.signingLoads(
          text(token, "token"),
          secretText(secretKey, "secretKey"),
          keys(fallbackKeys, "fallbackKeys"),
          text(salt, "salt"),
          maxAgeOf(maxAge),
          clockOf(now)(),
        ),
      ),
    );
  }

  /** `django.core.signing.Signer` (HMAC-SHA256). */
  class Signer {
    #core;
    constructor(options) {
      const { key, fallbackKeys, salt = "django.core.signing.Signer", sep = ":" } = optionsOf(options);
      this.#core = sync(() =>
        checked(core.SignerCore.create(secretText(key, "key"), keys(fallbackKeys, "fallbackKeys"), text(salt, "salt"), text(sep, "sep"))),
      );
    }
    sign(value) {
      return this.#core.sign(text(value, "value"));
    }
    unsign(signedValue) {
      return sync(() => checked(this.#core.unsign(text(signedValue, "signedValue"))));
    }
  }

  /** `django.core.signing.TimestampSigner` (HMAC-SHA256, base62 timestamps). */
  class TimestampSigner {
    #core;
    constructor(options) {
      const { key, fallbackKeys, salt = "django.core.signing.TimestampSigner" } = optionsOf(options);
      this.#core = sync(() => checked(core.TimestampSignerCore.create(secretText(key, "key"), keys(fallbackKeys, "fallbackKeys"), text(salt, "salt"))));
    }
    /** @param {string} value @param {{ now?: number | (() => number) }} [options] */
    sign(value, { now } = {}) {
      return this.#core.sign(text(value, "value"), clockOf(now)());
    }
    /** @param {string} signedValue @param {{ maxAge?: number | null, now?: number | (() => number) }} [options] */
    unsign(signedValue, { maxAge, now } = {}) {
      return sync(() => checked(this.#core.unsign(text(signedValue, "signedValue"), maxAgeOf(maxAge), clockOf(now)())));
    }
    /** @param {unknown} value @param {{ compress?: boolean, now?: number | (() => number) }} [options] */
    signObject(value, { compress = false, now } = {}) {
      const [scalar, json] = valueArgs(value);
      return sync(() => checked(this.#core.signObject(scalar, json, Boolean(compress), clockOf(now)())));
    }
    /** @param {string} signedObject @param {{ maxAge?: number | null, now?: number | (() => number) }} [options] */
    unsignObject(signedObject, { maxAge, now } = {}) {
      return sync(() => checked(this.#core.unsignObject(text(signedObject, "signedObject"), maxAgeOf(maxAge), clockOf(now)())));
    }
  }

  const INT64 = 2n ** 63n;

  /** `n` as a 64-bit integer, or a RangeError rather than a silent wrap. */
  function int64(n) {
    const big = typeof n === "bigint" ? n : Number.isSafeInteger(n) ? BigInt(n) : null;
    if (big === null || big < -INT64 || big >= INT64) throw new RangeError(`b62Encode takes a 64-bit integer, not ${describe(n)}`);
    return big;
  }

  /** The encoding primitives of `django.core.signing` and `django.utils.crypto`. */
  const signing = Object.freeze({
    b62Encode: (n) => core.b62Encode(int64(n)),
    b62Decode: (s) => sync(() => checked(core.b62Decode(text(s, "s")))),
    b64Encode: (bytes) => core.b64Encode(bytesOf(bytes, "bytes")),
    b64Decode: (s) => sync(() => checked(core.b64Decode(textOrBytes(s, "s")))),
    saltedHmac: (keySalt, value, secret, algorithm = "sha1") =>
      sync(() => checked(core.saltedHmac(text(keySalt, "keySalt"), textOrBytes(value, "value"), secretText(secret, "secret"), text(algorithm, "algorithm")))),
    base64Hmac: (salt, value, key, algorithm = "sha1") =>
      sync(() => checked(core.base64Hmac(text(salt, "salt"), text(value, "value"), secretText(key, "key"), text(algorithm, "algorithm")))),
  });

  // --- sessions ---

  /**
   * One session with Django's dict semantics. Values are copied in and out:
   * `get` hands back a copy, so changing a nested object changes nothing
   * until it is `set` again.
   */
  class Session {
    constructor(sessionCore) {
      this[CORE] = sessionCore;
    }
    get sessionKey() {
      return sync(() => checked(this[CORE].sessionKey()));
    }
    get accessed() {
      return sync(() => checked(this[CORE].accessed()));
    }
    set accessed(value) {
      sync(() => checked(this[CORE].setFlags(Boolean(value), undefined)));
    }
    get modified() {
      return sync(() => checked(this[CORE].modified()));
    }
    set modified(value) {
      sync(() => checked(this[CORE].setFlags(undefined, Boolean(value))));
    }
    get isLoaded() {
      return sync(() => checked(this[CORE].isLoaded()));
    }
    get loadProblem() {
      return sync(() => checked(this[CORE].loadProblem()));
    }

    load() {
      return run(() => this[CORE].load());
    }
    get(key, defaultValue) {
      const answer = run(() => this[CORE].get(keyOf(key)));
      return defaultValue === undefined ? answer : then(answer, (value) => (value === undefined ? defaultValue : value));
    }
    set(key, value) {
      return run(() => this[CORE].set(keyOf(key), ...valueArgs(value)));
    }
    delete(key) {
      return run(() => this[CORE].delete(keyOf(key)));
    }
    has(key) {
      return run(() => this[CORE].has(keyOf(key)));
    }
    pop(key, defaultValue) {
      return run(() => this[CORE].pop(keyOf(key), defaultValue));
    }
    setdefault(key, value) {
      return run(() => this[CORE].setdefault(keyOf(key), ...valueArgs(value)));
    }
    update(entries) {
      return run(() => {
        if (entries === null || typeof entries !== "object") throw new Unserializable("update() takes an object, a Map or [key, value] pairs");
        const pairs = entries instanceof Map || Array.isArray(entries) ? [...entries] : Object.entries(entries);
        return this[CORE].update(jsonOf(pairs));
      });
    }
    keys() {
      return run(() => this[CORE].keys());
    }
    values() {
      return run(() => this[CORE].values());
    }
    items() {
      return run(() => this[CORE].items());
    }
    size() {
      return run(() => this[CORE].len());
    }
    clear() {
      return run(() => this[CORE].clear());
    }
    isEmpty() {
      return run(() => this[CORE].isEmpty());
    }
    peek() {
      return sync(() => checked(this[CORE].peek()));
    }

    setTestCookie() {
      return run(() => this[CORE].setTestCookie());
    }
    testCookieWorked() {
      return run(() => this[CORE].testCookieWorked());
    }
    deleteTestCookie() {
      return run(() => this[CORE].deleteTestCookie());
    }

    setExpiry(value) {
      return run(() => this[CORE].setExpiry(...expiryArgs(value)));
    }
    #expiryArgs(query) {
      const { modification, expiry } = query ?? {};
      return [modification == null ? undefined : isoOf(modification, "modification"), expiry === undefined ? undefined : storedExpiry(expiry)];
    }
    getExpiryAge(query) {
      return run(() => this[CORE].getExpiryAge(...this.#expiryArgs(query)));
    }
    getExpiryDate(query) {
      const iso = run(() => this[CORE].getExpiryDate(...this.#expiryArgs(query)));
      return query?.format === "iso" ? iso : then(iso, (text) => new Date(text));
    }
    getExpireAtBrowserClose() {
      return run(() => this[CORE].getExpireAtBrowserClose());
    }

    save({ mustCreate = false } = {}) {
      return run(() => this[CORE].save(Boolean(mustCreate)));
    }
    create() {
      return run(() => this[CORE].create());
    }
    exists(sessionKey) {
      return run(() => this[CORE].exists(text(sessionKey, "sessionKey")));
    }
    deleteFromStore(sessionKey) {
      return run(() => this[CORE].deleteFromStore(optionalText(sessionKey, "sessionKey")));
    }
    flush() {
      return run(() => this[CORE].flush());
    }
    cycleKey() {
      return run(() => this[CORE].cycleKey());
    }

    /**
     * Django's `SessionMiddleware.process_response` for this session: saves it
     * when Django would and says which headers to add. Throws
     * SessionInterrupted when the session was deleted meanwhile (answer 400).
     * It ends the session's request: the session is freed (see `release`).
     */
    processResponse(status = 200, vary = null) {
      let packed;
      try {
        if (!Number.isInteger(status) || status < 100 || status > 999) throw new TypeError("status must be an HTTP status code");
        const existing = headerText(vary, "the Vary header", ", ");
        if (existing !== undefined && /[\0\r\n]/.test(existing)) throw new TypeError("the Vary header must not contain NUL, CR or LF");
        packed = run(() => this[CORE].finish(status, existing));
      } catch (error) {
        release(this);
        if (answersAtOnce) throw error;
        return Promise.reject(error);
      }
      // "setCookie NUL vary NUL finalState", an absent header empty (see the core's finish()).
      const unpack = (text) => {
        const end = text.indexOf("\0");
        const varyEnd = text.indexOf("\0", end + 1);
        release(this, text.slice(varyEnd + 1));
        return { setCookie: text.slice(0, end) || undefined, vary: text.slice(end + 1, varyEnd) || undefined };
      };
      if (answersAtOnce) return unpack(packed);
      return packed.then(unpack, (error) => {
        release(this);
        throw error;
      });
    }
  }

  /**
   * The settings and storage of one application: build it once, then open a
   * session per request. Throws InvalidSetting at once for a bad option.
   */
  class Sessions {
    #core;
    #clock;
    constructor(options) {
      const { cache, db, files, now, storageTimeout, cacheKeyFunction, ...settings } = optionsOf(options);
      this.#clock = clockOf(now);
      if (storageTimeout !== undefined && !(typeof storageTimeout === "number" && storageTimeout > 0 && storageTimeout < 2 ** 31)) {
        throw new InvalidSetting("storageTimeout must be a positive number of milliseconds (below 2**31)");
      }
      if (answersAtOnce && settings.engine === undefined) settings.engine = "signed_cookies";
      const timed = (adapter, methods) => (storageTimeout && adapter ? withTimeout(adapter, methods, storageTimeout) : adapter);
      let optionsJson;
      try {
        // Plain JSON: a NaN setting arrives as null and is refused by name.
        optionsJson = JSON.stringify(settings);
      } catch (error) {
        throw new InvalidSetting(`options must be JSON-like: ${error.message}`, { cause: error });
      }
      this.#core = sync(() =>
        checked(
          core.SessionsCore.create(
            optionsJson,
            timed(cache, ADAPTER_METHODS.cache),
            timed(db, ADAPTER_METHODS.db),
            timed(files, ADAPTER_METHODS.files),
            cacheKeyFunction,
          ),
        ),
      );
      /** The settings in force (secrets left out). */
      this.settings = Object.freeze(checked(this.#core.settings()));
    }

    /** `SessionStore(sessionKey)`. */
    open(sessionKey = null) {
      const key = optionalText(sessionKey, "sessionKey");
      return new Session(sync(() => checked(this.#core.open(key, this.#clock()))));
    }

    /** The session a request's Cookie header names (a new one if none). */
    fromRequest(request) {
      return this.fromCookieHeader(request.headers.get("cookie"));
    }

    /** The session a raw Cookie header names, for servers without Request objects. */
    fromCookieHeader(header) {
      const cookie = headerText(header, "the Cookie header", "; ");
      return new Session(sync(() => checked(this.#core.fromCookieHeader(cookie, this.#clock()))));
    }

    /** Removes expired sessions (for a cron / `scheduled` handler). */
    clearExpired() {
      return run(() => this.#core.clearExpired(this.#clock()));
    }

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
   * Wraps a fetch handler: `handler(request, session, env, ctx)` gets the
   * request's session; the returned `(request, env, ctx) => Promise<Response>`
   * applies Django's response rules. `options` may be a function of `env`
   * (Workers bindings and secrets live there); it is called once per env.
   */
  function withSession(handler, options) {
    const sessionsFor =
      typeof options === "function"
        ? oncePerEnv(
            (env) => new Sessions(options(env)),
            (env) => env,
          )
        : () => fixed;
    const fixed = typeof options === "function" ? null : new Sessions(options);
    return (request, env, ctx) => sessionsFor(env).handle(request, (session) => handler(request, session, env, ctx));
  }

  return { dumps, loads, Signer, TimestampSigner, signing, Session, Sessions, withSession };
}
