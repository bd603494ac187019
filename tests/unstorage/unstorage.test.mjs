// edge-sessions/adapters/unstorage over real unstorage drivers: memory,
// lru-cache, fs (a temp directory) and redis (ioredis, against the Redis of
// scripts/services.sh: REDIS_URL, or a server started for this file).
// Each driver runs the storage contract (tests/adapters/contract.js) on the
// cache and cached_db engines, then the adapter's own rules: entries are
// the core's bytes or text as they are, TTLs reach the drivers that honour
// them, and the adapter expires entries on the drivers that do not.
//
//   node --test tests/unstorage/
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import Redis from "ioredis";
import { createStorage } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import lruCacheDriver from "unstorage/drivers/lru-cache";
import memoryDriver from "unstorage/drivers/memory";
import redisDriver from "unstorage/drivers/redis";
import * as lib from "edge-sessions";
import { TTL_DRIVERS, unstorageCache } from "edge-sessions/adapters/unstorage";
import { contract, runContract } from "../adapters/contract.js";
import { serviceUrls } from "../support/services.mjs";

const { REDIS_URL } = serviceUrls(["redis"]);
const run = `unstorage-${process.pid}-${Date.now().toString(36)}`;
const work = mkdtempSync(path.join(tmpdir(), "edge-sessions-unstorage-"));
const storages = [];
let next = 0;

/** A fresh, empty Storage per call, on each driver. */
const DRIVERS = {
  memory: () => createStorage({ driver: memoryDriver() }),
  "lru-cache": () => createStorage({ driver: lruCacheDriver({ max: 1000 }) }),
  fs: () => createStorage({ driver: fsDriver({ base: path.join(work, `fs-${next++}`) }) }),
  redis: () => createStorage({ driver: redisDriver({ url: REDIS_URL, base: `${run}:${next++}` }) }),
};
const fresh = (driver) => {
  const storage = DRIVERS[driver]();
  storages.push(storage);
  return storage;
};

const redis = new Redis(REDIS_URL);
after(async () => {
  for (const storage of storages) await storage.dispose();
  const keys = await redis.keys(`${run}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(work, { recursive: true, force: true });
});

describe("the storage contract", () => {
  for (const driver of Object.keys(DRIVERS)) {
    for (const kind of ["cache", "cached_db"]) {
      test(`${driver} driver, ${kind} engine`, async () => {
        const open = () => ({ cache: unstorageCache(fresh(driver)), ...(kind === "cached_db" ? { db: lib.memoryDb() } : {}) });
        // realTtl: every one of these expires a 1-second TTL in real time
        // (redis itself; the others through the adapter's expiry).
        const results = await runContract(contract({ lib, kind, open, realTtl: true }));
        const failed = results.filter((r) => !r.ok);
        assert.ok(results.length >= 8, `${results.length} cases ran`);
        assert.deepEqual(failed, [], failed.map((r) => `${r.name}: ${r.error}`).join("\n"));
      });
    }
  }
});

const SECRET = "unstorage-test-secret";
const sessionsOver = (cache, extra = {}) => new lib.Sessions({ secretKey: SECRET, engine: "cache", cache, ...extra });

async function saved(sessions, data) {
  const session = sessions.open();
  await session.update(data);
  await session.save();
  return session.sessionKey;
}

/** Every key the storage holds, as unstorage lists them. */
const keysOf = (storage) => storage.getKeys();

describe("entries as the core gives them", () => {
  test("memory driver: the pickle is stored as the Uint8Array itself, under unstorage's form of Django's key", async () => {
    const storage = fresh("memory");
    const key = await saved(sessionsOver(unstorageCache(storage, { expiry: "driver" })), { cart: [1, 2] });
    assert.deepEqual(await keysOf(storage), [`1:django.contrib.sessions.cache${key}`]); // ":1:" lost its leading ":"
    const stored = await storage.getItemRaw(`:1:django.contrib.sessions.cache${key}`);
    assert.ok(stored instanceof Uint8Array);
    assert.equal(stored[0], 0x80); // PROTO
    assert.equal(stored[1], 5); // protocol 5, as CPython's pickle.dumps
    assert.deepEqual(await sessionsOver(unstorageCache(storage, { expiry: "driver" })).open(key).get("cart"), [1, 2]);
  });

  test('cacheFormat "json": the JSON text is stored as a string', async () => {
    const storage = fresh("memory");
    const sessions = sessionsOver(unstorageCache(storage, { expiry: "driver" }), { cacheFormat: "json" });
    const key = await saved(sessions, { cart: [1, 2] });
    assert.equal(await storage.getItemRaw(`1:django.contrib.sessions.cache${key}`), '{"cart":[1,2]}');
  });

  test("fs driver: one file per session (the key's `:` as directories): the expiry time, the kind, the pickle", async () => {
    const storage = fresh("fs");
    const sessions = sessionsOver(unstorageCache(storage));
    const key = await saved(sessions, { a: 1 });
    const base = storage.getMount("").driver.options.base;
    const file = path.join(base, "1", `django.contrib.sessions.cache${key}`);
    const bytes = readFileSync(file);
    const expires = bytes.readDoubleBE(0);
    assert.ok(Math.abs(expires - (Date.now() + 1209600e3)) < 60e3, "SESSION_COOKIE_AGE from now");
    assert.deepEqual([bytes[8], bytes[9], bytes[10]], [0, 0x80, 5]); // 0: bytes, then PROTO 5
    assert.ok(statSync(file).isFile());
    assert.deepEqual(readdirSync(path.join(base, "1")), [`django.contrib.sessions.cache${key}`]);
    assert.equal(await sessions.open(key).get("a"), 1);
  });

  test("redis driver: bytes as unstorage's base64: text, strings as they are, the TTL on the key", async () => {
    const storage = fresh("redis");
    const base = storage.getMount("").driver.options.base;
    const pickled = await saved(sessionsOver(unstorageCache(storage)), { a: 1 });
    const raw = await redis.get(`${base}:1:django.contrib.sessions.cache${pickled}`);
    assert.match(raw, /^base64:gAW/); // 0x80 0x05: a protocol-5 pickle
    const ttl = await redis.ttl(`${base}:1:django.contrib.sessions.cache${pickled}`);
    assert.ok(ttl > 1209500 && ttl <= 1209600, `TTL ${ttl}`);

    const json = await saved(sessionsOver(unstorageCache(storage), { cacheFormat: "json", cookieAge: 300 }), { a: 2 });
    assert.equal(await redis.get(`${base}:1:django.contrib.sessions.cache${json}`), '{"a":2}');
    const jsonTtl = await redis.ttl(`${base}:1:django.contrib.sessions.cache${json}`);
    assert.ok(jsonTtl > 290 && jsonTtl <= 300, `TTL ${jsonTtl}`);
  });
});

describe("expiry", () => {
  test('"auto" lets the drivers that honour ttl expire entries, and expires the others itself', () => {
    assert.ok(TTL_DRIVERS.includes("redis") && TTL_DRIVERS.includes("cloudflare-kv-binding"));
    for (const name of ["memory", "fs", "lru-cache", "netlify-blobs", "cloudflare-r2-binding"]) assert.ok(!TTL_DRIVERS.includes(name), name);
  });

  for (const driver of ["memory", "fs", "lru-cache"]) {
    test(`${driver} driver: an entry past its TTL is absent, though still in the store`, async () => {
      const clock = { ms: Date.now() };
      const storage = fresh(driver);
      const cache = unstorageCache(storage, { now: () => clock.ms });
      await cache.set("k", new Uint8Array([1, 2, 3]), 10);
      assert.deepEqual([...(await cache.get("k"))], [1, 2, 3]);
      assert.equal(await cache.add("k", "other", 10), false);
      clock.ms += 10_001;
      assert.equal(await cache.get("k"), null);
      assert.equal(await storage.hasItem("k"), true); // no sweep: left until written or deleted
      assert.equal(await cache.add("k", "new", 10), true); // an expired entry does not block add
      assert.equal(await cache.get("k"), "new"); // a string comes back a string
      await cache.delete("k");
      assert.equal(await storage.hasItem("k"), false);
    });
  }

  test('"driver" on a driver without TTLs keeps the entry: why "auto" does not', async () => {
    const clock = { ms: Date.now() };
    const cache = unstorageCache(fresh("memory"), { expiry: "driver", now: () => clock.ms });
    await cache.set("k", "v", 1);
    clock.ms += 3_600_000;
    assert.equal(await cache.get("k"), "v");
  });

  test("redis driver: a 1-second session is gone after 2 seconds (Redis expired it)", async () => {
    const storage = fresh("redis");
    const sessions = sessionsOver(unstorageCache(storage), { cookieAge: 1 });
    const key = await saved(sessions, { a: 1 });
    assert.equal(await sessions.open(key).get("a"), 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal(await storage.hasItem(`1:django.contrib.sessions.cache${key}`), false);
    assert.equal(await sessions.open(key).get("a"), undefined);
  });
});

test("refuses what is not an unstorage Storage, and bad options", () => {
  assert.throws(() => unstorageCache({}), { name: "InvalidSetting" });
  assert.throws(() => unstorageCache(new Map()), { name: "InvalidSetting" });
  const storage = fresh("memory");
  assert.throws(() => unstorageCache(storage, { prefix: 1 }), { name: "InvalidSetting" });
  assert.throws(() => unstorageCache(storage, { expiry: "never" }), { name: "InvalidSetting" });
  assert.throws(() => unstorageCache(storage, { now: 5 }), { name: "InvalidSetting" });
});

test("detectConflicts is refused: no replaceIf", () => {
  assert.throws(() => sessionsOver(unstorageCache(fresh("memory")), { detectConflicts: true }), { name: "InvalidSetting" });
});
