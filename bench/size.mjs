// What the wasm costs in bytes: pkg/edge_sessions_bg.wasm raw, gzip -9 (and
// brotli, for reference), then where the bytes go. The shipped module has no
// names, so the breakdown is taken on a name-preserving twin built the way
// scripts/build-pkg.sh builds pkg/ (single-results, wasm-bindgen --keep-debug, the same wasm-opt -Oz
// -g, from the same target/ artifact), checked against pkg/ by size once
// its names are stripped. `twiggy top` lists items by shallow size; the
// crate table sums shallow sizes by the crate a symbol's path starts with.
//
// Needs: wasm-bindgen and twiggy on PATH (~/.cargo/bin), node_modules/.bin/wasm-opt.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHIPPED = path.join(ROOT, "pkg/edge_sessions_bg.wasm");
const ARTIFACT = path.join(ROOT, "target/wasm32-unknown-unknown/release/edge_sessions.wasm");
const WASM_OPT = path.join(ROOT, "node_modules/.bin/wasm-opt");
// The feature flags of scripts/build-pkg.sh, so the twin is optimized alike.
const FEATURES = ["--enable-bulk-memory", "--enable-reference-types", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-multivalue"];
const TOP = 25;

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** gzip -9 as the command-line tool does it (zlib level 9 if the tool is absent). */
function gzip9(file) {
  const out = spawnSync("gzip", ["-9", "-c", file], { maxBuffer: 1 << 28 });
  return out.status === 0 ? out.stdout.length : zlib.gzipSync(readFileSync(file), { level: 9 }).length;
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 }).toString();

/**
 * The crate an item belongs to, from its demangled name: the first path
 * segment (`serde_json::...`, `<dlmalloc[hash]::...>::malloc`), the trait's
 * crate when the self type is a primitive or generic (`<f64 as core::..>`),
 * or a bracketed kind for what is not Rust code.
 */
export function crateOf(name) {
  if (/^"[^"]*" subsection$/.test(name) || name.startsWith("custom section")) return "[custom sections]";
  if (name.startsWith("data segment") || name.startsWith("data[")) return "[data segments]";
  if (/ (multivalue|externref) shim/.test(name)) return "[wasm-bindgen shims]";
  if (/^code\[\d+\]$/.test(name)) return "[unnamed functions]";
  if (/^(import |elem\[|table\[|type\[|global\[|memory\[|export |func\[)/.test(name) || / headers$/.test(name) || name === "wasm magic bytes") {
    return "[module structure]";
  }
  // Inherent methods of primitives: `<char>::escape_debug_ext`, `<[u8]>::starts_with`.
  if (/^<(char|str|bool|[iuf](8|16|32|64|128|size)|\[.*\])>::/.test(name)) return "core";
  const crate = (text) => text.replace(/^[<&*\s]+|^(mut|const|dyn)\s+/g, "").match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/)?.[1];
  const self = crate(name);
  if (self) return self === "__rustc" ? "std" : self; // __rustc::__rdl_alloc: std's allocator shim
  const trait = name.match(/ as ([^>]+)>/);
  if (trait && crate(trait[1])) return crate(trait[1]);
  // Unmangled symbols: wasm-bindgen's runtime (__externref_*), compiler
  // builtins (__multi3, memcmp), libm (round), exports that kept no path.
  if (/^[A-Za-z_$][\w$]*$/.test(name)) return "[unmangled: runtime, builtins]";
  return "[other]";
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const render = (cells) => cells.map((c, i) => (i === header.length - 1 ? String(c) : String(c).padStart(widths[i]))).join("  ");
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(render)].join("\n");
}

console.log("== wasm size ==");
const raw = statSync(SHIPPED).size;
const gz = gzip9(SHIPPED);
const br = zlib.brotliCompressSync(readFileSync(SHIPPED), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`pkg/edge_sessions_bg.wasm: ${raw} bytes raw (${kb(raw)}), ${gz} bytes gzip -9 (${kb(gz)}), ${br} bytes brotli -q 11`);
const glue = statSync(path.join(ROOT, "pkg/edge_sessions.js")).size;
console.log(`pkg/edge_sessions.js (wasm-bindgen glue): ${glue} bytes raw, ${zlib.gzipSync(readFileSync(path.join(ROOT, "pkg/edge_sessions.js")), { level: 9 }).length} gzip -9`);

const summary = { wasm_raw: raw, wasm_gzip9: gz, wasm_brotli11: br, glue_raw: glue };
const missing = [[ARTIFACT, "the release wasm artifact (make build)"], [WASM_OPT, "npm's binaryen"]].filter(([f]) => !existsSync(f));
for (const tool of ["wasm-bindgen", "twiggy"]) {
  if (spawnSync(tool, ["--version"]).status !== 0) missing.push([tool, "on PATH"]);
}
if (missing.length) {
  console.log(`breakdown: not measured: missing ${missing.map(([f, why]) => `${f} (${why})`).join(", ")}`);
} else {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-sessions-size-"));
  try {
    const input = path.join(dir, "input.wasm");
    run("node", [path.join(ROOT, "scripts/single-results.mjs"), ARTIFACT, input]);
    run("wasm-bindgen", ["--target", "web", "--weak-refs", "--no-typescript", "--keep-debug", "--out-dir", dir, "--out-name", "edge_sessions", input]);
    const named = path.join(dir, "named.wasm");
    const stripped = path.join(dir, "stripped.wasm");
    run(WASM_OPT, ["-Oz", "--one-caller-inline-max-function-size", "200", "-g", ...FEATURES, path.join(dir, "edge_sessions_bg.wasm"), "-o", named]);
    run(WASM_OPT, ["--strip-debug", "--strip-producers", ...FEATURES, named, "-o", stripped]);
    const twin = statSync(stripped).size;
    const delta = twin - raw;
    const drift = Math.abs(delta) > raw * 0.01 ? "; over 1 %: pkg/ was probably built from another artifact, run make build" : "";
    console.log(`\nname-preserving twin (for the breakdown): ${statSync(named).size} bytes with names, ${twin} without, ` +
      `${delta === 0 ? "the size of pkg/" : `${Math.abs(delta)} bytes ${delta > 0 ? "over" : "under"} pkg/ (${((100 * Math.abs(delta)) / raw).toFixed(2)} %: -g keeps a few things -Oz would fold)`}${drift}`);

    const items = JSON.parse(run("twiggy", ["top", "-n", "1000000", "-f", "json", named]));
    // The name section exists only in the twin: leave it out of every share.
    const isNames = (i) => /^"[^"]*names?" subsection$/.test(i.name) || i.name === "custom section 'name' headers";
    const shipped = items.filter((i) => !isNames(i));
    const total = shipped.reduce((sum, i) => sum + i.shallow_size, 0);
    const pct = (n) => `${((100 * n) / total).toFixed(2)} %`;
    const short = (name) => {
      const clean = name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
      return clean.length > 110 ? `${clean.slice(0, 107)}...` : clean;
    };
    console.log(`\ntwiggy top -n ${TOP} (shallow bytes; the twin's name section, ${items.length - shipped.length} items, left out; % of ${total} bytes):`);
    console.log(table(["bytes", "share", "item"], shipped.slice(0, TOP).map((i) => [i.shallow_size, pct(i.shallow_size), short(i.name)])));

    const crates = new Map();
    for (const i of shipped) {
      const c = crateOf(i.name);
      const entry = crates.get(c) ?? { bytes: 0, items: 0 };
      entry.bytes += i.shallow_size;
      entry.items += 1;
      crates.set(c, entry);
    }
    const byCrate = [...crates].sort((a, b) => b[1].bytes - a[1].bytes);
    console.log("\nby crate (sum of shallow sizes; [bracketed] = not a crate):");
    console.log(table(["bytes", "share", "items", "crate"], byCrate.map(([c, e]) => [e.bytes, pct(e.bytes), e.items, c])));
    Object.assign(summary, {
      twin_with_names: statSync(named).size,
      twin_stripped: twin,
      top: shipped.slice(0, TOP).map((i) => ({ name: i.name, bytes: i.shallow_size })),
      crates: Object.fromEntries(byCrate.map(([c, e]) => [c, e.bytes])),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/size.json", import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);
