// The package's memory adapters on one settable clock, a cache that
// records what was set and until when, and Django's date forms.

import { memoryCache, memoryDb, memoryFiles } from "edge-sessions";
import { fail } from "./check.mjs";

/**
 * The memory adapters on one settable clock (cache TTLs and file mtimes
 * follow it). The cache records what was set and until when, which the
 * adapter itself does not expose.
 */
export function newStores(t) {
  const clock = { t };
  const now = () => clock.t;
  return { clock, cache: recordingCache(memoryCache({ now }), clock), db: memoryDb(), files: memoryFiles({ now }) };
}

export function recordingCache(inner, clock) {
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

/** A cache entry's dict: JSON text (a string, or bytes that are not a pickle). */
export function decodeEntry(value) {
  if (typeof value === "string") return JSON.parse(value);
  const bytes = value instanceof Uint8Array ? value : new Uint8Array(value ?? []);
  if (bytes[0] === 0x80) fail("the cache entry is a pickle, which this runner does not read; replay with cacheFormat json");
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** A `django_session` expire_date in Django's SQLite text form. */
export function dbDate(seconds) {
  const whole = Math.floor(seconds);
  const iso = new Date(whole * 1000).toISOString();
  const micros = Math.round((seconds - whole) * 1e6);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros ? `.${String(micros).padStart(6, "0")}` : ""}`;
}

/** Python's isoformat of a stored date (`2023-11-28 22:13:20` is UTC). */
export function pythonIso(text) {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(String(text));
  if (!m) return String(text);
  const micros = (m[3] ?? "").padEnd(6, "0").slice(0, 6);
  const offset = !m[4] || m[4] === "Z" ? "+00:00" : m[4].replace(/^([+-]\d\d)(\d\d)$/, "$1:$2");
  return `${m[1]}T${m[2]}${/[1-9]/.test(micros) ? `.${micros}` : ""}${offset}`;
}
