// Deno KV as a cache for the cache and cached_db engines. A translation
// table only: the core picks keys and TTLs; each key lives under `prefix`.

import { InvalidSetting } from "../errors.js";
import { sameEntry } from "./memory.js";

/** A CacheAdapter over a Deno.Kv (`await Deno.openKv()`). */
export function denoKvCache(kv, { prefix = ["edge-sessions"] } = {}) {
  if (typeof kv?.get !== "function" || typeof kv?.atomic !== "function") {
    throw new InvalidSetting("denoKvCache needs a Deno.Kv (await Deno.openKv())");
  }
  if (!Array.isArray(prefix)) throw new InvalidSetting(`prefix must be a Deno KV key (an array), not ${JSON.stringify(prefix)}`);
  const at = (key) => [...prefix, key];
  // KV deletes an entry some time after its expireIn runs out, and until then
  // get() returns it and a versionstamp-null check fails (seen with Deno 2.9:
  // a 1 s entry was served for 61 s). The core relies on the cache
  // honouring TTLs, so each entry also carries its deadline, and an entry
  // past it reads as absent; expireIn only lets KV reclaim the space.
  const entry = (value, ttl) => [{ value, expiresAt: Date.now() + ttl * 1000 }, { expireIn: ttl * 1000 }];
  const live = (stored) => stored.value !== null && stored.value.expiresAt > Date.now();
  return {
    async get(key) {
      const stored = await kv.get(at(key));
      return live(stored) ? stored.value.value : null;
    },
    set: (key, value, ttl) => kv.set(at(key), ...entry(value, ttl)),
    // Atomic: commits only if the key still holds what was read (nothing, or
    // the same expired entry); a failed check means another writer got there
    // first, which counts as taken.
    async add(key, value, ttl) {
      const current = await kv.get(at(key));
      if (live(current)) return false;
      const { ok } = await kv
        .atomic()
        .check(current)
        .set(at(key), ...entry(value, ttl))
        .commit();
      return ok;
    },
    // detectConflicts: commits only if the entry is still the one whose value was compared.
    async replaceIf(key, value, ttl, expected) {
      const current = await kv.get(at(key));
      if (!live(current) || !sameEntry(current.value.value, expected)) return false;
      const { ok } = await kv
        .atomic()
        .check(current)
        .set(at(key), ...entry(value, ttl))
        .commit();
      return ok;
    },
    delete: (key) => kv.delete(at(key)),
  };
}
