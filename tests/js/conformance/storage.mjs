// storage: what each engine leaves in its store (the db row, the cache
// entry and its timeout, the file), the db load boundary, cached_db
// refilling its cache, and a failing cache under cached_db.

import { randomBytes } from "node:crypto";
import { memoryCache } from "edge-sessions";
import { loads } from "./lib.mjs";
import { describe, expectEq, expectJson, fail, isDict, items, number, text } from "./check.mjs";
import { applyOp } from "./ops.mjs";
import { KEY_SALT_PREFIX } from "./oracle.mjs";
import { decodeEntry, newStores, pythonIso, recordingCache } from "./stores.mjs";

const CACHED_DB_KEY_PREFIX = "django.contrib.sessions.cached_db";

/** The dict `Session.get_decoded()` gives for stored data (`{}` when unreadable). */
function decodeStored(oracle, data, now) {
  try {
    const salt = `${KEY_SALT_PREFIX}SessionStore`;
    const value = loads(data, { secretKey: oracle.secret, fallbackKeys: oracle.fallbacks, salt, now });
    return isDict(value) ? value : {};
  } catch {
    return {};
  }
}

/** The entry under Django's make_key(cache_key), decoded, and its timeout. */
function expectCacheEntry(oracle, cache, want, now) {
  const key = oracle.cacheKey(text(want, "cache_key"));
  const entry = cache.entries.get(key) ?? fail(`no cache entry ${key}`);
  expectJson("cached value", decodeEntry(entry.value), want.cached_value);
  expectEq("cache timeout", entry.expiresAt - now, number(want, "locmem_expire_at_minus_now"));
}

/** A row as Django left it is loaded only while expire_date > now. */
async function dbLoad(oracle, v, stores) {
  const { row } = v;
  const want = v.expected ?? {};
  const key = text(row, "session_key");
  await stores.db.insert({ sessionKey: key, sessionData: text(row, "session_data"), expireDate: text(row, "expire_date") });
  const s = oracle.sessions(stores, { engine: "db" }).open(key);
  expectJson("loaded", await s.items(), Object.entries(want.loaded ?? {}));
  expectEq("key after", s.sessionKey, want.session_key_after ?? null);
}

/** cached_db saved at saved_at, the cache emptied: a load at now reads the row and caches it again. */
async function cachedDbRefill(oracle, v, stores, now) {
  const want = v.expected ?? {};
  const cacheKey = text(want, "cache_key");
  const key = v.session_key
    ?? (cacheKey.startsWith(CACHED_DB_KEY_PREFIX) ? cacheKey.slice(CACHED_DB_KEY_PREFIX.length) : fail("the vector names no session key"));
  stores.clock.t = number(v, "saved_at");
  const first = oracle.sessions(stores, { engine: "cached_db" }).open(key);
  await first.save({ mustCreate: true });
  await first.update(Object.entries(want.loaded ?? {}));
  await first.save();
  stores.clock.t = now;
  const emptied = { ...stores, cache: recordingCache(memoryCache({ now: () => stores.clock.t }), stores.clock) };
  const s = oracle.sessions(emptied, { engine: "cached_db" }).open(key);
  expectJson("loaded", await s.items(), Object.entries(want.loaded ?? {}));
  expectCacheEntry(oracle, emptied.cache, want, now);
}

/** A failing cache does not fail cached_db's save, like Django's tests' FailingCache. */
async function failingCache(oracle, v, stores) {
  const key = v.session_key ?? randomBytes(16).toString("hex");
  const inner = memoryCache({ now: () => stores.clock.t });
  const refuse = () => { throw new Error("Faked exception saving to cache"); };
  const failing = { ...stores, cache: { get: (k) => inner.get(k), set: refuse, add: refuse, delete: (k) => inner.delete(k) } };
  const s = oracle.sessions(failing, { engine: "cached_db" }).open(key);
  try {
    await s.save({ mustCreate: true });
    await s.set("key", "val");
    await s.save();
  } catch (e) {
    fail(`save raised: ${describe(e)}`);
  }
  expectEq("db row written", (await stores.db.get(key)) != null, v.expected?.db_row_written);
  expectEq("cache failure recorded", s.loadProblem?.split(":")[0] ?? null, "StorageError");
}

/** A session saved under the vector's key; then the row, cache entry or file Django would hold. */
async function saved(oracle, v, stores, now) {
  const want = v.expected ?? {};
  const key = text(v, "session_key");
  const sessions = oracle.sessions(stores, { engine: text(v, "backend") });
  const s = sessions.open(key);
  await s.save({ mustCreate: true });
  await s.update(Object.entries(isDict(v.data) ? v.data : fail("data is not a dict")));
  for (const op of items(v.ops)) await applyOp(sessions, s, op);
  await s.save();
  if (typeof want.session_data === "string") {
    const row = (await stores.db.get(key)) ?? fail("no row");
    expectEq("session_data", row.sessionData, want.session_data);
    expectEq("expire_date", pythonIso(row.expireDate), want.expire_date);
  }
  if (want.get_decoded !== undefined) {
    const row = (await stores.db.get(key)) ?? fail("no row");
    expectJson("get_decoded", decodeStored(oracle, row.sessionData, now), want.get_decoded);
  }
  if (want.cache_key !== undefined) expectCacheEntry(oracle, stores.cache, want, now);
  if (typeof want.file_name === "string") {
    const file = (await stores.files.read(want.file_name)) ?? fail(`no file ${want.file_name}`);
    expectEq("file content", file.content, want.content);
    expectEq("directory", (await stores.files.list("")).sort(), [...items(want.dir_listing)].sort());
  }
}

export async function storage(oracle, v) {
  const now = oracle.clock(v);
  const stores = newStores(now);
  if (isDict(v.row)) return dbLoad(oracle, v, stores);
  if (v.saved_at !== undefined) return cachedDbRefill(oracle, v, stores, now);
  if (v.expected?.db_row_written !== undefined) return failingCache(oracle, v, stores);
  return saved(oracle, v, stores, now);
}
