/**
 * A Durable Object as the cache of the `cache` and `cached_db` engines:
 * strongly consistent, so this is the cache to use when log-out must take
 * effect everywhere at once (KV lags up to a minute between locations; the
 * Cache API is per data center). Every read and write goes to one object,
 * which sees every change in order, wherever the request ran.
 *
 * Entries are kept in the object's storage with their expiry time; an
 * expired entry reads as absent, and an alarm sweeps expired entries out
 * about once an hour. `add` is atomic (the object runs one call at a time).
 * A value may hold up to 2 MB on SQLite-backed storage (the default for new
 * classes; 128 KiB on the legacy key-value storage).
 *
 * One object (the `name`) serves every session: each call is a round trip
 * to wherever that object lives, and one object handles on the order of a
 * thousand calls a second. Use different names to keep applications or
 * environments apart.
 *
 * Setup: export the class from the Worker's main module and bind it
 * (`wrangler.toml`):
 *
 * ```toml
 * [[durable_objects.bindings]]
 * name = "SESSIONS"
 * class_name = "SessionCacheObject"
 *
 * [[migrations]]
 * tag = "v1"
 * new_sqlite_classes = ["SessionCacheObject"]
 * ```
 *
 * This module imports `cloudflare:workers`, so it loads only in Workers.
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { durableObjectCache } from "edge-sessions/adapters/durable-object";
 * export { SessionCacheObject } from "edge-sessions/adapters/durable-object";
 *
 * export default { fetch: withSession(handler, (env) => ({
 *   secretKey: env.SECRET_KEY, engine: "cache", cache: durableObjectCache(env.SESSIONS),
 * })) };
 *
 * @packageDocumentation
 */

// The Workers types (`@cloudflare/workers-types` or `wrangler types`) declare "cloudflare:workers".
import type { DurableObject } from "cloudflare:workers";
// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/**
 * The Durable Object class behind {@link durableObjectCache}. Its RPC
 * methods are the {@link CacheAdapter} verbs; `alarm()` sweeps expired
 * entries (a subclass that overrides `alarm` should call `super.alarm()`).
 */
export declare class SessionCacheObject extends DurableObject {
  /** The value under `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlSeconds`, and arms the sweeping alarm if none is set. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores `value` only if `key` is absent or expired; atomically. False when it was present. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Removes `key`; an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes expired entries; re-arms itself while live entries remain. */
  alarm(): Promise<void>;
}

/**
 * The part of a Durable Object namespace binding that the adapter uses. With
 * the Workers types, type the binding `DurableObjectNamespace<SessionCacheObject>`.
 */
export interface SessionCacheNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): {
    get(key: string): PromiseLike<string | null>;
    set(key: string, value: string, ttlSeconds: number): PromiseLike<unknown>;
    add(key: string, value: string, ttlSeconds: number): PromiseLike<boolean>;
    delete(key: string): PromiseLike<unknown>;
  };
}

/** Options of {@link durableObjectCache}. */
export interface DurableObjectCacheOptions {
  /** The object's name (`idFromName`): one name, one store. Default `"sessions"`. */
  name?: string;
}

/**
 * A {@link CacheAdapter} that forwards each call over RPC to the
 * {@link SessionCacheObject} named `name`. Throws {@link InvalidSetting}
 * when `namespace` is not a Durable Object namespace binding.
 *
 * @example
 * new Sessions({ secretKey: env.SECRET_KEY, engine: "cached_db", cache: durableObjectCache(env.SESSIONS), db: d1Db(env.DB) })
 */
export function durableObjectCache(namespace: SessionCacheNamespaceLike, options?: DurableObjectCacheOptions): CacheAdapter;
