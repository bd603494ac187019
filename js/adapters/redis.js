// Redis (the `redis` npm client, v5 or later) as a cache for the cache and
// cached_db engines. A translation table only: the core picks keys
// (Django's `make_key`) and whole-second TTLs; Redis expires entries itself.
// Entries are bytes (Django's pickles are binary): values go out as
// Buffers and come back as Buffers.

import { Buffer } from "node:buffer";
import { InvalidSetting } from "../errors.js";

// node-redis's RESP type for bulk strings (RESP_TYPES.BLOB_STRING, "$").
const BLOB_STRING = 36;
const bytes = (value) => (typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

const REPLACE_IF = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3]) return 1 end return 0`;

/** A CacheAdapter over a connected `redis` client (createClient(), createCluster()). */
export function redisCache(client, { prefix = "" } = {}) {
  if (!["get", "set", "del", "withTypeMapping"].every((method) => typeof client?.[method] === "function")) {
    throw new InvalidSetting("redisCache needs a connected client of the `redis` package, v5 or later (await createClient({ url }).connect())");
  }
  if (typeof prefix !== "string") throw new InvalidSetting("redisCache's prefix must be a string");
  const binary = client.withTypeMapping({ [BLOB_STRING]: Buffer });
  return {
    get: (key) => binary.get(prefix + key),
    set: (key, value, ttl) => client.set(prefix + key, bytes(value), { EX: ttl }),
    // SET NX answers "OK" when it stored the value, null when the key was taken.
    add: async (key, value, ttl) => (await client.set(prefix + key, bytes(value), { NX: true, EX: ttl })) === "OK",
    // detectConflicts: compare and set in one Lua script, which Redis runs atomically.
    replaceIf: async (key, value, ttl, expected) =>
      (await client.eval(REPLACE_IF, { keys: [prefix + key], arguments: [bytes(expected), bytes(value), String(ttl)] })) === 1,
    delete: (key) => client.del(prefix + key),
  };
}
