// TypeScript against the package's .d.ts: `tsc --noEmit` on every example
// (each has a tsconfig.json; its JS is checked through JSDoc), and a TS
// consumer of every public subpath under moduleResolution node16 and
// bundler. Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = path.join(ROOT, "node_modules/.bin/tsc");
const OUT = path.join(ROOT, "target/example-types");

/** `tsc -p project`, failing with tsc's report; async, so two run at once. */
function tsc(project) {
  return new Promise((resolve, reject) => {
    execFile(TSC, ["-p", project], { cwd: ROOT, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tsc -p ${path.relative(ROOT, project)} failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

before(() => {
  mkdirSync(OUT, { recursive: true });
  // Deno's types for examples/deno, from the Deno binary itself. The lib
  // references only Deno's compiler knows are dropped; tsc's own libs stand in.
  const types = execFileSync(path.join(ROOT, "node_modules/.bin/deno"), ["types"], { encoding: "utf8", maxBuffer: 64 << 20 });
  writeFileSync(path.join(OUT, "deno.d.ts"), types.replace(/^\/\/\/ <reference (no-default-lib="true"|lib="(deno\.[\w.]+|node|es2025[\w.]*)") \/>$/gm, ""));
});

const examples = readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, "examples", d.name, "tsconfig.json")))
  .map((d) => d.name);

test("the examples have tsconfigs", () => {
  for (const name of ["browser", "cloudflare-worker", "deno", "hono", "node"]) assert.ok(examples.includes(name), name);
});

describe("tsc --noEmit", { concurrency: 2 }, () => {
  for (const name of examples) {
    test(`examples/${name}`, () => tsc(path.join(ROOT, "examples", name, "tsconfig.json")));
  }
});

/** A tsconfig in target/ over the consumer fixture and one import per adapter module. */
function consumer(name, compilerOptions, adapters) {
  const dir = path.join(ROOT, "target/packaging-types", name);
  mkdirSync(dir, { recursive: true });
  const imports = adapters.map((a, i) => `import * as adapter${i} from "edge-sessions/adapters/${a}";\nvoid adapter${i};`);
  writeFileSync(path.join(dir, "adapters.ts"), `${imports.join("\n")}\nexport {};\n`);
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    // The package's .d.ts checked whole (skipLibCheck off), tsc's own libs not.
    compilerOptions: { target: "es2022", strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, ...compilerOptions },
    files: ["adapters.ts", path.join(ROOT, "tests/packaging/fixtures/consumer.ts"), path.join(ROOT, "tests/packaging/fixtures/frameworks.ts")],
  }, null, 2));
  return path.join(dir, "tsconfig.json");
}

const adapters = readdirSync(path.join(ROOT, "pkg/adapters")).filter((f) => f.endsWith(".d.ts")).map((f) => f.slice(0, -5));
// durable-object's types extend `cloudflare:workers`, which only Workers' types declare.
const workersOnly = ["durable-object"];

describe("a TS consumer of every subpath", { concurrency: 2 }, () => {
  test("moduleResolution node16 (Node's types)", () =>
    tsc(consumer("node16", { module: "node16", moduleResolution: "node16", lib: ["es2022", "dom"], types: ["node"] },
      adapters.filter((a) => !workersOnly.includes(a)))));

  test("moduleResolution bundler (Workers' types)", () =>
    tsc(consumer("bundler", { module: "preserve", moduleResolution: "bundler", lib: ["es2022"], types: ["@cloudflare/workers-types"] },
      ["durable-object", "kv", "d1", "cache-api"])));
});
