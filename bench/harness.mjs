// Timing and reporting shared by run.mjs (Node) and the worker of
// workerd.mjs: no Node-only imports. Clocks are passed in, in milliseconds.

/** The value at quantile q of sorted numbers (nearest rank, as tools/src/bin/bench_cycle.rs). */
export function quantile(sorted, q) {
  return sorted.length ? sorted[Math.round((sorted.length - 1) * q)] : NaN;
}

/** { median_us, p25_us, p75_us, samples } of per-cycle times in µs. */
export function summarize(samplesUs) {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    median_us: round(quantile(sorted, 0.5)),
    p25_us: round(quantile(sorted, 0.25)),
    p75_us: round(quantile(sorted, 0.75)),
    samples: sorted.length,
  };
}

/** Milliseconds `n` awaited cycles take. */
export async function timeBatch(cycle, n, now) {
  const start = now();
  for (let i = 0; i < n; i++) await cycle();
  return now() - start;
}

/**
 * Runs `cycle` until its speed settles: wasm starts on a baseline compiler
 * and JS on an interpreter, and the optimizing tiers arrive later, sooner or
 * later depending on the machine's load. Windows of `windowMs`; done when
 * two in a row agree within 5 %, after `minMs`, or at `maxMs` regardless.
 * Returns µs per cycle: the fastest of the last three windows (a stall only
 * ever slows a window, and batch sizes come from this figure).
 */
export async function warmUp(cycle, now, { windowMs = 100, minMs = 400, maxMs = 3000, tick = async () => {} } = {}) {
  const start = now();
  const recent = [];
  for (;;) {
    let n = 0;
    const t = now();
    while (now() - t < windowMs) {
      await cycle();
      n++;
    }
    const perCycle = ((now() - t) * 1000) / n;
    const previous = recent.at(-1) ?? Infinity;
    recent.push(perCycle);
    await tick();
    const elapsed = now() - start;
    if ((elapsed >= minMs && Math.abs(perCycle - previous) <= 0.05 * previous) || elapsed >= maxMs) {
      return Math.min(...recent.slice(-3));
    }
  }
}

/** Cycles per sample so that one sample lasts about `targetMs`, from a µs-per-cycle estimate. */
export function batchSize(perCycleUs, targetMs) {
  return Math.max(1, Math.round((targetMs * 1000) / perCycleUs));
}

export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/**
 * A text table of summaries. `rows`: [{ name, median_us, p25_us, p75_us,
 * samples, batch? }]. Ratio columns divide each median by the medians of
 * the rows named in `ratios` ({ header: rowName }); `extra` adds columns
 * as [header, (row) => text].
 */
export function formatTable(rows, ratios = {}, extra = []) {
  const base = Object.entries(ratios).map(([header, name]) => [header, rows.find((r) => r.name === name)?.median_us]);
  const header = ["row", "median µs", "p25 µs", "p75 µs", "IQR %", "n", "cycles/sample", ...base.map(([h]) => h), ...extra.map(([h]) => h)];
  const lines = rows.map((r) => [
    r.name,
    fmt(r.median_us),
    fmt(r.p25_us),
    fmt(r.p75_us),
    fmt((100 * (r.p75_us - r.p25_us)) / r.median_us, 1),
    String(r.samples),
    r.batch === undefined ? "-" : String(r.batch),
    ...base.map(([, median]) => (median ? `${fmt(r.median_us / median)}×` : "-")),
    ...extra.map(([, cell]) => cell(r) ?? "-"),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(render)].join("\n");
}
