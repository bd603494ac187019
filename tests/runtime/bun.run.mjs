// The runtime suite under Bun, importing the package as a Bun user would
// (the `bun` exports condition). Run: bun tests/runtime/bun.run.mjs
import * as full from "edge-sessions";
import * as signed from "edge-sessions/signed";
import { ENTRIES, runSuite, report } from "./suite.js";

for (const entry of ENTRIES) console.log(`bun: ${entry} -> ${import.meta.resolve(entry)}`);
const results = [...(await runSuite(full, `${ENTRIES[0]}: `)), ...(await runSuite(signed, `${ENTRIES[1]}: `))];
if (!report("bun", results)) process.exit(1);
