// The adapters over the npm drivers (node-redis, pg, postgres.js, mysql2)
// against real Redis, PostgreSQL and MariaDB, from each runtime: Node, Bun
// and Deno (tests/adapters/drivers.child.mjs in each) and workerd
// (drivers-worker.js bundled as wrangler would, PostgreSQL and MySQL through
// Miniflare's Hyperdrive bindings, Redis over TCP). The runtimes run side
// by side; each uses its own tables and key prefixes.
//
//   node tests/adapters/drivers.run.mjs [--only node|bun|deno|workerd ...]
//
// REDIS_URL, DATABASE_URL, MYSQL_URL: the servers (scripts/services.sh); a
// set is started for this run when they are not set. Prints one line per
// runtime x adapter x case, then `drivers <runtime>: N passed, M failed`
// and `drivers adapters: N passed, M failed`; exits non-zero on any failure,
// a runtime that did not run, or nothing run.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serviceUrls } from "../support/services.mjs";
import { bundleWorker, hyperdrives, NODE_DRIVERS_DATE, ROOT, startWorker } from "../support/workerd.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, "drivers.child.mjs");
const urls = serviceUrls(["redis", "postgres", "mysql"]);
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const bin = (name) => path.join(ROOT, "node_modules/.bin", name);

/** A child runtime running drivers.child.mjs: its JSON lines as results. */
function child(command, args) {
  return new Promise((resolve) => {
    const proc = spawn(command, [...args, CHILD], { cwd: ROOT, env: { ...process.env, ...urls, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("error", (error) => resolve({ results: [], failure: `${command}: ${error.message}` }));
    proc.on("close", (code) => {
      const results = out
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
      resolve({ results, failure: code === 0 ? null : `exit ${code}: ${err.trim().split("\n").slice(-8).join("\n")}` });
    });
  });
}

async function workerd() {
  const { modules } = await bundleWorker(path.join(HERE, "drivers-worker.js"));
  const worker = await startWorker({
    modules,
    modulesRoot: HERE,
    compatibilityDate: NODE_DRIVERS_DATE,
    compatibilityFlags: ["nodejs_compat"],
    hyperdrives: hyperdrives(),
    bindings: { REDIS_URL: urls.REDIS_URL },
  });
  const results = [];
  try {
    for (const adapter of await worker.get("list")) {
      for (const result of await worker.get(`run/${encodeURIComponent(adapter)}`)) results.push({ adapter, ...result });
    }
    return { results, failure: null };
  } catch (error) {
    return { results, failure: error.stack ?? String(error) };
  } finally {
    await worker.dispose();
  }
}

const runtimes = {
  node: () => child(process.execPath, []),
  bun: () => child(bin("bun"), ["run"]),
  // npm: packages from node_modules (the workspace's package.json); env for
  // pg's PG* defaults and node-redis; sys for os.hostname() and friends.
  deno: () => child(bin("deno"), ["run", "--no-check", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--allow-sys"]),
  workerd,
};

const started = Date.now();
const chosen = Object.keys(runtimes).filter((name) => only.length === 0 || only.includes(name));
const outcomes = await Promise.all(chosen.map(async (name) => [name, await runtimes[name]().catch((error) => ({ results: [], failure: error.stack }))]));
let passed = 0;
let failed = 0;
for (const [name, { results, failure }] of outcomes) {
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${name} ${r.adapter}: ${r.name} (${r.ms} ms)${r.ok ? "" : ` -- ${r.error}`}`);
  }
  const ok = results.filter((r) => r.ok).length;
  passed += ok;
  failed += results.length - ok;
  if (failure) {
    failed += 1;
    console.log(`FAIL ${name}: did not run to the end: ${failure}`);
  }
  console.log(`drivers ${name}: ${ok} passed, ${results.length - ok + (failure ? 1 : 0)} failed`);
}
console.log(`drivers adapters: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`drivers adapters: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
