// The storage contract against the Workers adapters inside real workerd,
// through Miniflare's JS API: real KV, Cache API, Durable Objects (SQLite
// storage) and D1, no mocks. Also a Cron Trigger that clears expired D1
// sessions, checked from outside the Worker.
// Run: node tests/adapters/workerd.run.mjs   (needs pkg/ built and linked)
// Prints `workerd <adapter>: <case> ... ok (N ms)` per case, then
// `workerd adapters: N passed, M failed`; exits non-zero on any failure or none run.
import path from "node:path";
import { packageEntry, packageImports, ROOT, startWorker, WORKERS_ADAPTERS } from "../support/workerd.mjs";

const started = Date.now();
console.log(`workerd: edge-sessions -> ${path.relative(ROOT, packageEntry())}`);

// The entry module (given inline, never written): imports the package as
// wrangler's bundler would resolve it for Workers, and its adapters beside
// it, and hands them to the test Worker; re-exports the Durable Object
// classes workerd must find in the main module.
const scriptPath = path.join(ROOT, "tests/adapters/workerd.entry.mjs");
const script = `
${packageImports(scriptPath, WORKERS_ADAPTERS)}
import { testWorker, probeClass } from "./workerd-worker.js";
export { SessionCacheObject };
export const ProbeSessionCacheObject = probeClass(SessionCacheObject);
export default testWorker({ lib, kvCache, cacheApiCache, durableObjectCache, d1Db, createD1Table });
`;

const { mf, get } = await startWorker({
  scriptPath,
  script,
  kvNamespaces: ["KV"],
  d1Databases: ["DB"],
  durableObjects: {
    SESSIONS: { className: "SessionCacheObject", useSQLite: true },
    PROBE: { className: "ProbeSessionCacheObject", useSQLite: true },
  },
});

const results = [];
// A result named "<adapter>: <check>" is printed under that adapter.
const record = (adapter, list) => {
  for (let r of list) {
    const [, prefix, rest] = /^([^:]+): (.*)$/.exec(r.name) ?? [];
    if (prefix === adapter) r = { ...r, name: rest };
    results.push(r);
    console.log(`workerd ${adapter}: ${r.name} ... ${r.ok ? "ok" : "FAIL"} (${r.ms} ms)`);
    if (!r.ok) console.log(`  ${r.error}`);
  }
};

try {
  const routes = await get("routes");
  for (const adapter of routes.contract) record(adapter, await get(`contract/${encodeURIComponent(adapter)}`));
  for (const check of routes.extra) record(check.split(": ")[0], await get(`extra/${encodeURIComponent(check)}`));
  for (const adapter of routes.cross) {
    await get(`cross/${encodeURIComponent(adapter)}?step=1`);
    record(adapter, await get(`cross/${encodeURIComponent(adapter)}?step=2`));
  }

  // The Cron Trigger: clearExpired() on D1 removes expired rows, keeps live ones.
  const start = Date.now();
  const name = "scheduled: clearExpired() removes expired D1 rows, keeps live ones";
  try {
    const { expired, live } = await get("scheduled/seed");
    const db = await mf.getD1Database("DB");
    const keys = async () =>
      (await db.prepare("SELECT session_key FROM scheduled_sessions").all()).results.map((r) => r.session_key).sort();
    const before = await keys();
    if (before.length !== 4) throw new Error(`seeded rows: expected 4, got ${before.length}`);
    const worker = await mf.getWorker();
    const { outcome } = await worker.scheduled({ cron: "0 3 * * *", scheduledTime: new Date() });
    if (outcome !== "ok") throw new Error(`scheduled outcome: ${outcome}`);
    const after = await keys();
    const want = [...live].sort();
    if (JSON.stringify(after) !== JSON.stringify(want)) {
      throw new Error(`rows after: expected ${JSON.stringify(want)} (live), got ${JSON.stringify(after)}; expired were ${JSON.stringify(expired)}`);
    }
    record("d1", [{ name, ok: true, ms: Date.now() - start }]);
  } catch (error) {
    record("d1", [{ name, ok: false, error: `${error.name}: ${error.message}`, ms: Date.now() - start }]);
  }
} catch (error) {
  console.log(`FAIL workerd adapters: ${error.stack ?? error}`);
  results.push({ ok: false });
} finally {
  await mf.dispose();
}

const passed = results.filter((r) => r.ok).length;
console.log(`workerd adapters: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`workerd adapters: ${passed} passed, ${results.length - passed} failed`);
process.exitCode = passed > 0 && passed === results.length ? 0 : 1;
