/**
 * Workers KV as the cache of the `cache` and `cached_db` engines.
 *
 * KV is a cache of a particular kind; know its three limits before you keep
 * sessions in it:
 *
 * - **TTL floor of 60 seconds.** KV refuses an `expirationTtl` under 60, so
 *   shorter TTLs are raised to 60: a session asked to live 5 seconds may
 *   live 60 in KV. Its own expiry date still applies wherever the core reads
 *   it (`cached_db` checks the database row), but with the `cache` engine
 *   the entry is readable until KV drops it.
 * - **Eventually consistent.** A write is seen at once where it was made and
 *   up to about 60 seconds later at other locations. So a log-out (`flush()`,
 *   `cycleKey()`) may leave the old session readable at other data centers
 *   for up to a minute. `cached_db` (KV + D1) does not close that window:
 *   it reads the cache first, as Django's does, so a stale KV copy still
 *   answers. When log-out must take effect everywhere at once, use the
 *   Durable Object cache (`edge-sessions/adapters/durable-object`, strongly
 *   consistent), alone or as `cached_db` with D1, or the `db` engine on D1.
 * - **No atomic add.** `add` is a get, then a put; two writers of one key
 *   can both succeed. The core only adds brand-new random keys (32 chars of
 *   `[a-z0-9]`, 36^32 ≈ 6e49 of them), so two requests colliding on one key
 *   is, for practical purposes, impossible.
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { kvCache } from "edge-sessions/adapters/kv";
 *
 * export default { fetch: withSession(handler, (env) => ({
 *   secretKey: env.SECRET_KEY, engine: "cache", cache: kvCache(env.SESSIONS),
 * })) };
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/**
 * The part of Cloudflare's `KVNamespace` (a Workers binding) the adapter
 * uses; declared here so the package does not depend on
 * `@cloudflare/workers-types`.
 */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options: { expirationTtl: number }): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

/** Options of {@link kvCache}. */
export interface KvCacheOptions {
  /**
   * Text put before every key the core picks (which already start with
   * Django's `django.contrib.sessions.cache`), to share one namespace
   * between applications. Default `""`. Key plus prefix must stay within
   * KV's 512 bytes.
   */
  prefix?: string;
}

/**
 * A {@link CacheAdapter} over a KV namespace. TTLs under 60 seconds are
 * raised to 60 (KV's minimum); `add` is not atomic; reads at other
 * locations may lag writes by up to about 60 seconds (see the module notes).
 * Throws {@link InvalidSetting} when `namespace` is not a KV binding.
 *
 * @example
 * new Sessions({ secretKey: env.SECRET_KEY, engine: "cached_db", cache: kvCache(env.SESSIONS), db: d1Db(env.DB) })
 */
export function kvCache(namespace: KVNamespaceLike, options?: KvCacheOptions): CacheAdapter;
