// Runs an example Worker inside workerd the way `wrangler dev` would, with
// Miniflare's JS API (the wrangler CLI needs Node 22). Miniflare has no
// bundler, and workerd looks a bare name like "edge-sessions" up beside the
// importing module, so the example is first bundled as wrangler bundles it:
// esbuild with wrangler's export conditions (so "edge-sessions" resolves to
// the package's workerd entry through its `exports`), each imported .wasm
// left out of the bundle and handed to workerd as a precompiled
// WebAssembly.Module (wrangler's CompiledWasm rule).
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

/** The export conditions wrangler's bundler resolves with, in its order. */
export const WORKERD_CONDITIONS = ["workerd", "worker", "browser"];

/**
 * Bundles `entry` for workerd.
 * @returns {Promise<{ modules: object[], inputs: string[] }>} Miniflare `modules`
 *   (the bundle, then each .wasm) and the files that went in (absolute paths).
 */
export async function bundleWorker(entry) {
  const dir = path.dirname(path.resolve(entry));
  const wasm = new Map(); // module name -> absolute path
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: WORKERD_CONDITIONS,
    mainFields: ["module", "main"],
    outfile: path.join(dir, "worker.bundle.js"), // never written (write: false)
    external: ["cloudflare:*"],
    metafile: true,
    logLevel: "warning",
    plugins: [{
      name: "wasm-module",
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, ({ path: spec, resolveDir }) => {
          const file = path.resolve(resolveDir, spec);
          const name = path.basename(file);
          wasm.set(name, file);
          return { path: `./${name}`, external: true };
        });
      },
    }],
  });
  const modules = [
    { type: "ESModule", path: path.join(dir, "worker.bundle.js"), contents: result.outputFiles[0].text },
    ...[...wasm].map(([name, file]) => ({ type: "CompiledWasm", path: path.join(dir, name), contents: readFileSync(file) })),
  ];
  return { modules, inputs: Object.keys(result.metafile.inputs).map((file) => path.resolve(file)) };
}

/**
 * The bits of a wrangler.toml these examples use (main, compatibility_date,
 * KV and D1 bindings, cron triggers); a few regexes, not a TOML parser.
 */
export function readWranglerToml(file) {
  const text = readFileSync(file, "utf8").replace(/#.*$/gm, "");
  const value = (key, from = text) => from.match(new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
  const tables = (name) => text.split(/^\s*\[\[/m).filter((t) => t.startsWith(`${name}]]`));
  return {
    main: value("main"),
    compatibilityDate: value("compatibility_date"),
    kvNamespaces: tables("kv_namespaces").map((t) => value("binding", t)),
    d1Databases: tables("d1_databases").map((t) => value("binding", t)),
    crons: [...(text.match(/^\s*crons\s*=\s*\[([^\]]*)\]/m)?.[1].matchAll(/"([^"]*)"/g) ?? [])].map((m) => m[1]),
  };
}

/**
 * Starts the Worker of the example in `dir` (its wrangler.toml) in workerd.
 * `bindings` are plain vars/secrets (SECRET_KEY: what `.dev.vars` holds).
 * Storage is in memory and goes with `dispose()`.
 */
export async function startExample(dir, { bindings = {} } = {}) {
  const config = readWranglerToml(path.join(dir, "wrangler.toml"));
  const { modules, inputs } = await bundleWorker(path.join(dir, config.main));
  const mf = new Miniflare({
    modules,
    modulesRoot: dir,
    compatibilityDate: config.compatibilityDate,
    bindings,
    kvNamespaces: config.kvNamespaces,
    d1Databases: config.d1Databases,
  });
  try {
    await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {}); // never leave workerd running
    throw error;
  }
  return { mf, config, inputs };
}
