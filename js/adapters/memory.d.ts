/**
 * In-memory stores: the default for tests, demos and single-process
 * servers. Each is the storage contract over a Map, answering at once.
 * `edge-sessions` re-exports the three factories.
 *
 * @example
 * import { Sessions } from "edge-sessions";
 * import { memoryCache } from "edge-sessions/adapters/memory";
 * const sessions = new Sessions({ secretKey: "…", engine: "cache", cache: memoryCache({ maxEntries: 10_000 }) });
 *
 * @packageDocumentation
 */

import type { CacheAdapter, CacheEntry, DbAdapter, FileAdapter, SessionRow } from "../types.js";

/**
 * A cache over a Map: entries expire after their TTL, and past
 * `maxEntries` (a number, 1 or more, default Infinity; InvalidSetting
 * otherwise) the least recently used go. Entries are copied in and out.
 */
export function memoryCache(options?: { maxEntries?: number; now?: () => number }): CacheAdapter & { readonly size: number };

/** A `django_session` table over a Map; `rows()` lists what it holds. */
export function memoryDb(): DbAdapter & { rows(): SessionRow[] };

/** A session directory over a Map; `modifiedAt` from `now` (seconds). */
export function memoryFiles(options?: { now?: () => number }): FileAdapter;

/** Whether two cache entries hold the same bytes (strings compare as strings). */
export function sameEntry(a: CacheEntry, b: CacheEntry): boolean;
