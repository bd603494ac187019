// The Worker that tests/adapters/workerd.run.mjs runs in workerd: the
// contract (contract.js) against real KV, Cache API, Durable Objects and D1,
// plus what the contract cannot see from one request (atomic add under
// concurrency, the Durable Object's alarm sweep, adapters built in one
// request and used in a later one) and a Cron Trigger that clears expired
// sessions. The runner's entry module imports the package and hands it to
// `testWorker`, so this file never names a package path.
//
//   GET /routes               the names below, for the runner
//   GET /contract/<adapter>   the contract's cases: [{ name, ok, error, ms }]
//   GET /extra/<check>        one extra check, same shape
//   GET /cross/<adapter>?step=1|2   an adapter kept from step 1 used in step 2
//   GET /scheduled/seed       sessions for the scheduled handler: { expired, live }
//   scheduled                 clearExpired() on the D1 table SCHEDULED_TABLE

import { conflictCases, contract, runContract } from "./contract.js";

export const SCHEDULED_TABLE = "scheduled_sessions";
const SECRET = "workerd-adapters-secret";

class CheckError extends Error {
  name = "CheckError";
}
function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new CheckError(`${what}: expected ${e}, got ${a}`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Names unique to each open(): a fresh KV prefix, cache path, object, table.
const unique = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

/** `{ fetch, scheduled }` over the package (`lib`) and its Workers adapters. */
export function testWorker({ lib, kvCache, cacheApiCache, durableObjectCache, d1Db, createD1Table }) {
  const freshD1 = async (env) => {
    const table = `t_${unique()}`;
    await createD1Table(env.DB, { table });
    return d1Db(env.DB, { table });
  };
  const caches_ = {
    kv: (env) => kvCache(env.KV, { prefix: `${unique()}:` }),
    "cache-api": () => cacheApiCache(caches.default, { baseUrl: `https://edge-sessions.invalid/${unique()}/` }),
    "durable-object": (env) => durableObjectCache(env.SESSIONS, { name: unique() }),
  };
  // Each: [contract kind, open(env) giving fresh stores, realTtl].
  const adapters = {
    kv: ["cache", async (env) => ({ cache: caches_.kv(env) }), false],
    "cache-api": ["cache", async () => ({ cache: caches_["cache-api"]() }), true],
    "durable-object": ["cache", async (env) => ({ cache: caches_["durable-object"](env) }), true, true],
    d1: ["db", async (env) => ({ db: await freshD1(env) }), false, true],
    "cached_db kv+d1": ["cached_db", async (env) => ({ cache: caches_.kv(env), db: await freshD1(env) }), false],
    "cached_db durable-object+d1": [
      "cached_db",
      async (env) => ({ cache: caches_["durable-object"](env), db: await freshD1(env) }),
      true,
    ],
  };

  const extras = {
    // A Durable Object delivers one call at a time: of many racing adds of
    // one key, exactly one wins, and its value stays.
    async "durable-object: concurrent add, exactly one wins"(env) {
      const cache = caches_["durable-object"](env);
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.add("race", `v${i}`, 60)));
      equal(wins.filter(Boolean).length, 1, "adds that returned true");
      equal(await cache.get("race"), `v${wins.indexOf(true)}`, "the winner's value");
    },
    // The alarm drops expired entries from storage and re-arms while live ones remain.
    async "durable-object: the alarm sweeps out expired entries"(env) {
      const probe = env.PROBE.get(env.PROBE.idFromName(unique()));
      for (let i = 0; i < 300; i++) await probe.set(`old${String(i).padStart(3, "0")}`, "x", 1); // > 2 pages
      await probe.set("live", "y", 3600);
      equal((await probe.alarmAt()) !== null, true, "alarm armed by set");
      await sleep(1100);
      await probe.sweep();
      equal(await probe.storedKeys(), ["live"], "keys left in storage");
      equal(await probe.get("live"), "y", "live entry");
      equal((await probe.alarmAt()) !== null, true, "alarm re-armed");
      await probe.delete("live");
      await probe.sweep();
      equal(await probe.alarmAt(), null, "no alarm once empty");
    },
  };

  // Adapters kept between requests, as `withSession` keeps its Sessions per env.
  const kept = {};
  const crossAdapters = {
    kv: (env) => ({ cache: caches_.kv(env) }),
    "cache-api": () => ({ cache: caches_["cache-api"]() }),
    "durable-object": (env) => ({ cache: caches_["durable-object"](env) }),
    d1: async (env) => ({ db: await freshD1(env) }),
  };

  const timed = async (name, fn) => {
    const start = Date.now();
    const [result] = await runContract([{ name, fn }]);
    return { ...result, ms: Date.now() - start };
  };

  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      const [, route, rawName] = url.pathname.split("/");
      const name = decodeURIComponent(rawName ?? "");
      if (route === "routes") {
        return Response.json({ contract: Object.keys(adapters), extra: Object.keys(extras), cross: Object.keys(crossAdapters) });
      }
      if (route === "contract" && adapters[name]) {
        // The fourth field: the store compare-and-swaps, so it also runs the conflict cases.
        const [kind, open, realTtl, cas] = adapters[name];
        const cases = [
          ...contract({ lib, kind, open: () => open(env), realTtl }),
          ...(cas ? conflictCases({ lib, kind, open: () => open(env) }) : []),
        ];
        const results = [];
        for (const { name: caseName, fn } of cases) results.push(await timed(caseName, fn));
        return Response.json(results);
      }
      if (route === "extra" && extras[name]) return Response.json([await timed(name, () => extras[name](env))]);
      if (route === "cross" && crossAdapters[name]) {
        const title = `${name}: an adapter built in an earlier request still works`;
        if (url.searchParams.get("step") === "1") {
          kept[name] = { stores: await crossAdapters[name](env) };
          const sessions = new lib.Sessions({ secretKey: SECRET, engine: kept[name].stores.db ? "db" : "cache", ...kept[name].stores });
          const s = sessions.open();
          await s.set("step", 1);
          await s.save();
          kept[name].key = s.sessionKey;
          return Response.json([]);
        }
        return Response.json([await timed(title, async () => {
          const { stores, key } = kept[name];
          const sessions = new lib.Sessions({ secretKey: SECRET, engine: stores.db ? "db" : "cache", ...stores });
          const s = sessions.open(key);
          equal(await s.get("step"), 1, "read in the second request");
          await s.set("step", 2);
          await s.save();
          equal(await sessions.open(key).get("step"), 2, "written in the second request");
        })]);
      }
      if (route === "scheduled" && name === "seed") {
        await createD1Table(env.DB, { table: SCHEDULED_TABLE });
        const db = d1Db(env.DB, { table: SCHEDULED_TABLE });
        const dayAgo = Date.now() / 1000 - 86400;
        const save = async (now, expiry) => {
          const s = new lib.Sessions({ secretKey: SECRET, engine: "db", db, now: () => now }).open();
          await s.set("a", 1);
          if (expiry !== undefined) await s.setExpiry(expiry);
          await s.save();
          return s.sessionKey;
        };
        // Saved a day ago: one for a minute (long gone), one for two weeks (still live).
        const expired = [await save(dayAgo, { seconds: 60 }), await save(dayAgo, { seconds: 3600 })];
        const live = [await save(dayAgo), await save(Date.now() / 1000, { seconds: 3600 })];
        return Response.json({ expired, live });
      }
      return new Response(`no such route: ${url.pathname}`, { status: 404 });
    },

    // What a Worker's Cron Trigger does: Django's clearsessions, on the real clock.
    async scheduled(controller, env) {
      await new lib.Sessions({ secretKey: SECRET, engine: "db", db: d1Db(env.DB, { table: SCHEDULED_TABLE }) }).clearExpired();
    },
  };
}

/** `Base` (the package's SessionCacheObject) with test-only RPC methods to look inside. */
export function probeClass(Base) {
  return class ProbeSessionCacheObject extends Base {
    /** Every key in storage, expired or not. */
    async storedKeys() {
      return [...(await this.ctx.storage.list()).keys()];
    }
    /** The alarm time, or null. */
    alarmAt() {
      return this.ctx.storage.getAlarm();
    }
    /** A due alarm, now: the runtime clears the alarm, then calls the handler (which RPC cannot call). */
    async sweep() {
      await this.ctx.storage.deleteAlarm();
      return this.alarm();
    }
  };
}
