// Runs demo/worker.js in workerd through Miniflare, with a D1 database and
// a secret key kept under `dataDir`, so sessions and users survive restarts.
//
// Miniflare has no bundler, so the Worker is first bundled as wrangler
// bundles it: esbuild with wrangler's export conditions (so
// "edge-sessions" resolves, through the package's `exports`, to its workerd
// entries), each imported .wasm left out and handed to workerd as a
// precompiled WebAssembly.Module. The package is node_modules/edge-sessions
// (`make build` links pkg/ there). Miniflare wants Node 22 (`make demo` runs
// it under the Node 22 `make setup` installs).
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const DEMO = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DATA_DIR = join(DEMO, ".data");

/** demo/worker.js bundled as wrangler would: Miniflare `modules` (the bundle, then each .wasm). */
export async function bundle() {
  const wasm = new Map(); // module name -> file
  const result = await build({
    entryPoints: [join(DEMO, "worker.js")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    outfile: join(DEMO, "worker.bundle.js"), // never written (write: false)
    logLevel: "warning",
    plugins: [
      {
        name: "wasm-module",
        setup(b) {
          b.onResolve({ filter: /\.wasm$/ }, ({ path, resolveDir }) => {
            const file = resolve(resolveDir, path);
            wasm.set(basename(file), file);
            return { path: `./${basename(file)}`, external: true };
          });
        },
      },
    ],
  });
  return [
    { type: "ESModule", path: join(DEMO, "worker.bundle.js"), contents: result.outputFiles[0].text },
    ...[...wasm].map(([name, file]) => ({ type: "CompiledWasm", path: join(DEMO, name), contents: readFileSync(file) })),
  ];
}

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
 * @returns {Promise<{ url: string, close: () => Promise<void>, db: () => Promise<D1Database> }>}
 */
export async function startDemo({ port = 8787, dataDir = DEFAULT_DATA_DIR } = {}) {
  mkdirSync(dataDir, { recursive: true });
  const mf = new Miniflare({
    modulesRoot: DEMO,
    modules: await bundle(),
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
  return { url, close: () => mf.dispose(), db: () => mf.getD1Database("DB") };
}
