// What every shipped module weighs: pkg/*_bg.wasm raw, gzip -9, brotli -q 11
// and its wasm-bindgen glue, then where the bytes go. The shipped modules
// have no names, so the breakdown is taken on the un-stripped module
// scripts/build-pkg.sh stages (target/pkg-stage/<name>.raw.wasm, before
// wasm-bindgen and wasm-opt: sizes for orientation, wasm-opt shrinks them
// all), summing function bodies by the crate their name starts with.
// Writes $BENCH_OUT/size.json and the `size` list of latest.json:
// { name, raw, gzip } per shipped .wasm.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { BUDGETS, crateOf, gzip9, parseWasm } from "../scripts/size-guard.mjs";
import { mergeLatest, outDir } from "./out.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TOP_CRATES = 10;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const brotli = (bytes) => zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

console.log("\n== wasm size ==");
const size = [];
const details = {};
for (const name of Object.keys(BUDGETS)) {
  const shipped = readFileSync(path.join(ROOT, "pkg", `${name}_bg.wasm`));
  const glue = readFileSync(path.join(ROOT, "pkg", `${name}.js`));
  const entry = { name: `${name}_bg.wasm`, raw: shipped.length, gzip: gzip9(shipped) };
  size.push(entry);
  const detail = { ...entry, brotli: brotli(shipped), glue_raw: glue.length, glue_gzip: gzip9(glue), budget_gzip: BUDGETS[name] };
  console.log(
    `pkg/${entry.name}: ${entry.raw} bytes raw (${kb(entry.raw)}), ${entry.gzip} gzip -9 (${kb(entry.gzip)}, budget ${BUDGETS[name]}), ` +
      `${detail.brotli} brotli -q 11; glue ${glue.length} raw, ${detail.glue_gzip} gzip -9`,
  );
  const staged = path.join(ROOT, "target/pkg-stage", `${name}.raw.wasm`);
  if (existsSync(staged)) {
    const { functions, dataBytes } = parseWasm(readFileSync(staged));
    const crates = new Map();
    for (const f of functions) crates.set(crateOf(f.name), (crates.get(crateOf(f.name)) ?? 0) + f.size);
    const code = functions.reduce((sum, f) => sum + f.size, 0);
    detail.before_wasm_opt = { code, data: dataBytes, crates: Object.fromEntries([...crates].sort((a, b) => b[1] - a[1])) };
    const top = [...crates].sort((a, b) => b[1] - a[1]).slice(0, TOP_CRATES);
    console.log(`  before wasm-opt: code ${code} bytes, data ${dataBytes}; by crate: ${top.map(([c, n]) => `${c} ${n}`).join(", ")}`);
  }
  details[name] = detail;
}

writeFileSync(path.join(outDir(), "size.json"), `${JSON.stringify(details, null, 2)}\n`);
mergeLatest("size", size);
