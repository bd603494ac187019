/**
 * Redis as the cache of the `cache` and `cached_db` engines, through the
 * client of the `redis` npm package (v4 or later). You pass your own
 * connected client, so edge-sessions has no runtime dependency on it.
 *
 * Entries are stored with `SET key value EX ttl` (TTLs are whole seconds
 * from the core, at least 1) and added with `SET ... NX EX ttl`; Redis
 * expires them itself, so `clearExpired()` has nothing to do, as in Django.
 *
 * @example
 * import { createClient } from "redis";
 * import { Sessions } from "edge-sessions";
 * import { redisCache } from "edge-sessions/adapters/redis";
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY, engine: "cache", cache: redisCache(client) });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/**
 * The part of a `redis` client (`RedisClientType`, or a cluster from
 * `createCluster()`) the adapter uses. Declared here so the package does
 * not depend on `redis`.
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { EX: number; NX?: boolean }): Promise<string | null>;
  del(key: string): Promise<number>;
}

/** Options of {@link redisCache}. */
export interface RedisCacheOptions {
  /**
   * Prepended to every key the core chooses (those already start with
   * Django's `django.contrib.sessions.cache` or `...cached_db`). Default
   * `""`. Use it to share one Redis database between applications.
   */
  prefix?: string;
}

/**
 * A {@link CacheAdapter} over a connected `redis` client: `get`, `set` with
 * `EX`, `add` as `SET NX EX` (true when stored, false when the key was
 * taken), `delete` as `DEL`. Throws {@link InvalidSetting} when `client`
 * lacks `get`/`set`/`del` or `prefix` is not a string. Redis errors reach
 * the session as `StorageError`, the client's error as `cause`.
 *
 * @example
 * new Sessions({ secretKey, engine: "cached_db", cache: redisCache(client, { prefix: "shop:" }), db })
 */
export function redisCache(client: RedisClientLike, options?: RedisCacheOptions): CacheAdapter;
