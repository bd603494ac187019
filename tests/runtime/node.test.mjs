// The runtime suite under node:test, importing the package as a Node user would.
// Run from anywhere: node tests/runtime/node.test.mjs
import { test, after } from "node:test";
import * as lib from "edge-sessions";
import { suite } from "./suite.js";

console.log(`node: edge-sessions -> ${import.meta.resolve("edge-sessions")}`);

const tests = suite(lib);
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
