// The request cycle inside workerd, through Miniflare's JS API (Node 20):
// edge-sessions (signed_cookies, cache over memoryCache) and the peers that
// need only WebCrypto (iron-session, hono's signed cookie, @hono/session,
// plain HMAC), bundled as wrangler would bundle them (bench/bundle.mjs).
//
// Method. On Cloudflare, a Worker's clock stands still during synchronous
// code and moves only at I/O (a Spectre mitigation), so time taken inside a
// Worker can read 0. The worker's /clock probe says how this workerd
// behaves; then every sample is one request running N cycles, timed two ways:
//   in-worker:  performance.now() around the N cycles, inside the worker
//               (used when the clock moves during synchronous code; its
//               steps are whole milliseconds, so samples last ~30 ms);
//   round trip: dispatchFetch's wall time in Node minus the median round
//               trip of an empty request, divided by N (a cross-check, and
//               the measure when the in-worker clock is frozen).
// Rows are interleaved round-robin as in run.mjs, warm-up until stable first.
// Writes $BENCH_OUT/workerd.json (same row shape as latest.json).
// Env: BENCH_SAMPLES (default 25, at least 20), BENCH_WORKERD_TARGET_MS (default 30).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker, workerOptions } from "./bundle.mjs";
import { fmt, formatTable, quantile, summarize } from "./harness.mjs";
import { PAYLOADS, rowName } from "./cycles.mjs";
import { outDir } from "./out.mjs";

const SAMPLES = Math.max(20, Number(process.env.BENCH_SAMPLES) || 25);
const TARGET_MS = Number(process.env.BENCH_WORKERD_TARGET_MS) || 30;
const median = (list) => quantile([...list].sort((a, b) => a - b), 0.5);

console.log("\n== request cycle inside workerd (Miniflare) ==");
const bundle = await bundleWorker({ entry: fileURLToPath(new URL("./workerd-worker.mjs", import.meta.url)) });
const mf = new Miniflare(workerOptions(bundle.dir));
try {
  const call = async (path) => {
    const start = process.hrtime.bigint();
    const response = await mf.dispatchFetch(`http://bench.local${path}`);
    const text = await response.text();
    const rtMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (!response.ok) throw new Error(`worker answered ${response.status} to ${path}: ${text}`);
    return { body: JSON.parse(text), rtMs };
  };

  const clock = (await call("/clock")).body;
  const inWorker = clock.advances;
  const names = (await call("/rows")).body;
  const noops = [];
  for (let i = 0; i < 20; i++) noops.push((await call("/noop")).rtMs);
  const noopNow = () => median(noops);
  const measure = async (row, n) => {
    const { body, rtMs } = await call(`/sample?row=${row}&n=${n}`);
    return { ms: inWorker ? body.ms : rtMs - noopNow(), rtMs };
  };

  console.log(
    `worker clock during synchronous code: ${inWorker ? `moves, in steps of ${clock.stepMs} ms${clock.fractional ? "" : " (whole ms)"}` : "frozen (as on Cloudflare)"}; ` +
      `empty-request round trip ${fmt(noopNow())} ms`,
  );
  console.log(
    `method: one request per sample running N cycles (~${TARGET_MS} ms), timed ${inWorker ? "in-worker by performance.now()" : "by round trip minus the empty request"}; ` +
      `${SAMPLES} samples per row, rows interleaved round-robin, after warm-up until stable`,
  );

  // Warm-up: grow N until a sample lasts at least half the target, then go
  // on until two such samples agree within 5 % (5 s cap). N comes from the
  // fastest sample seen: a stall only ever slows one, and a batch sized from
  // a stalled sample would be too short for the clock's 1 ms steps.
  const rows = [];
  for (let i = 0; i < names.length; i++) {
    let n = 1;
    let previous = Infinity;
    let fastest = Infinity;
    const start = performance.now();
    for (;;) {
      const { ms } = await measure(i, n);
      const perCycleUs = (Math.max(ms, 0.001) * 1000) / n;
      if (ms < TARGET_MS / 2) {
        n = Math.min(n * 4, Math.max(1, Math.round((TARGET_MS * 1000) / perCycleUs))); // too short to judge: grow
        continue;
      }
      fastest = Math.min(fastest, perCycleUs);
      const settled = Math.abs(perCycleUs - previous) <= 0.05 * previous || performance.now() - start > 5000;
      previous = perCycleUs;
      n = Math.max(1, Math.round((TARGET_MS * 1000) / fastest));
      if (settled) break;
    }
    rows.push({ name: names[i], index: i, batch: n, samples: [], rtDiffs: [] });
  }

  for (let round = 0; round < SAMPLES; round++) {
    const noopMs = (await call("/noop")).rtMs;
    noops.push(noopMs);
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + round) % rows.length];
      const { ms, rtMs } = await measure(row.index, row.batch);
      row.rtDiffs.push(rtMs - noopMs); // paired with this round's empty request
      row.samples.push(((inWorker ? ms : rtMs - noopMs) * 1000) / row.batch);
    }
  }

  const noop = noopNow();
  let node = [];
  const latest = path.join(outDir(), "latest.json");
  if (existsSync(latest)) node = JSON.parse(readFileSync(latest, "utf8")).rows;
  const results = rows.map((row) => ({
    name: row.name,
    ...summarize(row.samples),
    batch: row.batch,
    roundTripUs: (median(row.rtDiffs) * 1000) / row.batch,
  }));
  for (const payload of Object.keys(PAYLOADS)) {
    const mine = results.filter((r) => r.name.endsWith(`[${payload}]`));
    console.log(`\n-- payload: ${payload}`);
    console.log(
      formatTable(
        mine,
        {
          "× signed": rowName("edge-sessions signed (js api)", payload),
          "× floor": rowName("edge-sessions wasm floor (raw exports)", payload),
          "× WebCrypto": rowName("plain WebCrypto HMAC", payload),
        },
        [
          ["round-trip µs", (r) => (r.roundTripUs > 0 ? fmt(r.roundTripUs) : "noise")],
          ["× Node", (r) => {
            const n = node.find((x) => x.name === r.name)?.median_us;
            return n ? `${fmt(r.median_us / n)}×` : undefined;
          }],
        ],
      ),
    );
  }
  console.log(
    `round-trip µs: median over rounds of (request wall time - that round's empty request, median ${fmt(noop)} ms) / cycles per sample; ` +
      `"noise" when the round trip's jitter exceeds the work; × Node: against this run's latest.json`,
  );

  const json = {
    method: inWorker ? "in-worker performance.now()" : "round trip minus empty request",
    clock,
    rows: results.map(({ name, median_us, p25_us, p75_us, samples, roundTripUs }) => ({
      name, median_us, p25_us, p75_us, samples, round_trip_us: Math.round(roundTripUs * 1000) / 1000,
    })),
  };
  writeFileSync(path.join(outDir(), "workerd.json"), `${JSON.stringify(json, null, 2)}\n`);
} finally {
  await mf.dispose();
  bundle.remove();
}
