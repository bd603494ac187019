// The storage contract, one list of cases run against every adapter (real
// KV, D1, Redis, PostgreSQL, files...). Runtime-agnostic: web standards only.
//
// contract({ lib, kind, open, realTtl }) returns `{ name, fn }` cases, where
//   lib     the imported package,
//   kind    "cache" | "db" | "cached_db" | "files": the engine under test,
//   open()  resolves to a FRESH, empty store: { cache?, db?, files? } adapters,
//   realTtl true when the cache honours a 1-second TTL in real time (not KV:
//           its minimum is 60 s, so its expiry is checked through the TTL it
//           is given instead).
// Every session uses a virtual clock (`now`) so db/file expiry can be
// checked without waiting; cache expiry is the store's own.

const ENGINE = { cache: "cache", db: "db", cached_db: "cached_db", files: "file" };
const KEY_PREFIX = { cache: "django.contrib.sessions.cache", cached_db: "django.contrib.sessions.cached_db" };

class ContractError extends Error {
  name = "ContractError";
}

function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new ContractError(`${what}: expected ${e}, got ${a}`);
}

async function rejects(promise, name, what) {
  const error = await promise.then(() => null, (e) => e);
  if (error?.name !== name) throw new ContractError(`${what}: expected ${name}, got ${error ? `${error.name}: ${error.message}` : "success"}`);
  return error;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A cache entry as hex, whichever form the adapter returns (string, Uint8Array, ArrayBuffer, Buffer). */
function hex(value) {
  if (value === null || value === undefined) return value;
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(value.buffer ?? value, value.byteOffset ?? 0, value.byteLength);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
const hexOf = (text) => hex(text);

// A session and the bytes CPython 3.11 writes for it with Django's cache
// serializer, pickle.dumps(data, 5) (protocol 5: a FRAME, memoized strings,
// a UTF-8 string with a 4-byte character, a float, True, None).
const PICKLED = {
  data: { cart: ["apple", "poire 🍐 Zoë"], n: 1, price: 1.5, ok: true, none: null },
  hex:
    "8005954f000000000000007d94288c0463617274945d94288c056170706c65948c0f706f69726520f09f8d90205a6fc3ab94658c016e944b018c05707269636594473ff80000000000008c026f6b94888c046e6f6e65944e752e",
};
// Every byte value, in an order no text encoding survives (NUL, lone
// continuation bytes, 0x80 first as in a pickle).
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => (i + 0x80) % 256);

/** Records the TTLs a cache adapter is given, passing every call through. */
function recordingTtls(cache) {
  const ttls = [];
  return {
    ttls,
    cache: {
      get: (k) => cache.get(k),
      set: (k, v, ttl) => (ttls.push(ttl), cache.set(k, v, ttl)),
      add: (k, v, ttl) => (ttls.push(ttl), cache.add(k, v, ttl)),
      delete: (k) => cache.delete(k),
    },
  };
}

export function contract({ lib, kind, open, realTtl = false }) {
  const clock = { now: Math.floor(Date.now() / 1000) };
  const sessionsOver = (stores, extra = {}) =>
    new lib.Sessions({ secretKey: "contract-secret", engine: ENGINE[kind], now: () => clock.now, ...stores, ...extra });
  const fresh = async (extra) => {
    const stores = await open();
    return { stores, sessions: sessionsOver(stores, extra) };
  };
  const saved = async (sessions, data) => {
    const s = sessions.open();
    await s.update(data);
    await s.save();
    return s.sessionKey;
  };

  const cases = {
    async "create, then load from a second session"() {
      const { sessions } = await fresh();
      const key = await saved(sessions, { cart: [1, 2], user: "zoë" });
      equal(/^[a-z0-9]{32}$/.test(key), true, "new key");
      equal(await sessions.open(key).items(), [["cart", [1, 2]], ["user", "zoë"]], "loaded");
    },

    async "save replaces the stored session"() {
      const { sessions } = await fresh();
      const key = await saved(sessions, { n: 1 });
      const s = sessions.open(key);
      await s.set("n", 2);
      await s.save();
      equal(s.sessionKey, key, "key kept");
      equal(await sessions.open(key).get("n"), 2, "reloaded");
    },

    async "exists"() {
      const { sessions } = await fresh();
      const key = await saved(sessions, { a: 1 });
      const s = sessions.open();
      equal(await s.exists(key), true, "stored key");
      equal(await s.exists("nosuchkey0000000000000000000000x"), false, "unknown key");
    },

    async "delete (flush) removes the stored session"() {
      const { sessions } = await fresh();
      const key = await saved(sessions, { a: 1 });
      const s = sessions.open(key);
      await s.flush();
      equal(s.sessionKey, null, "key after flush");
      equal(await sessions.open().exists(key), false, "exists after flush");
      const again = sessions.open(key);
      equal(await again.items(), [], "loaded after flush");
      equal(again.sessionKey, null, "stale key dropped");
    },

    async "expiry"() {
      if (kind === "db" || kind === "files" || kind === "cached_db") {
        const { stores, sessions } = await fresh();
        const s = sessions.open();
        await s.set("a", 1);
        // A date, not a number: Django's file engine never expires a numeric
        // expiry (it counts from now), and must behave the same here.
        await s.setExpiry({ seconds: 60 });
        await s.save();
        const key = s.sessionKey;
        clock.now += 30;
        equal(await sessions.open(key).get("a"), 1, "before expiry");
        clock.now += 31;
        // cached_db: the cache may still hold it, as in Django; the db must not.
        const dbOnly = kind === "cached_db" ? sessionsOver({ db: stores.db }, { engine: "db" }) : sessions;
        equal(await dbOnly.open(key).get("a"), undefined, "after expiry");
        clock.now -= 61;
        return;
      }
      const { cache } = await open();
      const recorder = recordingTtls(cache);
      const sessions = sessionsOver({ cache: recorder.cache });
      const s = sessions.open();
      await s.set("a", 1);
      await s.setExpiry(realTtl ? 1 : 120);
      await s.save();
      equal(recorder.ttls.at(-1), realTtl ? 1 : 120, "TTL given to the store");
      if (realTtl) {
        await sleep(2100);
        equal(await sessions.open(s.sessionKey).get("a"), undefined, "after the TTL");
      }
      const gone = sessions.open(s.sessionKey);
      await gone.setExpiry(-1); // already over: Django's caches drop such a value
      await gone.save();
      equal(await sessions.open(s.sessionKey).get("a"), undefined, "negative expiry removes it");
    },

    async "clearExpired removes only expired sessions"() {
      const { stores, sessions } = await fresh();
      const shortLived = sessions.open();
      await shortLived.set("a", 1);
      await shortLived.setExpiry({ seconds: 10 });
      await shortLived.save();
      const longLived = await saved(sessions, { b: 2 });
      clock.now += 20;
      await sessions.clearExpired();
      const probe = sessions.open();
      if (kind === "cache") {
        // Caches expire entries themselves: clearExpired is a no-op that must succeed.
        equal(await probe.exists(longLived), true, "live session kept");
      } else {
        const dbOrFiles = kind === "cached_db" ? sessionsOver({ db: stores.db }, { engine: "db" }).open() : probe;
        equal(await dbOrFiles.exists(shortLived.sessionKey), false, "expired session removed");
        equal(await dbOrFiles.exists(longLived), true, "live session kept");
      }
      clock.now -= 20;
    },

    async "add-if-absent: a taken key is never overwritten"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { owner: "first" });
      const intruder = sessions.open(key);
      await rejects(intruder.save({ mustCreate: true }), "CreateError", "create over a taken key");
      equal(await sessions.open(key).get("owner"), "first", "first session intact");
      // And at the adapter level, the primitive the core relies on:
      if (stores.cache && kind === "cache") {
        const k = `${KEY_PREFIX.cache}contract-add-${key}`;
        equal(await stores.cache.add(k, "one", 60), true, "first add");
        equal(await stores.cache.add(k, "two", 60), false, "second add");
        equal(hex(await stores.cache.get(k)), hexOf("one"), "value kept");
      }
      if (stores.db) {
        const row = { sessionKey: `contract-${key.slice(0, 20)}`, sessionData: "x", expireDate: "2999-01-01 00:00:00" };
        equal(await stores.db.insert(row), true, "first insert");
        equal(await stores.db.insert({ ...row, sessionData: "y" }), false, "second insert");
        equal((await stores.db.get(row.sessionKey)).sessionData, "x", "row kept");
      }
      if (stores.files) {
        const name = `sessionidcontract${key.slice(0, 10)}`;
        equal(await stores.files.write(name, "one", "create"), true, "first create");
        equal(await stores.files.write(name, "two", "create"), false, "second create");
        equal((await stores.files.read(name)).content, "one", "file kept");
      }
    },

    async "entries are bytes: a binary value comes back byte for byte"() {
      const { stores } = await fresh();
      const cache = stores.cache;
      const k = `${KEY_PREFIX.cache}contract-bytes-${Math.random().toString(36).slice(2)}`;
      await cache.set(k, ALL_BYTES, 60);
      equal(hex(await cache.get(k)), hex(ALL_BYTES), "set, then get");
      const other = ALL_BYTES.slice().reverse();
      if (cache.replaceIf) {
        equal(await cache.replaceIf(k, other, 60, other), false, "replaceIf with the wrong bytes");
        equal(await cache.replaceIf(k, other, 60, ALL_BYTES.slice()), true, "replaceIf with the same bytes");
        equal(hex(await cache.get(k)), hex(other), "after replaceIf");
      }
      await cache.delete(k);
      equal(await cache.add(k, ALL_BYTES.subarray(1, 255), 60), true, "add");
      equal(hex(await cache.get(k)), hex(ALL_BYTES.subarray(1, 255)), "a view's bytes only, after add");
      // JSON text (cacheFormat: "json") comes back as its UTF-8 bytes or as the same string.
      await cache.set(k, '{"zoë":"🍐"}', 60);
      equal(hex(await cache.get(k)), hexOf('{"zoë":"🍐"}'), "a JSON entry");
    },

    async "the cache engines store Django's key and CPython's pickle"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, PICKLED.data);
      const cacheKey = `:1:${KEY_PREFIX[kind]}${key}`;
      equal(hex(await stores.cache.get(cacheKey)), PICKLED.hex, `the entry under ${cacheKey}`);
      equal(await sessions.open(key).items(), Object.entries(PICKLED.data), "read back");
      // And the other way: an entry written as Django writes it is read.
      const other = "0123456789abcdefghijklmnopqrstuv";
      const bytes = Uint8Array.from(PICKLED.hex.match(/../g), (h) => Number.parseInt(h, 16));
      await stores.cache.set(`:1:${KEY_PREFIX[kind]}${other}`, bytes, 60);
      if (kind === "cache") equal(await sessions.open(other).get("cart"), PICKLED.data.cart, "Django's entry, read");
    },

    async "a session that vanished mid-request is SessionInterrupted (400)"() {
      const { sessions } = await fresh();
      const key = await saved(sessions, { a: 1 });
      const response = await sessions.handle(
        new Request("https://contract.test/", { headers: { cookie: `sessionid=${key}` } }),
        async (session) => {
          await session.set("a", 2);
          await sessions.open(key).deleteFromStore(); // another request logs out
          return new Response("ok");
        },
      );
      equal(response.status, 400, "status");
      const other = await saved(sessions, { b: 1 });
      const direct = sessions.open(other);
      await direct.set("b", 2); // loaded before the other request deletes it
      await sessions.open(other).deleteFromStore();
      await rejects(direct.save(), "UpdateError", "plain save of a vanished session");
    },
  };
  // The byte-level cases only where there is a cache.
  if (kind !== "cache") delete cases["entries are bytes: a binary value comes back byte for byte"];
  if (kind !== "cache" && kind !== "cached_db") delete cases["the cache engines store Django's key and CPython's pickle"];
  return Object.entries(cases).map(([name, fn]) => ({ name, fn }));
}

/** Runs cases in order; returns [{ name, ok, error }]. */
export async function runContract(cases) {
  const results = [];
  for (const { name, fn } of cases) {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: `${error?.name}: ${error?.message}` });
    }
  }
  return results;
}

/**
 * Lost-update protection (`detectConflicts`), for the db and cache
 * adapters that compare-and-swap: same arguments as `contract`.
 */
export function conflictCases({ lib, kind, open }) {
  const engine = ENGINE[kind];
  const sessionsOver = (stores) => new lib.Sessions({ secretKey: "contract-secret", engine, detectConflicts: true, ...stores });
  const cases = {
    async "detectConflicts: the second of two overlapping saves is refused"() {
      const sessions = sessionsOver(await open());
      const first = sessions.open();
      await first.set("n", 0);
      await first.save();
      const [a, b] = [sessions.open(first.sessionKey), sessions.open(first.sessionKey)];
      await a.set("n", "a");
      await b.set("n", "b");
      await a.save();
      await rejects(b.save(), "UpdateError", "the stale save");
      equal(await sessions.open(first.sessionKey).get("n"), "a", "the first save kept");
    },

    async "detectConflicts: the middleware answers a conflict with 400"() {
      const sessions = sessionsOver(await open());
      const first = sessions.open();
      await first.set("n", 0);
      await first.save();
      const cookie = `sessionid=${first.sessionKey}`;
      const response = await sessions.handle(new Request("https://contract.test/", { headers: { cookie } }), async (session) => {
        await session.set("n", "slow");
        const fast = sessions.open(first.sessionKey);
        await fast.set("n", "fast");
        await fast.save(); // another request saves first
        return new Response("ok");
      });
      equal(response.status, 400, "status");
      equal(await sessions.open(first.sessionKey).get("n"), "fast", "the other request's save kept");
    },

    async "detectConflicts: saves in sequence do not conflict"() {
      const sessions = sessionsOver(await open());
      const s = sessions.open();
      for (const n of [1, 2, 3]) {
        await s.set("n", n);
        await s.save();
      }
      const next = sessions.open(s.sessionKey);
      await next.set("n", 4);
      await next.save();
      equal(await sessions.open(s.sessionKey).get("n"), 4, "last value");
    },
  };
  return Object.entries(cases).map(([name, fn]) => ({ name, fn }));
}
