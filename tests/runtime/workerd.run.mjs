// The runtime suite inside workerd, through Miniflare's JS API. Miniflare's
// `engines` asks for Node >= 22, but this API runs on Node 20 (checked on 20.20).
// Run: node tests/runtime/workerd.run.mjs
import path from "node:path";
import { packageEntry, packageImports, ROOT, startWorker } from "../support/workerd.mjs";
import { report } from "./suite.js";

console.log(`workerd: edge-sessions -> ${packageEntry()}, edge-sessions/signed -> ${packageEntry("./signed")}`);

// An in-memory worker beside suite.js; Miniflare follows its static imports
// (entry -> edge_sessions.js, api.js, errors.js, adapters/memory.js, the .wasm;
// the signed entry -> its own glue and .wasm).
const scriptPath = path.join(ROOT, "tests/runtime/workerd.worker.mjs");
const script = `
${packageImports(scriptPath)}
import * as signed from ${JSON.stringify(`./${path.relative(path.dirname(scriptPath), packageEntry("./signed"))}`)};
import { ENTRIES, runSuite, FETCH_DROPS_COOKIES } from "./suite.js";
export default {
  async fetch() {
    const results = [...(await runSuite(lib, \`\${ENTRIES[0]}: \`)), ...(await runSuite(signed, \`\${ENTRIES[1]}: \`))];
    return Response.json({ userAgent: navigator.userAgent, dropsCookies: FETCH_DROPS_COOKIES, results });
  },
};`;

const { mf } = await startWorker({ scriptPath, script });

let ok = false;
try {
  const response = await mf.dispatchFetch("http://localhost/");
  if (!response.ok) throw new Error(`worker answered ${response.status}: ${await response.text()}`);
  const { userAgent, dropsCookies, results } = await response.json();
  console.log(`workerd: navigator.userAgent = ${userAgent}`);
  if (dropsCookies) console.log("workerd: Fetch drops Set-Cookie/Cookie here: cookie tests read plain Headers (see suite.js)");
  ok = report("workerd", results);
} finally {
  await mf.dispose();
}
process.exitCode = ok ? 0 : 1;
