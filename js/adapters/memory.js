// In-memory stores: the default for tests and single-process servers.
// Each is the storage contract over a Map, answering synchronously.

import { InvalidSetting } from "../errors.js";

const clock = () => Date.now() / 1000;

/** Whether two cache entries (strings or byte arrays) hold the same bytes. */
export function sameEntry(a, b) {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of an entry, so a caller changing its array cannot change the cache. */
const copyEntry = (value) => (value instanceof Uint8Array ? value.slice() : value);

/**
 * A cache adapter over a Map, least recently used entries evicted past
 * `maxEntries`. Entries expire after their TTL.
 */
export function memoryCache({ maxEntries = Infinity, now = clock } = {}) {
  // `null` or a string would compare as 0 or NaN: evict everything, or nothing.
  if (typeof maxEntries !== "number" || !(maxEntries >= 1)) {
    throw new InvalidSetting("memoryCache's maxEntries must be a number of entries, 1 or more (Infinity: no bound)");
  }
  const entries = new Map(); // key -> [value, expiresAt]
  // Recency order matters only when something may be evicted; without a
  // bound, each use skips the delete and re-insert (a Map shrinks and
  // grows again when its only entry goes and comes back).
  const bounded = maxEntries !== Infinity;
  const live = (key) => {
    const entry = entries.get(key);
    if (entry && entry[1] > now()) return entry;
    if (entry) entries.delete(key);
    return undefined;
  };
  const put = (key, value, ttl) => {
    if (bounded) entries.delete(key);
    entries.set(key, [copyEntry(value), now() + ttl]);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value);
  };
  return {
    get(key) {
      const entry = live(key);
      if (!entry) return null;
      if (bounded) {
        entries.delete(key); // re-insert: most recently used last
        entries.set(key, entry);
      }
      return copyEntry(entry[0]);
    },
    set(key, value, ttl) {
      put(key, value, ttl);
    },
    add(key, value, ttl) {
      if (live(key)) return false;
      put(key, value, ttl);
      return true;
    },
    // Compare-and-swap for detectConflicts: JS runs this without interleaving.
    replaceIf(key, value, ttl, expected) {
      const entry = live(key);
      if (!entry || !sameEntry(entry[0], expected)) return false;
      put(key, value, ttl);
      return true;
    },
    delete(key) {
      entries.delete(key);
    },
    /** Number of entries held (expired ones included until touched). */
    get size() {
      return entries.size;
    },
  };
}

/** A `django_session` table in a Map (rows keep Django's text dates). */
export function memoryDb() {
  const rows = new Map();
  const copy = (row) => ({ sessionKey: row.sessionKey, sessionData: row.sessionData, expireDate: row.expireDate });
  return {
    get(sessionKey) {
      const row = rows.get(sessionKey);
      return row ? copy(row) : null;
    },
    exists(sessionKey) {
      return rows.has(sessionKey);
    },
    insert(row) {
      if (rows.has(row.sessionKey)) return false;
      rows.set(row.sessionKey, copy(row));
      return true;
    },
    update(row) {
      if (!rows.has(row.sessionKey)) return false;
      rows.set(row.sessionKey, copy(row));
      return true;
    },
    updateIf(row, expected) {
      if (rows.get(row.sessionKey)?.sessionData !== expected) return false;
      rows.set(row.sessionKey, copy(row));
      return true;
    },
    delete(sessionKey) {
      rows.delete(sessionKey);
    },
    // Django's text dates sort as they compare (SQLite compares them as text too).
    deleteExpired(before) {
      for (const [key, row] of rows) if (row.expireDate < before) rows.delete(key);
    },
    /** Every row, for inspection. */
    rows() {
      return [...rows.values()].map(copy);
    },
  };
}

/** A session directory in a Map: names to `{ content, modifiedAt }`. */
export function memoryFiles({ now = clock } = {}) {
  const files = new Map();
  return {
    read(name) {
      const file = files.get(name);
      return file ? { ...file } : null;
    },
    exists(name) {
      return files.has(name);
    },
    write(name, content, mode) {
      if ((mode === "create") === files.has(name)) return false;
      files.set(name, { content, modifiedAt: now() });
      return true;
    },
    remove(name) {
      files.delete(name);
    },
    list(prefix) {
      return [...files.keys()].filter((name) => name.startsWith(prefix));
    },
  };
}
