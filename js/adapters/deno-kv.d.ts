/**
 * Deno KV as the cache of the `cache` and `cached_db` engines, on Deno
 * Deploy or locally (`deno run --unstable-kv`: `Deno.openKv` is still an
 * unstable API in Deno 2).
 *
 * - Consistency: every read is strongly consistent (the default; the adapter
 *   never asks for `consistency: "eventual"`), so on Deno Deploy a session
 *   saved in one region is seen at once in every other.
 * - Expiry: KV deletes an entry some time after its `expireIn` runs out, and
 *   returns it until then (locally, a 1-second entry was served for 61 s).
 *   The adapter stores each value with its deadline and treats an entry past
 *   it as absent, so TTLs hold to the millisecond (of this machine's clock);
 *   entries are `{ value, expiresAt }` objects, `expiresAt` in ms since the epoch.
 * - `add` is atomic (`kv.atomic().check(...)`): of two concurrent creators
 *   of one key, exactly one succeeds.
 * - Size: KV refuses values over 64 KiB; saving a larger session fails with
 *   `StorageError` (its `cause` KV's own TypeError).
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { denoKvCache } from "edge-sessions/adapters/deno-kv";
 *
 * const kv = await Deno.openKv();
 * Deno.serve(withSession(handler, { secretKey: Deno.env.get("SECRET_KEY"), engine: "cache", cache: denoKvCache(kv) }));
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { CacheAdapter, InvalidSetting } from "../index.js";

/** A part of a Deno KV key (`Deno.KvKeyPart`), declared here so the package needs no Deno types. */
export type KvKeyPart = Uint8Array | string | number | bigint | boolean | symbol;

/** A Deno KV key (`Deno.KvKey`). */
export type KvKey = readonly KvKeyPart[];

/** The part of `Deno.AtomicOperation` the adapter uses. */
export interface DenoKvAtomicLike {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): DenoKvAtomicLike;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike;
  commit(): Promise<{ ok: boolean }>;
}

/** The part of `Deno.Kv` the adapter uses; `Deno.Kv` satisfies it. */
export interface DenoKvLike {
  get(key: KvKey): Promise<{ key: KvKey; value: unknown; versionstamp: string | null }>;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  delete(key: KvKey): Promise<void>;
  atomic(): DenoKvAtomicLike;
}

/** Options of {@link denoKvCache}. */
export interface DenoKvCacheOptions {
  /** Key parts put before each cache key: `[...prefix, key]`. Default `["edge-sessions"]`. */
  prefix?: KvKey;
}

/**
 * A {@link CacheAdapter} over Deno KV. Throws {@link InvalidSetting} when
 * `kv` is not a `Deno.Kv` or `prefix` is not an array.
 *
 * @example
 * new Sessions({ secretKey, engine: "cached_db", cache: denoKvCache(await Deno.openKv()), db })
 */
export function denoKvCache(kv: DenoKvLike, options?: DenoKvCacheOptions): CacheAdapter;
