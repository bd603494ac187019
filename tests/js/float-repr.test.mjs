// The package writes floats as Python does, through the host's shortest
// digits (the wasm carries no float formatting of its own): a million
// doubles, a tenth of them exact ties between two shortest candidates,
// against `python3 tools/oracle/float_repr.py`. Python is on every machine
// this project builds on; a missing one fails the test.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import test from "node:test";
import { dumps } from "edge-sessions";
import { dumps as signedDumps } from "edge-sessions/signed";

/** xorshift64*, as tests/float_repr.rs, so a failure repeats. */
function rng(seed) {
  let s = seed;
  const mask = (1n << 64n) - 1n;
  return () => {
    s ^= s >> 12n;
    s = (s ^ (s << 25n)) & mask;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & mask;
  };
}

const view = new DataView(new ArrayBuffer(8));
const fromBits = (bits) => {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
};
const hex = (x) => {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
};

/** Whether x is halfway between two shortest candidates (exact digits from BigInt arithmetic). */
function isTie(x) {
  const shortest = Math.abs(x).toExponential().split("e")[0].replace(".", "").replace("-", "");
  // x = m * 2**e exactly; its decimal digits come from m * 5**-e when e < 0.
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent ? 1n << 52n : 0n);
  const e = (exponent || 1) - 1075;
  if (e >= 0) return false; // an integer of at most 17 digits here: never a tie
  const digits = (mantissa * 5n ** BigInt(-e)).toString().replace(/0+$/, "");
  return digits.length === shortest.length + 1 && digits.endsWith("5");
}

function doubles() {
  const next = rng(0x9e3779b97f4a7c15n);
  const out = [];
  const families = [[26, 9], [30, 7], [33, 7], [36, 6], [40, 4], [43, 4], [46, 3]];
  while (out.length < 100_000) {
    const [e, j] = families[Number(next() % BigInt(families.length))];
    const whole = 2 ** e + Number(next() % BigInt(2 ** e));
    const odd = Number(next() % BigInt(2 ** (j - 1))) * 2 + 1;
    const x = whole + odd / 2 ** j;
    if (isTie(x)) out.push(next() & 1n ? x : -x);
  }
  while (out.length < 700_000) {
    const x = fromBits(next());
    if (Number.isFinite(x)) out.push(x);
  }
  while (out.length < 1_000_000) {
    const kind = next() % 3n;
    out.push(kind === 0n ? Number(next() % 10_000_000n) / 100 : kind === 1n ? Number(next() % 1000n) / Number(1n + (next() % 999n)) : 1.7e9 + Number(next() % 1_000_000_000n) / 1e6);
  }
  out.push(0, -0, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  return out;
}

/** Python's `json.dumps(x)` for each double, one per line. */
function pythonJson(values) {
  return new Promise((resolve, reject) => {
    const python = spawn("python3", ["tools/oracle/float_repr.py"], { stdio: ["pipe", "pipe", "inherit"] });
    const chunks = [];
    python.stdout.on("data", (c) => chunks.push(c));
    python.on("error", reject);
    python.on("close", (code) => {
      if (code !== 0) return reject(new Error(`float_repr.py exited ${code}`));
      resolve(Buffer.concat(chunks).toString().trimEnd().split("\n").map((line) => line.split("\t")[1]));
    });
    python.stdin.end(values.map(hex).join("\n") + "\n");
  });
}

/** The package's JSON text of each double: a list of 1000 per token, uncompressed. */
function oursJson(values, sign) {
  const out = [];
  for (let i = 0; i < values.length; i += 1000) {
    const token = sign(values.slice(i, i + 1000), { secretKey: "k", now: 1_700_000_000 });
    const payload = token.slice(0, token.indexOf(":"));
    const text = Buffer.from(payload, "base64url").toString("latin1");
    out.push(...text.slice(1, -1).split(","));
  }
  return out;
}

/**
 * JS has one number type: an integral value below 1e21 is written by
 * JSON.stringify as digits, so it enters a session as a Python int (the
 * package's one rule for JS numbers, tested below); the rest are floats.
 */
const isFloat = (x) => !Number.isInteger(x) || Math.abs(x) >= 1e21;

test("floats are written as Python's repr in both modules, ties to even", async () => {
  const values = doubles().filter(isFloat);
  assert.ok(values.length > 900_000, `${values.length} floats`);
  const want = await pythonJson(values);
  assert.equal(want.length, values.length);
  for (const [name, sign] of [["edge-sessions", dumps], ["edge-sessions/signed", signedDumps]]) {
    const got = oursJson(values, sign);
    const wrong = [];
    for (let i = 0; i < values.length; i++) if (got[i] !== want[i]) wrong.push(`${hex(values[i])}: python ${want[i]}, ours ${got[i]}`);
    assert.deepEqual(wrong.slice(0, 10), [], `${name}: ${wrong.length} of ${values.length} differ`);
  }
});

test("integral JS numbers below 1e21 enter as Python ints, as JSON.stringify writes them", () => {
  for (const [x, want] of [[3, "3"], [-0, "0"], [2 ** 64, "18446744073709552000"], [1e20, "100000000000000000000"], [1e21, "1e+21"], [2.5, "2.5"]]) {
    const token = dumps(x, { secretKey: "k", now: 1_700_000_000 });
    assert.equal(Buffer.from(token.slice(0, token.indexOf(":")), "base64url").toString(), want, String(x));
  }
});
