// Redis (the `redis` npm client, v4 or later) as a cache for the cache and
// cached_db engines. A translation table only: the core picks keys
// (Django's prefixes) and whole-second TTLs; Redis expires entries itself.

import { InvalidSetting } from "../errors.js";

const REPLACE_IF = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3]) return 1 end return 0`;

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
    // detectConflicts: compare and set in one Lua script, which Redis runs atomically.
    replaceIf: async (key, value, ttl, expected) =>
      (await client.eval(REPLACE_IF, { keys: [prefix + key], arguments: [expected, value, String(ttl)] })) === 1,
    delete: (key) => client.del(prefix + key),
  };
}
