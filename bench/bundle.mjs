// Workers for workerd (Miniflare), bundled the way wrangler would: one ESM
// file with the "workerd" export conditions, the .wasm kept as a separate
// module that Miniflare hands over precompiled (CompiledWasm), as on Cloudflare.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Miniflare options for the bundle in `dir` (its entry `worker.js`). */
export function workerOptions(dir, extra = {}) {
  return {
    modules: true,
    modulesRoot: dir,
    scriptPath: path.join(dir, "worker.js"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-01-01",
    ...extra,
  };
}

/**
 * Bundles a worker into a fresh temp directory: `entry` (a file) or
 * `source` (module text whose imports resolve from bench/). Returns
 * { dir, remove() }; the entry is `worker.js`, the .wasm beside it.
 */
export async function bundleWorker({ entry, source }) {
  const { build } = await import("esbuild");
  const dir = mkdtempSync(path.join(tmpdir(), "edge-sessions-bench-worker-"));
  try {
    await build({
      ...(entry ? { entryPoints: [entry] } : { stdin: { contents: source, resolveDir: HERE, sourcefile: "worker-entry.mjs", loader: "js" } }),
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      loader: { ".wasm": "copy" },
      assetNames: "[name]",
      outfile: path.join(dir, "worker.js"),
      logLevel: "error",
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
