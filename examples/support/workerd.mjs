// Runs an example Worker inside workerd the way `wrangler dev` would, with
// Miniflare's JS API (the wrangler CLI needs Node 22). Miniflare has no
// bundler, and workerd looks a bare name like "edge-sessions" up beside the
// importing module, so the example is first bundled as wrangler bundles it:
// esbuild with wrangler's export conditions (so "edge-sessions" resolves to
// the package's workerd entry through its `exports`), each imported .wasm
// left out of the bundle and handed to workerd as a precompiled
// WebAssembly.Module (wrangler's CompiledWasm rule).
// The bundling and the Miniflare set-up are the suites' own
// (tests/support/workerd.mjs); this file adds what the examples need on top:
// their wrangler.toml.
import { readFileSync } from "node:fs";
import path from "node:path";
import { bundleWorker, startWorker, WORKERD_CONDITIONS } from "../../tests/support/workerd.mjs";

export { bundleWorker, WORKERD_CONDITIONS };

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
  const { mf } = await startWorker({
    modules,
    modulesRoot: dir,
    compatibilityDate: config.compatibilityDate,
    bindings,
    kvNamespaces: config.kvNamespaces,
    d1Databases: config.d1Databases,
  });
  return { mf, config, inputs };
}
