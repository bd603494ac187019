#!/usr/bin/env node
// The size guard, run after `scripts/build-pkg.sh` (make test runs it):
//
// 1. No float formatting or parsing code in any shipped module: floats go
//    through the host (`String(x)`, `Number(text)`, see src/float.rs), and
//    core's `flt2dec`/`dec2flt` (or a `zmij` formatter) come back the
//    moment anything formats or parses an f64 with `{}`/`parse()`. Checked
//    on the function names of the un-stripped modules build-pkg.sh keeps
//    (target/pkg-stage/<name>.raw.wasm, before wasm-bindgen and wasm-opt).
// 2. No module grows past its budget: gzip -9 of pkg/<name>_bg.wasm.
//
// `node scripts/size-guard.mjs` checks; `--report` also prints the largest
// functions of each module and their sum per crate (from the raw module's
// names: sizes before wasm-opt, for orientation). Exits 1 on a failure.
// Also a library: `parseWasm(bytes)` and `crateOf(name)` (bench/size.mjs).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Budgets, gzip -9 bytes of the shipped module: what the build reached
 * plus a small margin (see bench/README.md, "Size"). Raise one only with
 * the reason in the commit.
 */
export const BUDGETS = {
  edge_sessions_signed: 101_000,
  edge_sessions: 156_500,
  edge_sessions_digests: 22_500,
  edge_sessions_django: 64_500,
};

/** Function names that are float formatting or parsing code. */
export const FLOAT_CODE = /flt2dec|dec2flt|zmij/;

/** LEB128 reader over a byte array. */
class Reader {
  constructor(bytes, at = 0, end = bytes.length) {
    this.bytes = bytes;
    this.at = at;
    this.end = end;
  }
  u8() {
    if (this.at >= this.end) throw new Error("wasm: unexpected end");
    return this.bytes[this.at++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  }
  name() {
    const len = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + len));
    this.at += len;
    return text;
  }
}

/**
 * The parts of a module that take its bytes: each function body's size and
 * name (from the `name` section, when there is one), data segments, custom
 * sections, and the size of every section.
 */
export function parseWasm(bytes) {
  const r = new Reader(bytes, 8);
  const sections = [];
  const functions = [];
  const names = new Map();
  const custom = [];
  let importedFunctions = 0;
  let dataBytes = 0;
  while (r.at < bytes.length) {
    const id = r.u8();
    const size = r.u32();
    const start = r.at;
    const end = start + size;
    const s = new Reader(bytes, start, end);
    sections.push({ id, size: end - start + 1 + (start - (start - 1)) });
    if (id === 2) {
      // imports: count the functions, which come first in the index space
      for (let n = s.u32(); n > 0; n--) {
        s.name();
        s.name();
        const kind = s.u8();
        if (kind === 0) {
          s.u32();
          importedFunctions++;
        } else if (kind === 1) {
          s.u8();
          const flags = s.u32();
          s.u32();
          if (flags & 1) s.u32();
        } else if (kind === 2) {
          const flags = s.u32();
          s.u32();
          if (flags & 1) s.u32();
        } else if (kind === 3) {
          s.u8();
          s.u8();
        } else if (kind === 4) {
          s.u8();
          s.u32();
        }
      }
    } else if (id === 10) {
      const count = s.u32();
      for (let i = 0; i < count; i++) {
        const bodySize = s.u32();
        functions.push({ index: importedFunctions + i, size: bodySize });
        s.at += bodySize;
      }
    } else if (id === 11) {
      dataBytes += size;
    } else if (id === 0) {
      const name = s.name();
      custom.push({ name, size });
      if (name === "name") {
        while (s.at < end) {
          const sub = s.u8();
          const subSize = s.u32();
          const subEnd = s.at + subSize;
          if (sub === 1) {
            for (let n = s.u32(); n > 0; n--) {
              const index = s.u32();
              names.set(index, s.name());
            }
          }
          s.at = subEnd;
        }
      }
    }
    r.at = end;
  }
  for (const f of functions) f.name = names.get(f.index) ?? `code[${f.index}]`;
  return { functions, dataBytes, custom, sections, importedFunctions };
}

/** Legacy Rust mangling (`_ZN4core3fmt5write17h...E`) back to a path; `$LT$`-style escapes decoded. */
function demangleLegacy(symbol) {
  const segments = [];
  let at = 3;
  for (;;) {
    const digits = symbol.slice(at).match(/^\d+/)?.[0];
    if (!digits) break;
    at += digits.length;
    segments.push(symbol.slice(at, at + Number(digits)));
    at += Number(digits);
  }
  if (/^h[0-9a-f]{16}$/.test(segments.at(-1) ?? "")) segments.pop();
  const escapes = { LT: "<", GT: ">", RF: "&", BP: "*", C: ",", SP: "@", u20: " ", u5b: "[", u5d: "]", u7b: "{", u7d: "}", u3b: ";", u27: "'", u21: "!" };
  return segments
    .join("::")
    .replace(/\$([A-Za-z0-9]+)\$/g, (all, code) => escapes[code] ?? all)
    .replace(/\.\./g, "::")
    .replace(/^_</, "<");
}

/**
 * The crate a function belongs to, from its symbol as the name section
 * holds it: legacy-mangled (`_ZN`: the first path segment, the self type's
 * crate in `<X as Trait>`, the trait's when X is a primitive), v0-mangled
 * (`_R`: the first crate named), or a bracketed kind for the rest.
 */
export function crateOf(symbol) {
  if (/^code\[\d+\]$/.test(symbol)) return "[unnamed functions]";
  if (/ (multivalue|externref) shim/.test(symbol)) return "[wasm-bindgen shims]";
  if (symbol.startsWith("_R")) {
    const crate = symbol.match(/C(?:s[0-9A-Za-z]*_)?(\d+)/);
    const name = crate ? symbol.slice(crate.index + crate[0].length, crate.index + crate[0].length + Number(crate[1])) : "";
    return name === "__rustc" ? "std" : name || "[other]";
  }
  const name = symbol.startsWith("_ZN") ? demangleLegacy(symbol) : symbol;
  if (/^<(char|str|bool|[iuf](8|16|32|64|128|size)|\[.*\])>::/.test(name)) return "core";
  const crate = (text) => text.replace(/^[<&*\s]+|^(mut|const|dyn)\s+/g, "").match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/)?.[1];
  const self = crate(name);
  if (self) return self;
  const trait = name.match(/ as ([^>]+)>/);
  if (trait && crate(trait[1])) return crate(trait[1]);
  if (/^[A-Za-z_$][\w$.]*$/.test(name)) return "[unmangled: runtime, builtins]";
  return "[other]";
}

/** gzip -9 as the command-line tool does it (zlib level 9 where the tool is absent). */
export function gzip9(bytes) {
  const out = spawnSync("gzip", ["-9", "-c"], { input: bytes, maxBuffer: 1 << 28 });
  return out.status === 0 ? out.stdout.length : zlib.gzipSync(bytes, { level: 9 }).length;
}

function report(name, raw) {
  const { functions, dataBytes } = parseWasm(raw);
  const crates = new Map();
  for (const f of functions) crates.set(crateOf(f.name), (crates.get(crateOf(f.name)) ?? 0) + f.size);
  const code = functions.reduce((sum, f) => sum + f.size, 0);
  console.log(`  ${name}.raw.wasm: code ${code} bytes in ${functions.length} functions, data ${dataBytes} bytes; by crate:`);
  for (const [crate, bytes] of [...crates].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${String(bytes).padStart(8)}  ${crate}`);
  console.log("  largest functions:");
  for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, 15)) {
    const name = f.name.startsWith("_ZN") ? demangleLegacy(f.name) : f.name;
    console.log(`    ${String(f.size).padStart(8)}  ${name.slice(0, 110)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const verbose = process.argv.includes("--report");
  const failures = [];
  for (const [name, budget] of Object.entries(BUDGETS)) {
    const shipped = path.join(ROOT, "pkg", `${name}_bg.wasm`);
    const staged = path.join(ROOT, "target/pkg-stage", `${name}.raw.wasm`);
    if (!existsSync(shipped) || !existsSync(staged)) {
      failures.push(`${name}: ${existsSync(shipped) ? staged : shipped} is missing (run scripts/build-pkg.sh)`);
      continue;
    }
    const raw = readFileSync(staged);
    const { functions, custom } = parseWasm(raw);
    if (!custom.some((c) => c.name === "name")) failures.push(`${name}: ${staged} has no names section to check`);
    const floats = functions.filter((f) => FLOAT_CODE.test(f.name));
    if (floats.length) {
      const list = floats
        .slice(0, 5)
        .map((f) => f.name.replace(/::h[0-9a-f]{16}$/, ""))
        .join(", ");
      failures.push(`${name}: float formatting or parsing code is back (${floats.length} functions: ${list}${floats.length > 5 ? ", ..." : ""})`);
    }
    const bytes = readFileSync(shipped);
    const gz = gzip9(bytes);
    const status = gz > budget ? "OVER BUDGET" : "ok";
    if (gz > budget) failures.push(`${name}: ${gz} bytes gzip -9, over its budget of ${budget}`);
    console.log(
      `size-guard: ${name}_bg.wasm ${bytes.length} bytes, ${gz} gzip -9 (budget ${budget}): ${status}; float code: ${floats.length ? "FOUND" : "none"}`,
    );
    if (verbose) report(name, raw);
  }
  for (const f of failures) console.error(`size-guard: FAIL ${f}`);
  process.exit(failures.length ? 1 : 0);
}
