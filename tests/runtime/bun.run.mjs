// The runtime suite under Bun, importing the package as a Bun user would
// (the `bun` exports condition). Run: bun tests/runtime/bun.run.mjs
import * as lib from "edge-sessions";
import { runSuite, report } from "./suite.js";

console.log(`bun: edge-sessions -> ${import.meta.resolve("edge-sessions")}`);
if (!report("bun", await runSuite(lib))) process.exit(1);
