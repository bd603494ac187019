// The API reference builds from the package's TSDoc without a warning
// (docs/typedoc.json treats warnings as errors: broken {@link}s, missing
// files in links). Written to target/, not docs/api/. Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OUT = path.join(ROOT, "target/packaging-docs");

test("typedoc --options docs/typedoc.json: no warnings", async () => {
  rmSync(OUT, { recursive: true, force: true });
  const output = await new Promise((resolve, reject) => {
    execFile(path.join(ROOT, "node_modules/.bin/typedoc"), ["--options", "docs/typedoc.json", "--out", OUT],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => (error ? reject(new Error(`typedoc failed:\n${stdout}${stderr}`)) : resolve(stdout + stderr)));
  });
  assert.doesNotMatch(output, /warning/i, output);
  for (const page of ["index.html", "modules/hono.html", "modules/react-router.html", "modules/next.html", "modules/adapters_kv.html", "documents/docs_migrating-from-iron-session.html", "documents/docs_frameworks.html"]) {
    assert.ok(existsSync(path.join(OUT, page)), page);
  }
});
