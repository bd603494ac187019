// The Worker that tests/hostile/concurrency.test.mjs runs inside workerd
// (through Miniflare): the overlapping-request cases of concurrency.js
// against real KV, Cache API, Durable Objects and D1. The runner's entry
// module imports the package and its Workers adapters and hands them to
// `concurrencyWorker`, so this file names no package path.
//
//   GET /stores          the store names, for the runner
//   GET /run/<store>     the cases against that store: [{ name, ok, error, ms }]

import { concurrency } from "./concurrency.js";

const unique = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

export function concurrencyWorker({ lib, kvCache, cacheApiCache, durableObjectCache, d1Db, createD1Table }) {
  const freshD1 = async (env) => {
    const table = `c_${unique()}`;
    await createD1Table(env.DB, { table });
    return d1Db(env.DB, { table });
  };
  const kv = (env) => kvCache(env.KV, { prefix: `${unique()}:` });
  const cacheApi = () => cacheApiCache(caches.default, { baseUrl: `https://edge-sessions.invalid/${unique()}/` });
  const durableObject = (env) => durableObjectCache(env.SESSIONS, { name: unique() });
  // Each: [kind, open(env) giving fresh stores].
  const stores = {
    kv: ["cache", async (env) => ({ cache: kv(env) })],
    "cache-api": ["cache", async () => ({ cache: cacheApi() })],
    "durable-object": ["cache", async (env) => ({ cache: durableObject(env) })],
    d1: ["db", async (env) => ({ db: await freshD1(env) })],
    "cached_db kv+d1": ["cached_db", async (env) => ({ cache: kv(env), db: await freshD1(env) })],
    "cached_db durable-object+d1": ["cached_db", async (env) => ({ cache: durableObject(env), db: await freshD1(env) })],
  };

  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      const [, route, rawName] = url.pathname.split("/");
      const name = decodeURIComponent(rawName ?? "");
      if (route === "stores") return Response.json(Object.fromEntries(Object.entries(stores).map(([n, [kind]]) => [n, kind])));
      if (route === "run" && stores[name]) {
        const [kind, open] = stores[name];
        const results = [];
        for (const { name: caseName, fn } of concurrency({ lib, kind, open: () => open(env) })) {
          const start = Date.now();
          try {
            await fn();
            results.push({ name: caseName, ok: true, ms: Date.now() - start });
          } catch (error) {
            results.push({ name: caseName, ok: false, error: `${error?.name}: ${error?.message}`, ms: Date.now() - start });
          }
        }
        return Response.json(results);
      }
      return new Response(`no such route: ${url.pathname}`, { status: 404 });
    },
  };
}
