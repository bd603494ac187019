// Redis (the `redis` npm client, v4 or later) as a cache for the cache and
// cached_db engines. A translation table only: the core picks keys
// (Django's prefixes) and whole-second TTLs; Redis expires entries itself.

import { InvalidSetting } from "../errors.js";

/** A CacheAdapter over a connected `redis` client (createClient(), createCluster()). */
export function redisCache(client, { prefix = "" } = {}) {
  if (!["get", "set", "del"].every((method) => typeof client?.[method] === "function")) {
    throw new InvalidSetting("redisCache needs a connected client of the `redis` package (await createClient({ url }).connect())");
  }
  if (typeof prefix !== "string") throw new InvalidSetting("redisCache's prefix must be a string");
  return {
    get: (key) => client.get(prefix + key),
    set: (key, value, ttl) => client.set(prefix + key, value, { EX: ttl }),
    // SET NX answers "OK" when it stored the value, null when the key was taken.
    add: async (key, value, ttl) => (await client.set(prefix + key, value, { NX: true, EX: ttl })) === "OK",
    delete: (key) => client.del(prefix + key),
  };
}
