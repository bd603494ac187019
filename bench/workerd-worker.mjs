// The Worker of bench/workerd.mjs (bundled by bench/bundle.mjs): the rows of
// cycles.mjs that run on WebCrypto alone, once per payload, timed inside workerd.
//   /clock             how the worker's clock behaves during synchronous code
//   /rows              the row names (builds and checks every row once)
//   /sample?row=i&n=N  N awaited cycles -> { ms } by the worker's own clock
//   /noop              nothing: the round-trip baseline

import { PAYLOADS, PORTABLE_ROWS, checkCycle, rowName } from "./cycles.mjs";
import { timeBatch } from "./harness.mjs";

const now = () => performance.now();
let rows;

async function setup() {
  rows ??= await Promise.all(
    Object.keys(PAYLOADS).flatMap((payload) =>
      PORTABLE_ROWS.map(async ([row, make]) => {
        const name = rowName(row, payload);
        const cycle = await make(payload);
        checkCycle(name, await cycle(), payload);
        return { name, cycle };
      }),
    ),
  );
  return rows;
}

/** Whether the clock moves during synchronous code, and by what steps (ms). */
function clock() {
  const steps = [];
  const start = now();
  let last = start;
  while (now() - start < 30 && steps.length < 50) {
    const t = now();
    if (t !== last) {
      steps.push(t - last);
      last = t;
    }
  }
  // A frozen clock never leaves `start`: bail out by iterations instead.
  if (steps.length === 0) return { advances: false, stepMs: null };
  steps.sort((a, b) => a - b);
  return { advances: true, stepMs: steps[steps.length >> 1], fractional: steps.some((s) => s % 1 !== 0) };
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/noop") return new Response("{}");
    if (url.pathname === "/clock") {
      // Guard against a frozen clock: spin a bounded number of iterations.
      let spins = 0;
      const frozenCheck = now();
      while (now() === frozenCheck && ++spins < 5e7);
      return Response.json(now() === frozenCheck ? { advances: false, stepMs: null } : clock());
    }
    const list = await setup();
    const row = list[Number(url.searchParams.get("row"))];
    switch (url.pathname) {
      case "/rows":
        return Response.json(list.map((r) => r.name));
      case "/sample":
        return Response.json({ ms: await timeBatch(row.cycle, Number(url.searchParams.get("n")), now) });
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
