/**
 * The Workers Cache API as the cache of the `cache` and `cached_db` engines.
 * Each key becomes a URL under `baseUrl` (the key `encodeURIComponent`-ed),
 * each value a `Response` stored with `Cache-Control: max-age=<ttl>`.
 *
 * The Cache API is a cache, not a store:
 *
 * - **Per data center.** Nothing is replicated: a session written in one
 *   location is absent in every other, so a visitor routed elsewhere is
 *   logged out (`cache` engine) or read from the database (`cached_db`).
 *   The same goes for deletes: a log-out (`flush()`, `cycleKey()`) removes
 *   only the copy where it ran. A copy that `cached_db` placed in another
 *   data center lives out its TTL (the session's age) and still answers
 *   there, since the cache is read first. Where log-out must take effect
 *   everywhere, use the Durable Object cache
 *   (`edge-sessions/adapters/durable-object`) or the `db` engine instead.
 * - **Evicted at any time.** Entries may vanish before their TTL, and with
 *   them sessions. With the `cache` engine that is a log-out; with
 *   `cached_db` only a cache miss.
 * - **Inert on `*.workers.dev`** (and in the dashboard preview): Cloudflare
 *   only runs the Cache API for Workers on a custom domain; elsewhere every
 *   `put` is a no-op and nothing is ever found.
 * - **No atomic add.** `add` is a match, then a put. The core only adds
 *   brand-new random 32-char keys, so a collision is practically impossible.
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { cacheApiCache } from "edge-sessions/adapters/cache-api";
 * import { d1Db } from "edge-sessions/adapters/d1";
 *
 * export default { fetch: withSession(handler, (env) => ({
 *   secretKey: env.SECRET_KEY, engine: "cached_db", cache: cacheApiCache(), db: d1Db(env.DB),
 * })) };
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/**
 * The part of a `Cache` (`caches.default`, `await caches.open(name)`) the
 * adapter uses.
 */
export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<unknown>;
  delete(request: string): Promise<boolean>;
}

/** Options of {@link cacheApiCache}. */
export interface CacheApiCacheOptions {
  /**
   * The URL every key is appended to: `http:` or `https:`, ending in `/`;
   * anything else throws {@link InvalidSetting}. Default
   * `"https://edge-sessions.invalid/"` (`.invalid` never resolves, so no
   * real page shares the cache entries).
   */
  baseUrl?: string;
}

/**
 * A {@link CacheAdapter} over the Cache API. Per data center, evictable at
 * any time, `add` not atomic (see the module notes). Throws
 * {@link InvalidSetting} when `cache` is not a Cache or when called outside
 * Workers without one.
 *
 * @param cache Default `caches.default`.
 * @example
 * cacheApiCache(await caches.open("sessions"))
 */
export function cacheApiCache(cache?: CacheLike, options?: CacheApiCacheOptions): CacheAdapter;
