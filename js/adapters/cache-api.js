// The Workers Cache API as a cache for the cache and cached_db engines: each
// key is a URL under `baseUrl`, each value a Response that lives for its TTL
// (`Cache-Control: max-age`). A translation table only; the core picks keys
// and TTLs.

import { InvalidSetting } from "../errors.js";

/** A CacheAdapter over a Cache (`caches.default` or `await caches.open(name)`). */
export function cacheApiCache(cache = globalThis.caches?.default, { baseUrl = "https://edge-sessions.invalid/" } = {}) {
  if (typeof cache?.match !== "function" || typeof cache?.put !== "function") {
    throw new InvalidSetting("cacheApiCache needs a Cache (caches.default or await caches.open(name))");
  }
  if (!/^https?:\/\/[^/?#]+\/([^?#]*\/)?$/.test(baseUrl)) {
    throw new InvalidSetting(`baseUrl must be an http(s) URL ending in "/", not ${JSON.stringify(baseUrl)}`);
  }
  const url = (key) => baseUrl + encodeURIComponent(key);
  const put = (key, value, ttl) => cache.put(url(key), new Response(value, { headers: { "Cache-Control": `max-age=${ttl}` } }));
  return {
    // Bytes, whichever format the entry is in (a pickle is binary).
    async get(key) {
      const hit = await cache.match(url(key));
      return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
    },
    set: put,
    // Not atomic: the Cache API has no compare-and-set (see cache-api.d.ts).
    async add(key, value, ttl) {
      if (await cache.match(url(key))) return false;
      await put(key, value, ttl);
      return true;
    },
    delete: (key) => cache.delete(url(key)),
  };
}
