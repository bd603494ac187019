// Runs demo/worker.js in workerd through Miniflare, with a D1 database and
// a secret key kept under `dataDir`, so sessions survive restarts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_DATA_DIR = join(ROOT, "demo", ".data");

// Every module listed with its type, so Miniflare loads exactly these and
// scans no imports. (modulesRules only type the modules it discovers itself
// from a scriptPath; with a list its schema drops them.) Module names are
// paths from ROOT, which is how the worker's relative imports find them.
const MODULES = [
  ["ESModule", "demo/worker.js"],
  ["ESModule", "pkg/workerd.js"],
  ["ESModule", "pkg/api.js"],
  ["ESModule", "pkg/errors.js"],
  ["ESModule", "pkg/edge_sessions.js"],
  ["ESModule", "pkg/adapters/memory.js"],
  ["ESModule", "pkg/adapters/d1.js"],
  ["CompiledWasm", "pkg/edge_sessions_bg.wasm"],
].map(([type, path]) => ({ type, path: join(ROOT, path) }));

/** The demo's SECRET_KEY: made once, then read back so old cookies stay valid. */
function secretKey(dataDir) {
  const file = join(dataDir, "secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
    const secret = randomBytes(40).toString("base64url");
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/**
 * Starts the demo on 127.0.0.1:`port` (0 picks a free port).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startDemo({ port = 8787, dataDir = DEFAULT_DATA_DIR } = {}) {
  mkdirSync(dataDir, { recursive: true });
  const mf = new Miniflare({
    modulesRoot: ROOT,
    modules: MODULES,
    compatibilityDate: "2025-09-01",
    bindings: { SECRET_KEY: secretKey(dataDir) },
    d1Databases: { DB: "edge-sessions-demo" },
    d1Persist: join(dataDir, "d1"),
    host: "127.0.0.1",
    port,
  });
  let url;
  try {
    url = (await mf.ready).href;
  } catch (error) {
    await mf.dispose().catch(() => {}); // do not leave workerd running
    throw error;
  }
  return { url, close: () => mf.dispose() };
}
