// The runtime suite under node:test, importing the package as a Node user would.
// Run from anywhere: node tests/runtime/node.test.mjs
import { test, after } from "node:test";
import * as full from "edge-sessions";
import * as signed from "edge-sessions/signed";
import { ENTRIES, suite } from "./suite.js";

for (const entry of ENTRIES) console.log(`node: ${entry} -> ${import.meta.resolve(entry)}`);

// Every test of each entry point, named after it.
const tests = [full, signed].flatMap((lib, i) => suite(lib).map((t) => ({ ...t, name: `${ENTRIES[i]}: ${t.name}` })));
if (tests.length === 0) throw new Error("node: the suite has no tests");

let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  test(name, async () => {
    try {
      await fn();
      passed++;
    } catch (error) {
      failed++;
      throw error;
    }
  });
}

// node:test passes a run with no tests; a run where nothing passed must fail.
after(() => {
  console.log(`node: ${passed} passed, ${failed} failed`);
  if (passed === 0 || failed > 0) process.exitCode = 1;
});
