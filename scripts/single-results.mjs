// node scripts/single-results.mjs IN.wasm OUT.wasm
//
// Removes `multivalue` from the module's `target_features` custom section,
// so that wasm-bindgen keeps every export to one result (or none) instead
// of turning Result and String returns into multi-value returns.
//
// Why: V8 before 12 (Node 20) compiles a JS-to-wasm wrapper with TurboFan
// for each distinct multi-result export signature when the module is
// compiled; ours had 25 of them, which made compiling the module take
// 13-15 ms instead of 5. rustc's wasm ABI never returns several values, so
// the section only advertises what std was built with; the code is unchanged.
//
// The section is advisory metadata (custom section, ignored by engines):
// https://github.com/WebAssembly/tool-conventions/blob/main/Linking.md#target-features-section

import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/single-results.mjs IN.wasm OUT.wasm");
  process.exit(2);
}

/** Unsigned LEB128 at `at`: [value, offset after it]. */
function readU32(bytes, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= bytes.length || shift > 28) throw new Error(`${input}: not a wasm module (bad LEB128 at byte ${at})`);
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
}

function u32(value) {
  const out = [];
  do {
    const low = value & 0x7f;
    value = Math.floor(value / 128);
    out.push(value ? low | 0x80 : low);
  } while (value);
  return out;
}

const name = (bytes) => new TextDecoder().decode(bytes);
const encodeName = (text) => {
  const bytes = new TextEncoder().encode(text);
  return [...u32(bytes.length), ...bytes];
};

/** The target_features payload without `multivalue`, or null if it never had it. */
function withoutMultivalue(payload) {
  let [count, at] = readU32(payload, 0);
  const kept = [];
  let dropped = false;
  for (; count > 0; count--) {
    const prefix = payload[at++];
    let length;
    [length, at] = readU32(payload, at);
    const feature = name(payload.subarray(at, at + length));
    at += length;
    if (feature === "multivalue") dropped = true;
    else kept.push([prefix, ...encodeName(feature)]);
  }
  return dropped ? [...u32(kept.length), ...kept.flat()] : null;
}

const bytes = readFileSync(input);
if (bytes.readUInt32BE(0) !== 0x0061736d) throw new Error(`${input}: not a wasm module`);
const parts = [bytes.subarray(0, 8)];
let changed = false;
for (let at = 8; at < bytes.length; ) {
  const start = at;
  const id = bytes[at++];
  let size;
  [size, at] = readU32(bytes, at);
  const end = at + size;
  if (end > bytes.length) throw new Error(`${input}: section ${id} at byte ${start} runs past the end`);
  if (id === 0) {
    const [nameLength, nameAt] = readU32(bytes, at);
    if (name(bytes.subarray(nameAt, nameAt + nameLength)) === "target_features") {
      const payload = withoutMultivalue(bytes.subarray(nameAt + nameLength, end));
      if (payload) {
        const body = [...encodeName("target_features"), ...payload];
        parts.push(Uint8Array.from([0, ...u32(body.length), ...body]));
        changed = true;
        at = end;
        continue;
      }
    }
  }
  parts.push(bytes.subarray(start, end));
  at = end;
}
writeFileSync(output, Buffer.concat(parts));
console.log(`${output}: ${changed ? "multivalue removed from target_features" : "no multivalue advertised"}`);
