// The oracle's op lists (["set", "k", "v"], ["set_expiry", {"int": 300}], ...)
// replayed on a session, the state the oracle records after each, and how
// a session key the store made up is shown.

import { EdgeSessionsError } from "./lib.mjs";
import { fail, isDict, num, pythonException, show } from "./check.mjs";
import { stringsIn } from "./read.mjs";


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
export async function applyOp(sessions, s, op) {
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

/**
 * The session keys a vector names. Django's oracle writes a key its store
 * made up as `<random32>`; a key the vector names is shown as is.
 */
export class KnownKeys {
  constructor(vector) {
    this.names = stringsIn(vector);
  }

  /** Whether `key` is one our store made up (32 of [a-z0-9] the vector does not name). */
  isRandom(key, backend) {
    return backend !== "signed_cookies" && typeof key === "string" && /^[a-z0-9]{32}$/.test(key) && !this.names.has(key);
  }

  /** A session key as the oracle shows it. */
  show(key, backend) {
    if (key == null) return null;
    return this.isRandom(key, backend) ? "<random32>" : key;
  }
}

/** The state the oracle records after each op of a trace. */
export function stateOf(s, backend, known) {
  return {
    accessed: s.accessed,
    modified: s.modified,
    session_key: known.show(s.sessionKey, backend),
    cache_loaded: s.isLoaded,
    cache: s.peek() ?? null,
  };
}

/** Django's `precreate`: `save(must_create=True)`, `update(data)`, `save()` at time `t`. */
export async function precreate(sessions, stores, { key, data, t }) {
  if (typeof key !== "string") fail("precreate without a key");
  stores.clock.t = num(t);
  const s = sessions.open(key);
  await s.save({ mustCreate: true });
  await s.update(Object.entries(data ?? {}));
  await s.save();
}
