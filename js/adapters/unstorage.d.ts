/**
 * [unstorage](https://unstorage.unjs.io) as the cache of the `cache` and
 * `cached_db` engines: every unstorage driver (Redis, Upstash, Vercel KV,
 * Netlify Blobs, Cloudflare KV and R2, Deno KV, fs, LRU, memory...) through
 * one adapter. The package does not depend on `unstorage`: pass the
 * Storage you made with `createStorage({ driver })`.
 *
 * Entries go through unstorage's raw item API, as the core gives them: a
 * `Uint8Array` (Django's pickle, the default `cacheFormat`) or a string
 * (`cacheFormat: "json"`). A driver with no raw API of its own stores
 * bytes as unstorage's `base64:` text (Redis, Upstash, Vercel KV, Cloudflare
 * KV): readable back here, not by Django.
 *
 * **Expiry.** Drivers that honour unstorage's `ttl` option (`redis`,
 * `upstash`, `vercel-kv`, `cloudflare-kv-binding`, `cloudflare-kv-http`,
 * `deno-kv`, `deno-kv-node`, `vercel-runtime-cache`: {@link TTL_DRIVERS})
 * expire entries themselves, with their own precision: Cloudflare KV raises
 * TTLs under 60 seconds to 60; Redis and Upstash expire to the second.
 * Every other driver (`memory`, `fs`, `fs-lite`, `lru-cache`,
 * `netlify-blobs`, `cloudflare-r2-binding`, `vercel-blob`, `s3`,
 * `http`...) ignores `ttl` and would keep a session forever, so by default
 * (`expiry: "auto"`) the adapter writes the expiry time (8 bytes) and
 * whether the entry was text (1 byte) in front of the entry there and answers an entry past it as absent: a session
 * never outlives its TTL, but the expired entry stays in the store until
 * it is written or deleted again (unstorage has no sweep; `lru-cache`
 * evicts by size, the others not at all).
 *
 * **Keys.** unstorage normalizes keys: `/` and `\` become `:`, repeated
 * `:` one, and a leading or trailing `:` is dropped; `fs` maps `:` to
 * directories. The keys the core picks (Django's `make_key`,
 * `:1:django.contrib.sessions.cache<key>`) are stored as
 * `1:django.contrib.sessions.cache<key>`: not where a Django site sharing
 * the same Redis looks. To share the cache with Django, use
 * `edge-sessions/adapters/redis`.
 *
 * **Consistency.** As the driver's: Redis and Upstash are strongly
 * consistent; Cloudflare KV, Vercel KV replicas and Netlify Blobs are
 * eventually consistent (a log-out may be seen late elsewhere, see
 * `edge-sessions/adapters/kv`); `memory` and `lru-cache` are per process.
 * `add` is not atomic (unstorage has no set-if-absent: it is a read, then
 * a write; harmless for the core's 32-character random keys), and there is
 * no `replaceIf`, so `detectConflicts` cannot be used.
 *
 * @example
 * import { createStorage } from "unstorage";
 * import redisDriver from "unstorage/drivers/redis";
 * import { Sessions } from "edge-sessions";
 * import { unstorageCache } from "edge-sessions/adapters/unstorage";
 *
 * const storage = createStorage({ driver: redisDriver({ url: process.env.REDIS_URL }) });
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY!, engine: "cache", cache: unstorageCache(storage) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/**
 * The part of an unstorage `Storage` the adapter uses; declared here so the
 * package does not depend on `unstorage`. `createStorage()`'s answer
 * satisfies it.
 */
export interface UnstorageLike {
  getItemRaw(key: string): Promise<unknown>;
  setItemRaw(key: string, value: unknown, options?: { ttl?: number }): Promise<void>;
  hasItem(key: string): Promise<boolean>;
  removeItem(key: string): Promise<void>;
  getMount(key?: string): { base: string; driver: { name?: string } };
}

/** Options of {@link unstorageCache}. */
export interface UnstorageCacheOptions {
  /** Text put before every key the core picks (then normalized by unstorage). Default `""`. */
  prefix?: string;
  /**
   * Who expires entries: `"driver"` (unstorage's `ttl` option; entries
   * stored as they are), `"adapter"` (the expiry time in front of the entry;
   * answered as absent once past), or `"auto"`: `"driver"` for the drivers
   * in {@link TTL_DRIVERS}, `"adapter"` for any other. Default `"auto"`.
   */
  expiry?: "auto" | "driver" | "adapter";
  /** The clock for `"adapter"` expiry, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The unstorage driver names whose `ttl` option expires entries. */
export const TTL_DRIVERS: readonly string[];

/**
 * A {@link CacheAdapter} over an unstorage Storage. Throws
 * {@link InvalidSetting} when `storage` is not one or an option is wrong.
 *
 * @example
 * new Sessions({ secretKey, engine: "cache", cache: unstorageCache(createStorage({ driver: fsDriver({ base: "./sessions" }) })) })
 */
export function unstorageCache(storage: UnstorageLike, options?: UnstorageCacheOptions): CacheAdapter;
