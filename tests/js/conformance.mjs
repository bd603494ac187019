#!/usr/bin/env node
// Replays a file of Django oracle vectors (default tests/fixtures/vectors.json,
// or argv[2]) through the BUILT package's public JS API, with the rules of
// the native runner (tools/src/conformance/), and prints, last,
// `js: N passed, M failed, K skipped`. Exit status 1 if anything failed, 2
// when the file cannot be read. $CONFORMANCE_ENTRY=edge-sessions/signed
// replays on the signed entry: the vectors of other engines are counted
// apart as not applicable, never as passed.
//
// Every secret, fallback key, clock, session key and setting comes from the
// file (meta and each vector), so a file generated with other values
// replays the same way. The file's categories are checked against
// meta.counts, and a category this runner does not know is a failure. A
// setting the package refuses by design is noted, and the vectors that
// depend on it fail. Compressed tokens are checked for equivalence, not
// bytes (another deflate gives other, equally valid bytes). Errors are
// compared as the Python exception class our error stands for. The
// modules, one per category, are in ./conformance/.

import { readFileSync } from "node:fs";
import { entries } from "./conformance/catalog.mjs";
import { ENTRY } from "./conformance/lib.mjs";
import { Oracle } from "./conformance/oracle.mjs";
import { parseOrdered } from "./conformance/read.mjs";

async function main() {
  const path = process.argv[2] ?? new URL("../fixtures/vectors.json", import.meta.url);
  let vectors;
  try {
    vectors = parseOrdered(readFileSync(path, "utf8"));
  } catch (e) {
    console.error(`cannot read ${path}: ${e.message}`);
    return 2;
  }
  const oracle = new Oracle(vectors);
  for (const note of oracle.notes) console.log(`note: ${note}`);
  const counts = { pass: 0, fail: 0, skip: 0, "n/a": 0 };
  const perCategory = new Map();
  for (const [id, run] of entries(vectors, oracle)) {
    const [kind, why] = await run();
    counts[kind]++;
    if (kind === "fail" || kind === "skip") console.log(`${kind.toUpperCase()} ${id}: ${why}`);
    const category = id.split("/")[0];
    const row = perCategory.get(category) ?? { ok: 0, total: 0, na: 0 };
    row.ok += kind === "pass" ? 1 : 0;
    row.na += kind === "n/a" ? 1 : 0;
    row.total++;
    perCategory.set(category, row);
  }
  for (const [category, { ok, total, na }] of perCategory) {
    console.log(`  ${category}: ${ok}/${total - na}${na ? ` (${na} not applicable to ${ENTRY})` : ""}`);
  }
  // Not counted as passed: the vectors of engines the entry does not ship.
  if (counts["n/a"]) console.log(`${ENTRY}: ${counts["n/a"]} vectors not applicable (they need an engine it does not ship)`);
  console.log(`js: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`);
  return counts.fail > 0 ? 1 : 0;
}

process.exitCode = await main();
