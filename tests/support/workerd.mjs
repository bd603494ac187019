// Running Workers inside real workerd through Miniflare's JS API, the way
// the suites and the examples do it:
//
// - packageImports(): the built package (and its Workers adapters) imported
//   by relative path from a Worker given as source: Miniflare resolves no npm
//   names, so "edge-sessions" is resolved here with wrangler's conditions.
// - bundleWorker(): a Worker bundled as wrangler bundles it (esbuild with
//   wrangler's export conditions; each .wasm left out and handed to workerd as
//   a precompiled WebAssembly.Module). Node builtins become `node:*` imports
//   (their `require()` a small import shim), so npm drivers such as `pg`,
//   `mysql2` and `redis` run inside workerd with `nodejs_compat`.
// - workerdOptions() / startWorker(): Miniflare options with the module
//   rules, a compatibility date, and the bindings asked for (KV, D1, Durable
//   Objects, the Cache API, Hyperdrive to the servers of scripts/services.sh).
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { resolveEntry } from "../runtime/exports.mjs";
import { serviceUrls } from "./services.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The export conditions wrangler's bundler resolves with, in its order. */
export const WORKERD_CONDITIONS = ["workerd", "worker", "browser"];

/** What wrangler does with imports: ES modules, and a .wasm as a precompiled WebAssembly.Module. */
export const MODULES_RULES = [
  { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
  { type: "CompiledWasm", include: ["**/*.wasm"] },
];

/**
 * The compatibility date the suites run at: RPC to Durable Objects and
 * `cloudflare:workers` need 2024-04-03 or later.
 */
export const COMPATIBILITY_DATE = "2026-01-01";
/**
 * With `nodejs_compat`, for Workers that bundle npm drivers: `pg` and
 * `mysql2` need 2025-09-15 or later (`node:fs`), node-redis 5/6 2026-03-17
 * or later (`node:perf_hooks`).
 */
export const NODE_DRIVERS_DATE = "2026-07-01";

/** The absolute path of the package's entry for workerd (through its `exports`). */
export function packageEntry(subpath = ".") {
  return resolveEntry([...WORKERD_CONDITIONS, "import", "default"], subpath);
}

/** The package's Workers adapters: file in pkg/adapters -> the names a test Worker imports. */
export const WORKERS_ADAPTERS = {
  kv: ["kvCache"],
  "cache-api": ["cacheApiCache"],
  "durable-object": ["SessionCacheObject", "durableObjectCache"],
  d1: ["d1Db", "createD1Table"],
};

/**
 * Source lines for a Worker module at `scriptPath` (given inline, never
 * written): `import * as lib` from the package's workerd entry, and the
 * named exports of each adapter in `adapters` (see WORKERS_ADAPTERS).
 */
export function packageImports(scriptPath, adapters = {}) {
  const entry = packageEntry();
  const from = (file) => JSON.stringify(`./${path.relative(path.dirname(scriptPath), file)}`);
  return [
    `import * as lib from ${from(entry)};`,
    ...Object.entries(adapters).map(
      ([file, names]) => `import { ${names.join(", ")} } from ${from(path.join(path.dirname(entry), "adapters", `${file}.js`))};`,
    ),
  ].join("\n");
}

/**
 * Hyperdrive bindings to the servers of scripts/services.sh: `PG` to
 * PostgreSQL, `MY` to MariaDB (starts them when their URLs are not set).
 * Inside the Worker, `env.PG.connectionString` points at a local proxy.
 */
export function hyperdrives({ PG = true, MY = true } = {}) {
  const urls = serviceUrls([...(PG ? ["postgres"] : []), ...(MY ? ["mysql"] : [])]);
  return {
    ...(PG ? { PG: urls.DATABASE_URL } : {}),
    ...(MY ? { MY: urls.MYSQL_URL } : {}),
  };
}

/**
 * Miniflare options: modules from `modulesRoot` (default the repo root)
 * with MODULES_RULES, at COMPATIBILITY_DATE unless given; everything else
 * (script/scriptPath or modules, kvNamespaces, d1Databases, durableObjects,
 * hyperdrives, bindings, compatibilityFlags, ...) is passed through.
 */
export function workerdOptions(options) {
  return {
    modules: true,
    modulesRoot: ROOT,
    modulesRules: MODULES_RULES,
    compatibilityDate: COMPATIBILITY_DATE,
    ...options,
  };
}

/**
 * A started Miniflare (workerdOptions(options)): `{ mf, get, dispose }`,
 * `get(route)` a GET whose JSON answer is returned (throws on a non-2xx).
 * A Worker that fails to start leaves no workerd running.
 */
export async function startWorker(options) {
  const mf = new Miniflare(workerdOptions(options));
  try {
    await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  const get = async (route) => {
    const response = await mf.dispatchFetch(`http://localhost/${route}`);
    if (!response.ok) throw new Error(`GET /${route}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return { mf, get, dispose: () => mf.dispose() };
}

const BUILTINS = new Set(builtinModules);

/**
 * Node builtins for workerd's `nodejs_compat`: a bare `util` or `node:util`
 * import stays external as `node:util`; a `require("util")` becomes an
 * import shim (ESM has no require). `@node-rs/xxhash` (an optional native
 * module node-redis tries in a try block) becomes a module that throws.
 */
const nodeBuiltins = {
  name: "node-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      if (!BUILTINS.has(name)) return undefined;
      if (args.kind === "require-call") return { path: `node:${name}`, namespace: "require-shim" };
      return { path: `node:${name}`, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: "require-shim" }, (args) => ({
      contents: `import * as m from ${JSON.stringify(args.path)}; module.exports = m.default ?? m;`,
    }));
    b.onResolve({ filter: /^@node-rs\/xxhash$/ }, () => ({ path: "xxhash", namespace: "absent" }));
    b.onLoad({ filter: /.*/, namespace: "absent" }, () => ({ contents: `throw new Error("not available in workerd");` }));
  },
};

/**
 * Bundles `entry` for workerd as wrangler would.
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
    plugins: [
      nodeBuiltins,
      {
        name: "wasm-module",
        setup(b) {
          b.onResolve({ filter: /\.wasm$/ }, ({ path: spec, resolveDir }) => {
            const file = path.resolve(resolveDir, spec);
            const name = path.basename(file);
            wasm.set(name, file);
            return { path: `./${name}`, external: true };
          });
        },
      },
    ],
  });
  const modules = [
    { type: "ESModule", path: path.join(dir, "worker.bundle.js"), contents: result.outputFiles[0].text },
    ...[...wasm].map(([name, file]) => ({ type: "CompiledWasm", path: path.join(dir, name), contents: readFileSync(file) })),
  ];
  return {
    modules,
    inputs: Object.keys(result.metafile.inputs)
      .filter((file) => !/^[a-z-]+:/.test(file)) // the shims' virtual modules
      .map((file) => path.resolve(file)),
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on now (for a Miniflare `port`, a server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
