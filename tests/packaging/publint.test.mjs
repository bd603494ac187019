// publint on pkg/ (it packs it as npm would, then lints the manifest and the
// files): no errors, no warnings, and no suggestion beyond the one listed
// below. Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const pkgDir = fileURLToPath(new URL("../../pkg", import.meta.url));

// Suggestions left to the package owner on purpose, each with its reason
// (none today: the side-effectful entries are listed in `sideEffects`).
const ACCEPTED = {};

test("publint: nothing to report", async () => {
  const { messages } = await publint({ pkgDir, level: "suggestion", strict: true });
  const manifest = JSON.parse(readFileSync(`${pkgDir}/package.json`, "utf8"));
  for (const m of messages) console.log(`publint ${m.type}: ${m.code}: ${formatMessage(m, manifest)}`);
  const unexpected = messages.filter((m) => !(m.type === "suggestion" && m.code in ACCEPTED));
  assert.deepEqual(unexpected.map((m) => `${m.type} ${m.code}: ${formatMessage(m, manifest)}`), []);
});
