// Workers KV as a cache for the cache and cached_db engines. A translation
// table only: the core picks keys and TTLs; KV's 60-second TTL floor and
// its lack of an atomic add are the two places KV differs (see kv.d.ts).

import { InvalidSetting } from "../errors.js";

// KV refuses an expirationTtl under 60 seconds.
const KV_MIN_TTL = 60;

/** A CacheAdapter over a KV namespace binding, keys prefixed with `prefix`. */
export function kvCache(namespace, { prefix = "" } = {}) {
  if (typeof namespace?.get !== "function" || typeof namespace?.put !== "function") {
    throw new InvalidSetting("kvCache needs a KV namespace binding (env.SESSIONS)");
  }
  const put = (key, value, ttl) => namespace.put(prefix + key, value, { expirationTtl: Math.max(ttl, KV_MIN_TTL) });
  return {
    // Bytes, whichever format the entry is in (a pickle is binary).
    get: (key) => namespace.get(prefix + key, "arrayBuffer"),
    set: put,
    // Not atomic: KV has no compare-and-set (see kv.d.ts).
    async add(key, value, ttl) {
      if ((await namespace.get(prefix + key)) !== null) return false;
      await put(key, value, ttl);
      return true;
    },
    delete: (key) => namespace.delete(prefix + key),
  };
}
