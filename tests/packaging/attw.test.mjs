// "Are the types wrong?" (@arethetypeswrong/cli) on pkg/, packed as npm
// would: every public subpath that is a module (not the `.wasm` files nor
// package.json) and every adapter (the `./adapters/*` pattern, listed
// one by one) must resolve to types and JavaScript that agree, under
// TypeScript's node16 (from ESM) and bundler resolution. The package is
// ESM only, so the esm-only profile: node10 and require() from CJS are not
// checked (they cannot load it). Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = path.join(ROOT, "pkg");
const manifest = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
const modules = Object.keys(manifest.exports).filter((sub) => !sub.startsWith("./wasm") && !sub.includes("*") && sub !== "./package.json");
const adapters = readdirSync(path.join(PKG, "adapters")).filter((f) => f.endsWith(".js")).map((f) => `./adapters/${f.slice(0, -3)}`);

test("attw --pack pkg --profile esm-only: no problem on any subpath", async () => {
  const args = ["--pack", PKG, "--profile", "esm-only", "--format", "json", "--entrypoints", ...modules, ...adapters];
  const stdout = await new Promise((resolve, reject) => {
    execFile(path.join(ROOT, "node_modules/.bin/attw"), args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }, (error, out, err) => {
      // attw exits 1 when it finds a problem; its JSON says which.
      if (error && !out) reject(new Error(`attw failed:\n${err}`));
      else resolve(out);
    });
  });
  const { analysis } = JSON.parse(stdout);
  const checked = Object.keys(analysis.entrypoints);
  console.log(`attw: ${checked.length} entrypoints checked (${analysis.packageName}@${analysis.packageVersion})`);
  assert.deepEqual(checked.sort(), [...modules, ...adapters].sort());
  // esm-only ignores node10 and node16-cjs; whatever else is a real problem.
  const real = (analysis.problems ?? []).filter((p) => !["node10", "node16-cjs"].includes(p.resolutionKind));
  assert.deepEqual(real.map((p) => `${p.kind} ${p.entrypoint ?? ""} ${p.resolutionKind ?? ""}`), []);
  for (const [entry, info] of Object.entries(analysis.entrypoints)) {
    for (const kind of ["node16-esm", "bundler"]) {
      const resolution = info.resolutions[kind]?.resolution;
      assert.ok(resolution?.fileName?.endsWith(".d.ts"), `${entry} (${kind}) resolves to types: ${resolution?.fileName}`);
    }
  }
});
