#!/usr/bin/env node
// Replays a file of Django oracle vectors (default tests/fixtures/vectors.json,
// or argv[2]) through the BUILT package's public JS API, with the rules of
// the native runner (src/bin/conformance.rs), and prints, last,
// `js: N passed, M failed, K skipped`. Exit status 1 if any failed, 2 when
// the file cannot be read.
//
// Settings, secrets, clocks and keys all come from the file. Compressed
// tokens are checked for equivalence, not bytes (another deflate gives
// other, equally valid bytes). Errors are compared as the Python exception
// class our error stands for.

import { readFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import {
  BadSignature, EdgeSessionsError, Sessions, Signer, TimestampSigner,
  dumps, loads, memoryCache, memoryDb, memoryFiles, signing,
} from "edge-sessions";

// ------------------------------------------------------------------ reading vectors

/**
 * A number JavaScript cannot write back as Python did (2.0, -0.0, 2**63):
 * JSON.stringify would hand the core 2, 0 or a rounded value. With
 * JSON.rawJSON (Node >= 21) its exact text goes through instead.
 */
class PyNumber {
  constructor(text) {
    this.text = text;
    this.value = Number(text);
  }
  toJSON() {
    return JSON.rawJSON ? JSON.rawJSON(this.text) : this.value;
  }
}

/** True when JSON.stringify(Number(text)) would not give the core Python's value. */
function lossyNumber(text) {
  const n = Number(text);
  if (/^-?\d+$/.test(text)) return !Number.isSafeInteger(n);
  return Number.isInteger(n) && Math.abs(n) < 1e21; // a float JS would print as an int
}

/**
 * JSON.parse, except that (1) objects keep the file's key order even for
 * integer-like keys (which plain objects move first): such an object is a
 * Proxy whose key order is the file's, and JSON.stringify follows it; and
 * (2) lossy numbers become PyNumber.
 */
function parseOrdered(text) {
  let i = 0;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const error = (what) => { throw new SyntaxError(`${what} at offset ${i}`); };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') {
      if (i >= text.length) error("unterminated string");
      i += text[i] === "\\" ? 2 : 1;
    }
    return JSON.parse(text.slice(start, ++i));
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = {};
      const order = [];
      ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') error("expected a key");
        const key = string();
        ws();
        if (text[i++] !== ":") error("expected ':'");
        const v = value();
        if (!Object.hasOwn(obj, key)) order.push(key);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i++] !== "}") error("expected ',' or '}'");
        break;
      }
      const moved = Object.keys(obj).some((k, n) => k !== order[n]);
      return moved ? new Proxy(obj, { ownKeys: () => [...order] }) : obj;
    }
    if (c === "[") {
      i++;
      const list = [];
      ws();
      if (text[i] === "]") { i++; return list; }
      for (;;) {
        list.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i++] !== "]") error("expected ',' or ']'");
        return list;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    number.lastIndex = i;
    const m = number.exec(text);
    if (!m) error("unexpected character");
    i += m[0].length;
    return lossyNumber(m[0]) ? new PyNumber(m[0]) : Number(m[0]);
  };
  const result = value();
  ws();
  if (i < text.length) error("trailing characters");
  return result;
}

function containsPyNumber(v) {
  if (v instanceof PyNumber) return true;
  if (v && typeof v === "object") return Object.values(v).some(containsPyNumber);
  return false;
}

// ------------------------------------------------------------------ verdicts and comparisons

class Fail extends Error {}
class Skip extends Error {}
const fail = (why) => { throw new Fail(why); };

const show = (v) => {
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
};

const num = (v) => (v instanceof PyNumber ? v.value : typeof v === "number" ? v : NaN);

function expectEq(what, got, want) {
  const same = Array.isArray(got) && Array.isArray(want)
    ? got.length === want.length && got.every((g, n) => g === want[n])
    : got === want;
  if (!same) fail(`${what}: got ${show(got)}, want ${show(want)}`);
}

/** The order JavaScript gives an object's keys: array indices first, ascending. */
function jsOrder(keys) {
  const isIndex = (k) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;
  return [...keys.filter(isIndex).sort((a, b) => a - b), ...keys.filter((k) => !isIndex(k))];
}

/**
 * JSON equality as Python sees it, numbers by value (600 == 600.0), dict
 * keys in order. Dicts the API returns went through JSON.parse, so their
 * integer-like keys are in JavaScript's order: the wanted dict is compared
 * in that order too. (Arrays, and the pairs of items(), keep every order.)
 */
function jsonEq(got, want) {
  if (want instanceof PyNumber) want = want.value;
  if (typeof got === "bigint") {
    try {
      return Number.isInteger(want) && got === BigInt(want);
    } catch {
      return false;
    }
  }
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, n) => jsonEq(got[n], w));
  }
  if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
    const gotKeys = Object.keys(got);
    const wantKeys = jsOrder(Object.keys(want));
    return gotKeys.length === wantKeys.length
      && wantKeys.every((k, n) => gotKeys[n] === k && jsonEq(got[k], want[k]));
  }
  return got === want;
}

function expectJson(what, got, want) {
  if (!jsonEq(got, want)) fail(`${what}: got ${show(got)}, want ${show(want)}`);
}

const isDict = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Python's exception class our error stands for (the native runner's table). */
function pythonException(e) {
  switch (e?.name) {
    case "BadSignature":
    case "SignatureExpired":
    case "KeyError":
    case "UpdateError":
    case "CreateError":
    case "SessionInterrupted":
    case "InvalidSessionKey":
      return e.name;
    case "BadPayload": {
      // The JS error carries no kind, only the core's message: match its prefix.
      const kinds = [
        ["signed value has no timestamp", "ValueError"],
        ["timestamp is not base62", "ValueError"],
        ["signed value has an empty timestamp", "IndexError"],
        ["invalid base64", "Error"], // binascii.Error
        ["invalid compressed payload", "error"], // zlib.error
        ["invalid JSON payload", "JSONDecodeError"],
      ];
      return kinds.find(([prefix]) => e.message.startsWith(prefix))?.[1] ?? "Exception";
    }
    case "InvalidExpiry":
      return e.message.includes("offset-naive") ? "TypeError" : "ValueError";
    default:
      return "Exception";
  }
}

const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : show(e));

/**
 * Compares a call's result with `{"outcome": "ok", "value": ...}` or
 * `{"outcome": "error", "exception": ..., "message": ...}`. Messages are
 * compared for BadSignature (they name the signature); for the rest the
 * exception class is the contract.
 */
async function expectOutcome(call, want) {
  let value;
  let error;
  try {
    value = await call();
  } catch (e) {
    if (e instanceof Fail) throw e;
    error = e;
  }
  if (error === undefined) {
    if (want?.outcome !== "ok") fail(`got ${show(value)}, want error ${show(want?.exception)}`);
    return expectJson("value", value, want.value);
  }
  if (want?.outcome !== "error") fail(`got error ${describe(error)}, want ${show(want?.value)}`);
  expectEq("exception", pythonException(error), want.exception);
  if (error.name === "BadSignature") expectEq("message", error.message, want.message);
}

// ------------------------------------------------------------------ tokens

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

/** The JSON bytes inside a signed payload (`.`-prefixed payloads are deflated). */
function payloadJson(payload) {
  return payload.startsWith(".")
    ? inflateSync(signing.b64Decode(payload.slice(1)))
    : Buffer.from(signing.b64Decode(payload));
}

/** The JSON bytes of a `payload:timestamp:signature` token, unverified. */
const tokenJson = (token) => payloadJson(token.slice(0, token.indexOf(":")));

/**
 * Byte equality for uncompressed tokens. A compressed token (ours or
 * Django's) is checked for equivalence: ours verifies under the same keys
 * and salt, inflates to exactly Django's JSON, was compressed iff deflating
 * saves 2 bytes, and Django's token loads to the same value.
 */
function expectToken(ours, django, { key, fallbacks = [], salt, now, json }) {
  if (ours === django) return;
  if (!ours.startsWith(".") && !django.startsWith(".")) fail(`token: got ${ours}, want ${django}`);
  const signer = new TimestampSigner({ key, fallbackKeys: fallbacks, salt });
  const attempt = (what, call) => {
    try {
      return call();
    } catch (e) {
      return fail(`${what}: ${describe(e)}`);
    }
  };
  const payload = attempt("our token does not verify", () => signer.unsign(ours, { now }));
  const djangoJson = json === undefined
    ? attempt("Django's token has no readable payload", () => tokenJson(django))
    : Buffer.from(json, "utf8");
  const ourJson = attempt("our payload", () => payloadJson(payload));
  expectEq("our inflated JSON", ourJson.toString("utf8"), djangoJson.toString("utf8"));
  // Our deflate's size is known when we compressed; otherwise zlib's (Django's) stands in.
  const compressed = payload.startsWith(".");
  const deflated = compressed ? signing.b64Decode(payload.slice(1)).length : deflateSync(djangoJson, { level: 6 }).length;
  expectEq("compression decision", compressed, deflated + 1 < djangoJson.length);
  const theirs = attempt("Django's token does not load", () => signer.unsignObject(django, { now }));
  expectJson("Django's token loads to", theirs, signer.unsignObject(ours, { now }));
}

// ------------------------------------------------------------------ stores and sessions

/**
 * The memory adapters on one settable clock (cache TTLs and file mtimes
 * follow it). The cache records what was set and until when, which the
 * adapter itself does not expose.
 */
function newStores(t) {
  const clock = { t };
  const now = () => clock.t;
  return { clock, cache: recordingCache(memoryCache({ now }), clock), db: memoryDb(), files: memoryFiles({ now }) };
}

function recordingCache(inner, clock) {
  const entries = new Map(); // key -> { value, expiresAt }
  return {
    entries,
    get: (key) => inner.get(key),
    set(key, value, ttl) {
      entries.set(key, { value, expiresAt: clock.t + ttl });
      return inner.set(key, value, ttl);
    },
    add(key, value, ttl) {
      const added = inner.add(key, value, ttl);
      if (added) entries.set(key, { value, expiresAt: clock.t + ttl });
      return added;
    },
    delete(key) {
      entries.delete(key);
      return inner.delete(key);
    },
  };
}

/** `Sessions` with the oracle's secrets, every memory adapter and the stores' clock. */
function sessionsFor(oracle, stores, settings = {}) {
  return new Sessions({
    secretKey: oracle.secret,
    secretKeyFallbacks: oracle.fallbacks,
    engine: "signed_cookies",
    ...settings,
    cache: stores.cache,
    db: stores.db,
    files: stores.files,
    now: () => stores.clock.t,
  });
}

/** Django's overridden settings (SESSION_*) as our options. */
function djangoSettings(overrides) {
  const names = {
    SESSION_EXPIRE_AT_BROWSER_CLOSE: "expireAtBrowserClose",
    SESSION_SAVE_EVERY_REQUEST: "saveEveryRequest",
    SESSION_COOKIE_AGE: "cookieAge",
    SESSION_COOKIE_SECURE: "cookieSecure",
    SESSION_COOKIE_HTTPONLY: "cookieHttpOnly",
    SESSION_COOKIE_DOMAIN: "cookieDomain",
    SESSION_COOKIE_SAMESITE: "cookieSameSite",
    SESSION_COOKIE_NAME: "cookieName",
    SESSION_COOKIE_PATH: "cookiePath",
  };
  const options = {};
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (!names[name]) fail(`setting ${name} not replayed`);
    options[names[name]] = value instanceof PyNumber ? value.value : value;
  }
  return options;
}

/** The class name in a key salt `django.contrib.sessions.<name>`. */
function sessionClassOf(oracle, keySalt) {
  return keySalt.startsWith(oracle.keySaltPrefix) ? keySalt.slice(oracle.keySaltPrefix.length) : "SessionStore";
}

/** Django's `precreate`: `save(must_create=True)`, `update(data)`, `save()` at time `t`. */
async function precreate(sessions, stores, { key, data, t }) {
  stores.clock.t = num(t);
  const s = sessions.open(key);
  await s.save({ mustCreate: true });
  await s.update(Object.entries(data ?? {}));
  await s.save();
}

/** A `django_session` expire_date in Django's SQLite text form. */
function dbDate(seconds) {
  const whole = Math.floor(seconds);
  const iso = new Date(whole * 1000).toISOString();
  const micros = Math.round((seconds - whole) * 1e6);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros ? `.${String(micros).padStart(6, "0")}` : ""}`;
}

/** Python's isoformat of a stored date (`2023-11-28 22:13:20` is UTC). */
function pythonIso(text) {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(String(text));
  if (!m) return String(text);
  const micros = (m[3] ?? "").padEnd(6, "0").slice(0, 6);
  const offset = !m[4] || m[4] === "Z" ? "+00:00" : m[4].replace(/^([+-]\d\d)(\d\d)$/, "$1:$2");
  return `${m[1]}T${m[2]}${/[1-9]/.test(micros) ? `.${micros}` : ""}${offset}`;
}

/**
 * `SessionStore().decode(data)` as a session does it: a db-engine session
 * over one row holding `data`. Returns the dict and why it is empty.
 */
async function decodeInSession(oracle, data, now, sessionClass) {
  const stores = newStores(now);
  const key = "conformance0decode0key0000000000";
  await stores.db.insert({ sessionKey: key, sessionData: data, expireDate: dbDate(now + 86400) });
  const s = sessionsFor(oracle, stores, { engine: "db", sessionClass }).open(key);
  const items = await s.items();
  return { items, problem: s.loadProblem };
}

const isSignatureProblem = (problem) => /^(BadSignature|SignatureExpired):/.test(problem ?? "");

// ------------------------------------------------------------------ ops

/** A raised Python exception, as an op result. */
class Raised extends Error {}
const raise = (name) => { throw new Raised(name); };
const MISSING = Symbol("missing");

/** A tagged value of the oracle (`{"int": 1}`, `{"datetime": "..."}`...) as [tag, value]. */
function tagged(v) {
  const entries = isDict(v) ? Object.entries(v) : [];
  if (entries.length === 0) fail(`not a tagged value: ${show(v)}`);
  return entries[0];
}

/** `set_expiry`'s argument. */
function expiryArgument(v) {
  const [tag, value] = tagged(v);
  switch (tag) {
    case "none": return null;
    case "int": case "float": return num(value);
    case "timedelta_seconds": return { seconds: num(value) };
    case "datetime": case "naive_datetime": return value; // ISO text keeps offset and microseconds
    case "str": return fail("set_expiry with a string is not an API of ours");
    default: return fail(`unknown tag ${tag}`);
  }
}

/** The `modification=` and `expiry=` keyword arguments of get_expiry_age/date. */
function expiryQuery(kwargs) {
  const query = {};
  if (!isDict(kwargs)) return query;
  if (kwargs.modification !== undefined) {
    const [tag, value] = tagged(kwargs.modification);
    if (tag !== "datetime" && tag !== "naive_datetime") fail("modification must be a datetime");
    query.modification = value;
  }
  if (kwargs.expiry !== undefined) {
    const [tag, value] = tagged(kwargs.expiry);
    // As `_session_expiry` stores it: a datetime is stored as its ISO text.
    query.expiry = tag === "none" ? null : tag === "str" || tag.endsWith("datetime") ? value : num(value);
  }
  return query;
}

/** The oracle's ops: `(session, args, sessions) => return value`, or raise(name). */
const OPS = {
  set: (s, [key, value]) => s.set(key, value ?? null),
  getitem: async (s, [key]) => {
    const value = await s.get(key, MISSING);
    return value === MISSING ? raise("KeyError") : value;
  },
  get: (s, [key, fallback = null]) => s.get(key, fallback),
  del: async (s, [key]) => ((await s.delete(key)) ? null : raise("KeyError")),
  pop: async (s, args) => {
    if (args.length > 1) return s.pop(args[0], args[1]);
    const value = await s.pop(args[0]); // undefined only when absent: values are JSON
    return value === undefined ? raise("KeyError") : value;
  },
  setdefault: (s, [key, value = null]) => s.setdefault(key, value),
  // [key, value] pairs: the dict's order, integer-like keys included.
  update: (s, [dict]) => s.update(Object.entries(dict ?? {})),
  contains: (s, [key]) => s.has(key),
  has_key: (s, [key]) => s.has(key),
  keys: (s) => s.keys(),
  values: (s) => s.values(),
  items: (s) => s.items(),
  clear: (s) => s.clear(),
  flush: (s) => s.flush(),
  cycle_key: (s) => s.cycleKey(),
  save: (s, [mustCreate]) => s.save({ mustCreate: mustCreate === true }),
  set_expiry: (s, [value]) => s.setExpiry(expiryArgument(value)),
  get_expiry_age: (s, [kwargs]) => s.getExpiryAge(expiryQuery(kwargs)),
  get_expiry_date: async (s, [kwargs]) => ({ datetime: await s.getExpiryDate({ ...expiryQuery(kwargs), format: "iso" }) }),
  get_expire_at_browser_close: (s) => s.getExpireAtBrowserClose(),
  set_test_cookie: (s) => s.setTestCookie(),
  test_cookie_worked: (s) => s.testCookieWorked(),
  delete_test_cookie: (s) => s.deleteTestCookie(),
  is_empty: (s) => s.isEmpty(),
  reset_flags: (s) => {
    s.accessed = false;
    s.modified = false;
  },
  // A second session on the same store deletes this one (a concurrent logout).
  delete_in_store: (s, _, sessions) => sessions.open(s.sessionKey).deleteFromStore(),
};

/** Applies one op: `{"return": value}` or `{"raises": "PythonClass"}`. */
async function applyOp(sessions, s, op) {
  const [name, ...args] = Array.isArray(op) ? op : [];
  const run = OPS[name] ?? fail(`unknown op ${show(name)}`);
  try {
    return { return: (await run(s, args, sessions)) ?? null };
  } catch (e) {
    if (e instanceof Raised) return { raises: e.message };
    if (e instanceof EdgeSessionsError) return { raises: pythonException(e) };
    throw e; // ours or a bug: not an answer Django could give
  }
}

/** A 32-character random key, for stores that make them. */
function normalizeKey(key, backend) {
  if (key == null) return null;
  const random = backend !== "signed_cookies" && key.length === 32 && !key.startsWith("oracle0fixed")
    && !key.startsWith("unknownkey") && /^[a-z0-9]+$/.test(key);
  return random ? "<random32>" : key;
}

function stateOf(s, backend) {
  return {
    accessed: s.accessed,
    modified: s.modified,
    session_key: normalizeKey(s.sessionKey, backend),
    cache_loaded: s.isLoaded,
    cache: s.peek() ?? null,
  };
}

// ------------------------------------------------------------------ primitives

function b62(_, v) {
  const n = v.int instanceof PyNumber ? BigInt(v.int.text) : BigInt(num(v.int));
  expectEq("encode", signing.b62Encode(n), v.encoded);
  expectEq("decode", signing.b62Decode(v.encoded), n);
}

const b62DecodeEdge = (_, v) => expectOutcome(() => signing.b62Decode(v.input ?? ""), v.result);

function b64(_, v) {
  expectEq("encode", signing.b64Encode(unhex(v.bytes_hex ?? "")), v.encoded);
  expectEq("decode", hex(signing.b64Decode(v.encoded ?? "")), v.bytes_hex);
}

const b64DecodeEdge = (_, v) => expectOutcome(() => hex(signing.b64Decode(v.input ?? "")), v.result_hex);

/** A digest name Django signs with; none means salted_hmac's default (sha1 in Django 5.2). */
function algorithm(name) {
  if (name == null) return "sha1";
  if (["sha1", "sha256", "sha512"].includes(name)) return name;
  throw new Skip(`algorithm ${show(name)} is not one Django signs with`);
}

function saltedHmac(_, v) {
  const digest = signing.saltedHmac(v.key_salt ?? "", v.value ?? "", v.secret ?? "", algorithm(v.algorithm));
  expectEq("hexdigest", hex(digest), v.hexdigest);
}

function base64Hmac(_, v) {
  expectEq("result", signing.base64Hmac(v.salt ?? "", v.value ?? "", v.key ?? "", algorithm(v.algorithm)), v.result);
}

/**
 * `Signer(**kwargs)`. Our Signer is SHA-256 only, like every signer Django's
 * sessions use; for other algorithms the signature is checked through
 * base64Hmac, which is what Django's `Signer.signature` calls.
 */
function signer(_, v) {
  const { key_used: key, salt_used: salt, sep_used: sep, value } = v;
  const alg = algorithm(v.algorithm_used);
  if (alg !== "sha256") {
    const signature = signing.base64Hmac(`${salt}signer`, value, key, alg);
    expectEq("signature", signature, v.signature);
    return expectEq("signed", `${value}${sep}${signature}`, v.signed);
  }
  const s = new Signer({ key, salt, sep });
  const signed = s.sign(value);
  expectEq("signature", signed.slice(value.length + sep.length), v.signature);
  expectEq("signed", signed, v.signed);
  expectEq("unsign", s.unsign(v.signed), value);
}

function timestampSigner(oracle, v) {
  const s = new TimestampSigner({ key: oracle.secret, salt: v.salt ?? "" });
  const now = num(v.now);
  const signed = s.sign(v.value, { now });
  expectEq("signed", signed, v.signed);
  expectEq("unsign", s.unsign(signed, { now }), v.value);
}

// ------------------------------------------------------------------ signing

function signingDumps(oracle, v) {
  const key = v.key ?? oracle.secret;
  const salt = v.salt ?? oracle.defaultSalt;
  const now = num(v.now);
  // Our JSON is the payload of an uncompressed token.
  const plain = dumps(v.obj, { secretKey: key, salt, now });
  expectEq("json", tokenJson(plain).toString("utf8"), v.json);
  const token = dumps(v.obj, { secretKey: key, salt, compress: v.compress === true, now });
  expectToken(token, v.expected ?? "", { key, salt, now, json: v.json });
  expectJson("round trip", loads(token, { secretKey: key, salt, now }), v.obj);
}

function maxAge(v) {
  if (v == null) return undefined;
  return isDict(v) ? num(v.timedelta_seconds) : num(v);
}

async function verification(oracle, v) {
  const key = v.key ?? oracle.secret;
  const fallbackKeys = v.fallback_keys ?? oracle.fallbacks;
  const salt = v.salt ?? oracle.defaultSalt;
  const now = num(v.now);
  const input = v.input ?? "";
  await expectOutcome(() => loads(input, { secretKey: key, fallbackKeys, salt, maxAge: maxAge(v.max_age), now }), v.expected);
  const decode = v.session_decode;
  if (decode === undefined) return;
  // SessionBase.decode: signing.loads with the store's key salt and the
  // settings' keys; `{}` on any error, logged when the signature is bad.
  const sessionClass = sessionClassOf(oracle, salt);
  let decoded = {};
  let logged = false;
  try {
    decoded = loads(input, {
      secretKey: oracle.secret, fallbackKeys: oracle.fallbacks, salt: oracle.keySaltPrefix + sessionClass, now,
    });
  } catch (e) {
    logged = e instanceof BadSignature;
  }
  const wantLogged = Array.isArray(decode.logged_suspicious_session) && decode.logged_suspicious_session.length > 0;
  expectEq("logged SuspiciousSession", logged, wantLogged);
  expectJson("session decode", decoded, decode.result);
  // The same through a session's load (which keeps only dicts).
  const { items, problem } = await decodeInSession(oracle, input, now, sessionClass);
  expectJson("session load", items, isDict(decode.result) ? Object.entries(decode.result) : []);
  expectEq("session load logged", isSignatureProblem(problem), wantLogged);
}

/**
 * `SessionBase.encode` as a save does it: a db-engine session (with the key
 * salt's class) saves the dict; the row holds the encoding.
 */
async function sessionEncode(oracle, v) {
  const now = num(v.now);
  const keySalt = v.key_salt ?? "";
  const sessionClass = sessionClassOf(oracle, keySalt);
  const dict = v.session_dict ?? {};
  const stores = newStores(now);
  const s = sessionsFor(oracle, stores, { engine: "db", sessionClass }).open(null);
  await s.update(Object.entries(dict));
  await s.save();
  const [row] = stores.db.rows();
  if (!row) fail("save wrote no row");
  const expected = v.expected ?? "";
  expectToken(row.sessionData, expected, { key: oracle.secret, fallbacks: oracle.fallbacks, salt: keySalt, now });
  const { items, problem } = await decodeInSession(oracle, expected, now, sessionClass);
  expectEq("decode problem", problem, null);
  expectJson("decode", items, Object.entries(dict));
}

// ------------------------------------------------------------------ signed cookies

async function signedCookieValue(oracle, v) {
  const now = num(v.now);
  const stores = newStores(now);
  const sessions = sessionsFor(oracle, stores);
  const s = sessions.open(null);
  for (const op of v.ops ?? []) await applyOp(sessions, s, op);
  await s.save();
  expectJson("session dict", s.peek() ?? {}, v.session_dict);
  expectToken(s.sessionKey ?? "", v.expected_cookie_value ?? "", {
    key: oracle.secret, fallbacks: oracle.fallbacks, salt: oracle.signedCookiesSalt, now,
  });
}

async function signedCookieLoad(oracle, v) {
  const stores = newStores(num(v.now));
  const settings = Number.isInteger(v.SESSION_COOKIE_AGE) ? { cookieAge: v.SESSION_COOKIE_AGE } : {};
  const s = sessionsFor(oracle, stores, settings).open(v.cookie_value ?? null);
  const want = v.expected ?? {};
  expectJson("result", await s.items(), Object.entries(want.result ?? {}));
  expectEq("reset (modified)", s.modified, want.reset_by_create_modified === true);
  expectEq("session key after", s.sessionKey, want.session_key_after ?? null);
}

async function signedCookieCycle(oracle, v) {
  const stores = newStores(num(v.now));
  const s = sessionsFor(oracle, stores).open(v.initial_cookie ?? null);
  await s.cycleKey();
  expectEq("cookie", s.sessionKey, v.expected_cookie_value ?? null);
  expectEq("modified", s.modified, v.modified === true);
}

// ------------------------------------------------------------------ expiry, traces

async function expiry(oracle, v) {
  const stores = newStores(num(v.now));
  const sessions = sessionsFor(oracle, stores, djangoSettings(v.settings));
  const s = sessions.open(null);
  const wants = v.expected_results ?? [];
  for (const [i, op] of (v.ops ?? []).entries()) {
    expectJson(`op ${i} result`, await applyOp(sessions, s, op), wants[i] ?? null);
  }
}

async function trace(oracle, v) {
  const backend = v.backend;
  const now = num(v.now);
  const stores = newStores(now);
  const sessions = sessionsFor(oracle, stores, { engine: backend });
  if (isDict(v.precreated)) await precreate(sessions, stores, v.precreated);
  stores.clock.t = now;
  const s = sessions.open(v.init_key ?? null);
  expectJson("initial state", stateOf(s, backend), v.expected?.initial_state);
  for (const [i, step] of (v.expected?.steps ?? []).entries()) {
    expectJson(`op ${i} result`, await applyOp(sessions, s, step.op), step.result);
    expectJson(`state after op ${i}`, stateOf(s, backend), step.state);
  }
}

// ------------------------------------------------------------------ middleware

/** Two signed_cookies values that load to the same dict, one of them compressed. */
function compressedEquivalent(oracle, ours, django, now) {
  if (typeof ours !== "string" || typeof django !== "string") return false;
  if (!ours.startsWith(".") && !django.startsWith(".")) return false;
  const s = new TimestampSigner({ key: oracle.secret, fallbackKeys: oracle.fallbacks, salt: oracle.signedCookiesSalt });
  try {
    return jsonEq(s.unsignObject(ours, { now }), s.unsignObject(django, { now }));
  } catch {
    return false;
  }
}

/** Set-Cookie headers equal but for a random session key or another deflate's bytes. */
function expectCookies(oracle, got, want, now) {
  if (got.length === want.length && got.every((h, n) => h === want[n])) return;
  const split = (header) => {
    const semi = header.indexOf(";");
    const [first, attrs] = semi < 0 ? [header, ""] : [header.slice(0, semi), header.slice(semi + 1)];
    const eq = first.indexOf("=");
    return [eq < 0 ? "" : first.slice(eq + 1), attrs];
  };
  if (got.length !== want.length) fail(`set-cookie: got ${show(got)}, want ${show(want)}`);
  got.forEach((header, n) => {
    const [[gotValue, gotAttrs], [wantValue, wantAttrs]] = [split(header), split(want[n])];
    const sameValue = normalizeKey(gotValue, "db") === normalizeKey(wantValue, "db")
      || compressedEquivalent(oracle, gotValue, wantValue, now);
    if (gotAttrs !== wantAttrs || !sameValue) fail(`set-cookie: got ${show(header)}, want ${show(want[n])}`);
  });
}

/**
 * Django's SessionMiddleware through `Sessions.handle`: a Request with the
 * scenario's cookies, a view running its ops, and the Response's
 * Set-Cookie, Vary and status compared with Django's.
 */
async function middlewareScenario(oracle, v) {
  const sc = v.scenario ?? {};
  const want = v.expected ?? {};
  const backend = sc.backend;
  const now = num(sc.now);
  const stores = newStores(now);
  const sessions = sessionsFor(oracle, stores, { ...djangoSettings(sc.settings), engine: backend });
  for (const pre of sc.precreate ?? []) await precreate(sessions, stores, pre);
  stores.clock.t = now;

  const cookies = Object.entries(sc.request_cookies ?? {}).map(([name, value]) => `${name}=${value}`);
  const request = new Request("http://testserver/", { headers: cookies.length ? { cookie: cookies.join("; ") } : {} });
  const status = sc.status ?? 200;
  const results = [];
  let session;
  const response = await sessions.handle(request, async (s) => {
    session = s;
    for (const op of sc.view_ops ?? []) results.push(await applyOp(sessions, s, op));
    return new Response(null, { status, headers: sc.response_headers ?? {} });
  });
  expectJson("view op results", results, want.view_ops_results ?? null);

  // handle() answers SessionInterrupted with a bare 400 (Django's exception
  // handler does the same); where Django let it propagate, that 400 is it.
  const interrupted = response.status === 400 && status !== 400;
  if (want.raises !== undefined) return expectEq("raises", interrupted ? "SessionInterrupted" : null, want.raises);

  expectEq("status", response.status, want.status_code);
  expectEq("vary", response.headers.get("vary"), want.vary ?? null);
  expectCookies(oracle, response.headers.getSetCookie(), want.set_cookie_headers ?? [], now);
  expectJson("session after", session?.peek() ?? null, want.session_after ?? null);
  const keyAfter = normalizeKey(session?.sessionKey ?? null, backend);
  const wantKey = normalizeKey(want.session_key_after ?? null, backend);
  if (keyAfter !== wantKey && !(backend === "signed_cookies" && compressedEquivalent(oracle, keyAfter, wantKey, now))) {
    fail(`session key after: got ${show(keyAfter)}, want ${show(wantKey)}`);
  }
}

// ------------------------------------------------------------------ storage

/** The dict `Session.get_decoded()` gives for stored data (`{}` when unreadable). */
function decodeStored(oracle, data, now) {
  try {
    const value = loads(data, { secretKey: oracle.secret, fallbackKeys: oracle.fallbacks, salt: oracle.sessionKeySalt, now });
    return isDict(value) ? value : {};
  } catch {
    return {};
  }
}

function expectCacheEntry(cache, key, value, ttl, now) {
  const entry = cache.entries.get(key) ?? fail(`no cache entry ${key}`);
  expectJson("cached value", JSON.parse(entry.value), value);
  expectEq("cache ttl", entry.expiresAt - now, ttl);
}

/** A row as Django left it is loaded (or refused when expired). */
async function storageDbLoad(oracle, v, stores) {
  const { row } = v;
  const want = v.expected ?? {};
  await stores.db.insert({ sessionKey: row.session_key, sessionData: row.session_data, expireDate: row.expire_date });
  const s = sessionsFor(oracle, stores, { engine: "db" }).open(row.session_key);
  expectJson("loaded", await s.items(), Object.entries(want.loaded ?? {}));
  expectEq("key after", s.sessionKey, want.session_key_after ?? null);
}

/** cached_db reads the row when the cache lost the session, and caches it again. */
async function storageCachedDbRepopulates(oracle, v, stores, now) {
  const want = v.expected ?? {};
  const key = v.session_key ?? oracle.fixedKey;
  stores.clock.t = num(v.saved_at);
  const first = sessionsFor(oracle, stores, { engine: "cached_db" }).open(key);
  await first.save({ mustCreate: true });
  await first.update(Object.entries(want.loaded ?? {}));
  await first.save();
  stores.clock.t = now;
  const emptied = { ...stores, cache: recordingCache(memoryCache({ now: () => stores.clock.t }), stores.clock) };
  const s = sessionsFor(oracle, emptied, { engine: "cached_db" }).open(key);
  expectJson("loaded", await s.items(), Object.entries(want.loaded ?? {}));
  expectCacheEntry(emptied.cache, want.cache_key, want.cached_value, num(want.locmem_expire_at_minus_now), now);
}

/** A failing cache does not fail cached_db's save, like Django's tests' FailingCache. */
async function storageCacheWriteFailure(oracle, v, stores) {
  const key = v.session_key ?? "oracle0fixed0session0key00000003";
  const inner = memoryCache({ now: () => stores.clock.t });
  const refuse = () => { throw new Error("Faked exception saving to cache"); };
  const failing = { ...stores, cache: { get: (k) => inner.get(k), set: refuse, add: refuse, delete: (k) => inner.delete(k) } };
  const s = sessionsFor(oracle, failing, { engine: "cached_db" }).open(key);
  try {
    await s.save({ mustCreate: true });
    await s.set("key", "val");
    await s.save();
  } catch (e) {
    fail(`save raised: ${describe(e)}`);
  }
  expectEq("db row written", (await stores.db.get(key)) != null, v.expected?.db_row_written === true);
  expectEq("cache failure recorded", s.loadProblem?.split(":")[0] ?? null, "StorageError");
}

async function storage(oracle, v) {
  const now = num(v.now);
  const want = v.expected ?? {};
  const stores = newStores(now);
  if (isDict(v.row)) return storageDbLoad(oracle, v, stores);
  if (v.saved_at !== undefined) return storageCachedDbRepopulates(oracle, v, stores, now);
  if (want.db_row_written !== undefined) return storageCacheWriteFailure(oracle, v, stores);

  // Saved through the engine; then the row, cache entry or file Django would hold.
  const key = v.session_key ?? oracle.fixedKey;
  const sessions = sessionsFor(oracle, stores, { engine: v.backend });
  const s = sessions.open(key);
  await s.save({ mustCreate: true });
  await s.update(Object.entries(v.data ?? {}));
  for (const op of v.ops ?? []) await applyOp(sessions, s, op);
  await s.save();
  if (typeof want.session_data === "string") {
    const row = (await stores.db.get(key)) ?? fail("no row");
    expectEq("session_data", row.sessionData, want.session_data);
    expectEq("expire_date", pythonIso(row.expireDate), want.expire_date);
  }
  if (want.get_decoded !== undefined) {
    const row = (await stores.db.get(key)) ?? fail("no row");
    expectJson("get_decoded", decodeStored(oracle, row.sessionData, now), want.get_decoded);
  }
  if (typeof want.cache_key === "string") {
    expectCacheEntry(stores.cache, want.cache_key, want.cached_value, num(want.locmem_expire_at_minus_now), now);
  }
  if (typeof want.file_name === "string") {
    const file = (await stores.files.read(want.file_name)) ?? fail(`no file ${want.file_name}`);
    expectEq("file content", file.content, want.content);
    expectEq("directory", (await stores.files.list("")).sort(), [...(want.dir_listing ?? [])].sort());
  }
}

// ------------------------------------------------------------------ keys, clearsessions

/** The file engine's name for a key, seen through `exists(key)` (Django's `_key_to_file`). */
async function fileKey(oracle, v) {
  const stores = newStores(0);
  const names = [];
  const files = { ...stores.files, exists: (name) => (names.push(name), stores.files.exists(name)) };
  const want = v.expected ?? {};
  let name;
  try {
    await sessionsFor(oracle, { ...stores, files }, { engine: "file" }).open(null).exists(v.key ?? "");
    name = names.at(-1);
  } catch (e) {
    if (want.outcome !== "error") fail(`got error ${describe(e)}, want ${show(want)}`);
    return expectEq("exception", pythonException(e), want.exception);
  }
  if (want.outcome !== "ok") fail(`got ${show(name)}, want ${show(want)}`);
  expectEq("file name", name, want.file_name);
}

function sessionKeyValidation(oracle, v) {
  const s = sessionsFor(oracle, newStores(0)).open(v.assigned ?? null);
  expectEq("session_key", s.sessionKey, v.expected_session_key ?? null);
}

async function clearsessions(oracle, v) {
  const now = num(v.now);
  const stores = newStores(now);
  const want = v.expected ?? {};
  let sessions;
  try {
    sessions = sessionsFor(oracle, stores, { engine: v.engine });
  } catch (e) {
    // Django: CommandError("Session engine '...' doesn't support clearing expired sessions.")
    expectEq("outcome", "error", want.outcome);
    return expectEq("refused", e.name, "InvalidSetting");
  }
  const encode = (dict) => dumps(dict, { secretKey: oracle.secret, salt: oracle.sessionKeySalt, compress: true, now });
  const sorted = (list) => [...(list ?? [])].sort();
  switch (sessions.settings.engine) {
    case "db": {
      for (const [key, offset] of Object.entries(v.rows_expire_offsets ?? {})) {
        await stores.db.insert({ sessionKey: key, sessionData: encode({ a: 1 }), expireDate: dbDate(now + num(offset)) });
      }
      await sessions.clearExpired();
      return expectEq("remaining", sorted(stores.db.rows().map((r) => r.sessionKey)), sorted(v.expected_remaining));
    }
    case "file": {
      const prefix = sessions.settings.cookieName;
      const labels = [];
      for (const c of v.cases ?? []) {
        const data = c._session_expiry == null ? { a: 1 } : { a: 1, _session_expiry: c._session_expiry };
        stores.clock.t = now + num(c.mtime_offset); // the file's mtime
        await stores.files.write(`${prefix}${c.key}`, encode(data), "create");
        labels.push([c.label, `${prefix}${c.key}`]);
      }
      stores.clock.t = now;
      await sessions.clearExpired();
      const survivors = [];
      for (const [label, name] of labels) if (await stores.files.exists(name)) survivors.push(label);
      return expectEq("survivors", sorted(survivors), sorted(v.expected_survivors));
    }
    default: {
      // cache, cached_db's cache side and signed_cookies: nothing to do, and no error.
      let outcome = "ok";
      try {
        await sessions.clearExpired();
      } catch {
        outcome = "error";
      }
      return expectEq("outcome", outcome, want.outcome);
    }
  }
}

// ------------------------------------------------------------------ main

const CATEGORIES = [
  ["primitives/b62", (v) => v.primitives?.b62, b62],
  ["primitives/b62_decode_edge", (v) => v.primitives?.b62_decode_edge, b62DecodeEdge],
  ["primitives/b64", (v) => v.primitives?.b64, b64],
  ["primitives/b64_decode_edge", (v) => v.primitives?.b64_decode_edge, b64DecodeEdge],
  ["primitives/salted_hmac", (v) => v.primitives?.salted_hmac, saltedHmac],
  ["primitives/base64_hmac", (v) => v.primitives?.base64_hmac, base64Hmac],
  ["primitives/signer", (v) => v.primitives?.signer, signer],
  ["primitives/timestamp_signer", (v) => v.primitives?.timestamp_signer, timestampSigner],
  ["signing_dumps", (v) => v.signing_dumps, signingDumps],
  ["verification", (v) => v.verification, verification],
  ["session_encode", (v) => v.session_encode, sessionEncode],
  ["signed_cookies/cookie_values", (v) => v.signed_cookies?.cookie_values, signedCookieValue],
  ["signed_cookies/load", (v) => v.signed_cookies?.load, signedCookieLoad],
  ["signed_cookies/cycle", (v) => v.signed_cookies?.cycle, signedCookieCycle],
  ["expiry", (v) => v.expiry, expiry],
  ["traces", (v) => v.traces, trace],
  ["middleware", (v) => v.middleware, middlewareScenario],
  ["storage", (v) => v.storage, storage],
  ["file_keys", (v) => v.file_keys, fileKey],
  ["session_key_validation", (v) => v.session_key_validation, sessionKeyValidation],
];

/** The oracle's settings and Django's constants, read from the file. */
function oracleOf(vectors) {
  const settings = vectors.meta?.settings ?? {};
  const constants = vectors.constants ?? {};
  const prefix = "django.contrib.sessions.";
  return {
    secret: settings.SECRET_KEY ?? "",
    fallbacks: [...(settings.SECRET_KEY_FALLBACKS ?? [])],
    defaultSalt: constants.signing_dumps_default_salt ?? "django.core.signing",
    keySaltPrefix: prefix,
    sessionKeySalt: constants.key_salt?.db ?? `${prefix}SessionStore`,
    signedCookiesSalt: constants.signed_cookies_salt ?? `${prefix}backends.signed_cookies`,
    fixedKey: "oracle0fixed0session0key00000001",
  };
}

/** Every vector as [id, runner, vector], ids as the native runner makes them. */
function* allVectors(vectors) {
  for (const [category, list, run] of CATEGORIES) {
    const top = category.split("/")[0];
    for (const [i, vector] of (list(vectors) ?? []).entries()) {
      const id = typeof vector?.id === "string" ? vector.id : `${category}/${i}`;
      yield [id.startsWith(top) ? id : `${category}/${id}`, run, vector];
    }
  }
  for (const vector of vectors.clearsessions ?? []) {
    yield [typeof vector?.id === "string" ? vector.id : "clearsessions/?", clearsessions, vector];
  }
}

async function verdict(run, oracle, vector) {
  if (!JSON.rawJSON && containsPyNumber(vector)) {
    return ["skip", "holds numbers JSON.stringify cannot write as Python does (2.0, -0.0, 2**63); needs JSON.rawJSON (Node >= 21)"];
  }
  try {
    await run(oracle, vector);
    return ["pass"];
  } catch (e) {
    if (e instanceof Skip) return ["skip", e.message];
    if (e instanceof Fail) return ["fail", e.message];
    return ["fail", `unexpected ${describe(e)}`];
  }
}

async function main() {
  const path = process.argv[2] ?? new URL("../fixtures/vectors.json", import.meta.url);
  let vectors;
  try {
    vectors = parseOrdered(readFileSync(path, "utf8"));
  } catch (e) {
    console.error(`cannot read ${path}: ${e.message}`);
    return 2;
  }
  const oracle = oracleOf(vectors);
  const counts = { pass: 0, fail: 0, skip: 0 };
  const perCategory = new Map();
  for (const [id, run, vector] of allVectors(vectors)) {
    const [kind, why] = await verdict(run, oracle, vector);
    counts[kind]++;
    if (kind !== "pass") console.log(`${kind.toUpperCase()} ${id}: ${why}`);
    const category = id.split("/")[0];
    const row = perCategory.get(category) ?? { ok: 0, total: 0 };
    row.ok += kind === "pass" ? 1 : 0;
    row.total++;
    perCategory.set(category, row);
  }
  for (const [category, { ok, total }] of perCategory) console.log(`  ${category}: ${ok}/${total}`);
  console.log(`js: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`);
  return counts.fail > 0 ? 1 : 0;
}

process.exitCode = await main();
