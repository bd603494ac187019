// The runtime suite under `deno test`, one Deno.test per case. Run from the repo root:
//   deno test --no-check --allow-read=pkg/edge_sessions_bg.wasm,pkg/edge_sessions_signed_bg.wasm tests/runtime/deno.test.js
// (node.js reads the .wasm, nothing else; --no-check: Deno would type-check the
// package's .d.ts against @types/node, which this workspace does not install.)
import * as full from "edge-sessions";
import * as signed from "edge-sessions/signed";
import { ENTRIES, suite } from "./suite.js";

for (const entry of ENTRIES) console.log(`deno: ${entry} -> ${import.meta.resolve(entry)}`);

// Every test of each entry point, named after it.
const tests = [full, signed].flatMap((lib, i) => suite(lib).map((t) => ({ ...t, name: `${ENTRIES[i]}: ${t.name}` })));
if (tests.length === 0) throw new Error("deno: the suite has no tests");

let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  Deno.test(name, async () => {
    try {
      await fn();
      passed++;
    } catch (error) {
      failed++;
      throw error;
    }
  });
}

// After the last test: the summary line; a run where nothing passed (e.g. a
// --filter matching nothing) must not look green.
globalThis.addEventListener("unload", () => {
  console.log(`deno: ${passed} passed, ${failed} failed`);
  if (passed === 0) throw new Error("deno: 0 tests passed");
});
