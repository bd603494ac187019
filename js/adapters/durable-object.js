// A Durable Object as a strongly consistent cache for the cache and
// cached_db engines: one object (by name) holds every entry, each with its
// expiry time. A translation table plus the expiry bookkeeping KV and the
// Cache API do for themselves. This module imports "cloudflare:workers", so
// it lives apart: only a Worker that binds the class imports it.

import { DurableObject } from "cloudflare:workers";
import { InvalidSetting } from "../errors.js";
import { sameEntry } from "./memory.js";

// How often an alarm sweeps out expired entries (reads already skip them).
const PURGE_EVERY_MS = 60 * 60 * 1000;
// Keys per list() page and per delete([...]) (KV-backed storage's delete limit).
const PAGE = 128;

/** The Durable Object class; bind it and export it from the Worker's main module. */
export class SessionCacheObject extends DurableObject {
  /** The value under `key`, or null when absent or expired. */
  async get(key) {
    const entry = await this.ctx.storage.get(key);
    return entry !== undefined && entry.expiresAt > Date.now() ? entry.value : null;
  }

  /** Stores `value` for `ttlSeconds`. */
  async set(key, value, ttlSeconds) {
    await this.ctx.storage.put(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
  }

  /**
   * Stores `value` only if `key` is absent or expired. Atomic: between the
   * read and the write this method awaits nothing but its own storage
   * calls, and the object's input gate delivers no other call (RPC, alarm)
   * while a storage operation is in flight. So two racing `add`s of one key
   * run one after the other and exactly one returns true. Awaiting anything
   * else here (a fetch, a timer) would open the gate and break this.
   */
  async add(key, value, ttlSeconds) {
    if ((await this.get(key)) !== null) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  /** Stores `value` only if `key` holds `expected` (detectConflicts); atomic like `add`. */
  async replaceIf(key, value, ttlSeconds, expected) {
    const current = await this.get(key);
    if (current === null || !sameEntry(current, expected)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  /** Removes `key`; an absent key is not an error. */
  async delete(key) {
    await this.ctx.storage.delete(key);
  }

  /** Sweeps expired entries page by page; re-arms while live entries remain. */
  async alarm() {
    const now = Date.now();
    let live = false;
    let startAfter;
    for (;;) {
      const page = await this.ctx.storage.list({ startAfter, limit: PAGE });
      if (page.size === 0) break;
      const expired = [];
      for (const [key, entry] of page) {
        if (entry.expiresAt <= now) expired.push(key);
        else live = true;
        startAfter = key;
      }
      if (expired.length > 0) await this.ctx.storage.delete(expired);
    }
    if (live) await this.ctx.storage.setAlarm(now + PURGE_EVERY_MS);
  }
}

/** A CacheAdapter forwarding each call over RPC to the object named `name`. */
export function durableObjectCache(namespace, { name = "sessions" } = {}) {
  if (typeof namespace?.idFromName !== "function" || typeof namespace?.get !== "function") {
    throw new InvalidSetting("durableObjectCache needs a Durable Object namespace binding (env.SESSIONS)");
  }
  const id = namespace.idFromName(name);
  // A fresh stub per call: a stub that saw an exception stays broken, and
  // making one costs nothing until it is used. `async` turns the RPC call's
  // answer (a callable thenable, not a Promise) into a plain Promise.
  const stub = () => namespace.get(id);
  return {
    get: async (key) => stub().get(key),
    set: async (key, value, ttl) => stub().set(key, value, ttl),
    add: async (key, value, ttl) => stub().add(key, value, ttl),
    replaceIf: async (key, value, ttl, expected) => stub().replaceIf(key, value, ttl, expected),
    delete: async (key) => stub().delete(key),
  };
}
