// unstorage (https://unstorage.unjs.io) as a cache for the cache and
// cached_db engines: one bridge to every unstorage driver (Redis, Upstash,
// Vercel KV, Netlify Blobs, Cloudflare KV and R2, fs, LRU, memory...).
// A translation table only: the core picks keys and whole-second TTLs; the
// entry is handed over as it is, through unstorage's raw item API (a
// Uint8Array for Django's pickles, a string with cacheFormat "json").
//
// Expiry: a driver that honours unstorage's `ttl` option expires entries
// itself ("driver"); for the others (memory, fs, lru-cache, Netlify Blobs,
// R2...) the adapter keeps the expiry time (and whether the entry was text)
// in front of the entry and treats
// an entry past it as absent ("adapter"), so a session never outlives its
// TTL whatever the driver. See unstorage.d.ts.

import { InvalidSetting } from "../errors.js";

/** unstorage drivers (by `driver.name`) whose setItem/setItemRaw honour `{ ttl }` in seconds. */
export const TTL_DRIVERS = Object.freeze([
  "redis",
  "upstash",
  "vercel-kv",
  "cloudflare-kv-binding",
  "cloudflare-kv-http",
  "deno-kv",
  "deno-kv-node",
  "vercel-runtime-cache",
]);

const encoder = new TextEncoder();

/** A stored value as bytes (unstorage gives Buffers, Uint8Arrays, ArrayBuffers or strings back). */
function toBytes(value) {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`unstorage returned a ${typeof value} for a cache entry`);
}

const decoder = new TextDecoder();
const TEXT = 1; // the entry was a string (cacheFormat "json")
const BYTES = 0; // the entry was bytes (a pickle)

/**
 * "adapter" expiry: 8 bytes of big-endian float64 milliseconds since the
 * epoch, one byte saying whether the entry was text or bytes, the entry.
 */
function seal(value, ttl, now) {
  const body = toBytes(value);
  const sealed = new Uint8Array(9 + body.byteLength);
  new DataView(sealed.buffer).setFloat64(0, now() + ttl * 1000);
  sealed[8] = typeof value === "string" ? TEXT : BYTES;
  sealed.set(body, 9);
  return sealed;
}

/** The entry, as it was given, if it has not expired; null otherwise (or when the adapter did not seal it). */
function unseal(stored, now) {
  if (stored == null) return null;
  const bytes = toBytes(stored);
  if (bytes.byteLength < 9 || bytes[8] > TEXT) return null;
  const expires = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0);
  if (!(expires > now())) return null;
  return bytes[8] === TEXT ? decoder.decode(bytes.subarray(9)) : bytes.subarray(9);
}

/**
 * A CacheAdapter over an unstorage Storage (createStorage({ driver })).
 * Options: `prefix` (put before every key), `expiry` ("auto", "driver" or
 * "adapter"), `now` (milliseconds; for tests).
 */
export function unstorageCache(storage, { prefix = "", expiry = "auto", now = Date.now } = {}) {
  if (!["getItemRaw", "setItemRaw", "hasItem", "removeItem", "getMount"].every((m) => typeof storage?.[m] === "function")) {
    throw new InvalidSetting("unstorageCache needs an unstorage Storage (createStorage({ driver }) from the `unstorage` package)");
  }
  if (typeof prefix !== "string") throw new InvalidSetting("unstorageCache's prefix must be a string");
  if (!["auto", "driver", "adapter"].includes(expiry)) {
    throw new InvalidSetting(`unstorageCache's expiry must be "auto", "driver" or "adapter", not ${JSON.stringify(expiry)}`);
  }
  if (typeof now !== "function") throw new InvalidSetting("unstorageCache's now must be a function returning milliseconds");
  const name = (key) => prefix + key;
  // Decided per key: a storage may mount different drivers under different bases.
  const sealed = (key) => expiry === "adapter" || (expiry === "auto" && !TTL_DRIVERS.includes(storage.getMount(name(key)).driver?.name));

  const get = async (key) => {
    const stored = await storage.getItemRaw(name(key));
    if (!sealed(key)) return stored ?? null;
    return unseal(stored, now);
  };
  const set = (key, value, ttl) => (sealed(key) ? storage.setItemRaw(name(key), seal(value, ttl, now)) : storage.setItemRaw(name(key), value, { ttl }));
  return {
    get,
    set,
    // Not atomic: unstorage has no set-if-absent (see unstorage.d.ts).
    async add(key, value, ttl) {
      const present = sealed(key) ? (await get(key)) !== null : await storage.hasItem(name(key));
      if (present) return false;
      await set(key, value, ttl);
      return true;
    },
    delete: (key) => storage.removeItem(name(key)),
  };
}
