// What `npm pack` of pkg/ would publish: exactly the files users need (the
// built wasm and its glue, the js/ layer with its types, the SQL of Django's
// session table, the README and the manifest), nothing else. Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const [packed] = JSON.parse(execFileSync("npm", ["pack", "./pkg", "--dry-run", "--json", "--ignore-scripts"], {
  cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
}));
const files = packed.files.map((f) => f.path).sort();
const manifest = JSON.parse(readFileSync(path.join(ROOT, "pkg/package.json"), "utf8"));

/** What scripts/build-pkg.sh puts in pkg/, derived from the sources. */
function expected() {
  const list = (dir, re) => readdirSync(path.join(ROOT, dir)).filter((f) => re.test(f));
  // The wasm modules build-pkg.sh builds (its MODULES list), each with its glue.
  const modules = [...readFileSync(path.join(ROOT, "scripts/build-pkg.sh"), "utf8").matchAll(/^\s+"(edge_sessions\w*):/gm)].map((m) => m[1]);
  assert.equal(modules.length, 4, "four wasm modules");
  return [
    "README.md", "LICENSE", "package.json", ...modules.flatMap((m) => [`${m}.js`, `${m}_bg.wasm`]), // the wasm build
    ...list("js", /\.js$/), ...list("js", /\.d\.ts$/), ...list("js/entries", /\.js$/),
    ...list("js/adapters", /\.(js|d\.ts)$/).map((f) => `adapters/${f}`),
    ...list("js/sql", /\.sql$/).map((f) => `sql/${f}`), // Django's migrations as SQL (D1)
  ].sort();
}

test("the tarball holds exactly the package's files", () => {
  console.log(`npm pack: ${files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
  console.log(files.join("\n"));
  assert.deepEqual(files, expected());
});

test("no tests, sources, maps, dot files or node_modules", () => {
  const unwanted = files.filter((f) =>
    /(^|\/)(tests?|src|node_modules|examples|target)\//.test(f) || /\.(map|rs|tgz|mjs)$/.test(f) ||
    (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /(^|\/)\./.test(f) || /\.test\./.test(f));
  assert.deepEqual(unwanted, []);
});

test("every file the manifest points at is in the tarball", () => {
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  for (const value of Object.values(manifest.exports)) {
    targets.push(...(typeof value === "string" ? [value] : Object.values(value)));
  }
  for (const target of targets.filter((t) => !t.includes("*"))) {
    assert.ok(files.includes(target.replace(/^\.\//, "")), `${target} is packed`);
  }
  // "./adapters/*": every adapter module ships with its types (memory.js is
  // typed in index.d.ts, so it has none of its own).
  for (const js of files.filter((f) => /^adapters\/[^/]+\.js$/.test(f) && f !== "adapters/memory.js")) {
    assert.ok(files.includes(js.replace(/\.js$/, ".d.ts")), `${js} has a .d.ts`);
  }
});
