// The JS conformance runner (conformance.mjs) as a child process, on the
// fixture vectors and on variants of them: the public file passes whole; a
// wrong expectation, an unknown category and counts that disagree with
// meta.counts fail and are named; a file with other session keys still
// passes; a setting the package refuses is noted and fails exactly the
// vectors that depend on it.
//
// Variants are made by editing the file's text, never by parsing and
// writing it again, which would turn Python's 2.0 and 2**63 into other numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signing } from "edge-sessions";

const runner = fileURLToPath(new URL("./conformance.mjs", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/vectors.json", import.meta.url));
const fixtureText = () => readFileSync(fixtures, "utf8");

function runOn(path, entry) {
  const env = entry ? { ...process.env, CONFORMANCE_ENTRY: entry } : process.env;
  const child = spawnSync(process.execPath, [runner, path], { encoding: "utf8", timeout: 120_000, env });
  const lines = child.stdout.trimEnd().split("\n");
  const last = lines.at(-1);
  const m = /^js: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(last);
  assert.ok(m, `last line is the summary: ${JSON.stringify(last)}\nstderr: ${child.stderr}`);
  const failedIds = lines.filter((l) => l.startsWith("FAIL ")).map((l) => l.slice(5).split(": ")[0]);
  return {
    status: child.status,
    stdout: child.stdout,
    lines,
    failedIds,
    passed: Number(m[1]),
    failed: Number(m[2]),
    skipped: Number(m[3]),
  };
}

/** Runs the runner on a variant of the file's text. */
function runOnText(text) {
  const dir = mkdtempSync(join(tmpdir(), "edge-sessions-conformance-"));
  try {
    const path = join(dir, "vectors.json");
    writeFileSync(path, text);
    return runOn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The vectors meta.counts announces. */
function announced(text) {
  const sum = (v) => (typeof v === "number" ? v : Object.values(v).reduce((a, x) => a + sum(x), 0));
  return sum(JSON.parse(text).meta.counts);
}

/** Rewrites the `"counts": {...}` object (only integers, so JSON.parse is exact there). */
function editCounts(text, edit) {
  const start = text.indexOf('"counts": {');
  assert.ok(start >= 0, "the file has meta.counts");
  const open = text.indexOf("{", start);
  let depth = 0;
  let end = open;
  do {
    if (text[end] === "{") depth++;
    if (text[end] === "}") depth--;
    end++;
  } while (depth > 0);
  const counts = JSON.parse(text.slice(open, end));
  edit(counts);
  return text.slice(0, open) + JSON.stringify(counts) + text.slice(end);
}

/** Inserts `entries` (JSON text of `"key": value` pairs) first in the top-level object. */
const addTopLevel = (text, entries) => text.replace("{", () => `{${entries},`);

/** Replaces the one occurrence of a string value in the file's text. */
function breakString(text, value, broken) {
  const literal = JSON.stringify(value);
  assert.equal(text.split(literal).length, 2, `${literal} occurs once`);
  return text.replace(literal, () => JSON.stringify(broken));
}

/** The first vector whose chosen string occurs once in the file, with that string. */
function uniqueTarget(text, vectors, pick) {
  for (const vector of vectors) {
    const value = pick(vector);
    if (typeof value === "string" && text.split(JSON.stringify(value)).length === 2) return [vector, value];
  }
  throw new Error("no vector with a unique value to break");
}

test("on edge-sessions/signed, every vector it can run passes and the others are counted apart", () => {
  const text = fixtureText();
  const run = runOn(fixtures, "edge-sessions/signed");
  assert.equal(run.failed, 0, run.lines.filter((l) => l.startsWith("FAIL")).join("\n"));
  const na = /^edge-sessions\/signed: (\d+) vectors not applicable/m.exec(run.stdout);
  assert.ok(na, "the not-applicable count is printed");
  // Signing and the signed_cookies engine run; the store engines' vectors do not, and none is called passed.
  assert.ok(run.passed > 300, `passed: ${run.passed}`);
  assert.equal(run.passed + run.skipped + Number(na[1]), announced(text));
  assert.match(run.stdout, /signed_cookies: 22\/22/);
});

// (a)
test("the fixture vectors pass through the built package", () => {
  const text = fixtureText();
  const run = runOn(fixtures);
  assert.equal(run.failed, 0, run.lines.filter((l) => l.startsWith("FAIL")).join("\n"));
  assert.equal(run.status, 0);
  // Only the vectors that need JSON.rawJSON may be skipped, and only without it.
  const skips = run.lines.filter((l) => l.startsWith("SKIP "));
  assert.ok(skips.every((l) => l.includes("JSON.rawJSON")), skips.join("\n"));
  assert.equal(run.skipped, JSON.rawJSON ? 0 : 4, skips.join("\n"));
  assert.equal(run.passed + run.skipped, announced(text));
  assert.ok(!run.stdout.includes("note:"), run.stdout);
});

// (b)
test("the runner reports broken expectations and exits non-zero", () => {
  let text = fixtureText();
  const vectors = JSON.parse(text);
  // A BadSignature message (compared exactly) and a middleware Set-Cookie header.
  const [verify, message] = uniqueTarget(text, vectors.verification, (v) =>
    (v.expected?.exception === "BadSignature" ? v.expected.message : undefined));
  const [scenario, header] = uniqueTarget(text, vectors.middleware, (v) => v.expected?.set_cookie_headers?.[0]);
  text = breakString(text, message, `${message} (broken)`);
  text = breakString(text, header, header.replace("Path=/", "Path=/broken"));
  const run = runOnText(text);
  assert.equal(run.failed, 2);
  assert.equal(run.status, 1);
  const failures = run.lines.filter((l) => l.startsWith("FAIL "));
  assert.ok(failures.some((l) => l.includes(`${verify.id}: message:`)), failures.join("\n"));
  assert.ok(failures.some((l) => l.includes(`${scenario.id}: set-cookie:`)), failures.join("\n"));
});

// (c)
test("the oracle's session keys renamed everywhere still pass", () => {
  let text = fixtureText();
  for (const [old, renamed] of [
    ["oracle0fixed0session0key00000001", "q7w3renamed0key0first00000000zz1"],
    ["oracle0fixed0session0key00000002", "a1b2renamed0key0second0000000zz2"],
    ["oracle0fixed0session0key00000003", "m9n8renamed0key0third00000000zz3"],
    ["unknownkey0000000000000000000000", "nosuchkey9999999999999999999999x"],
  ]) {
    text = text.replaceAll(old, renamed);
  }
  assert.ok(!text.includes("oracle0fixed"));
  const run = runOnText(text);
  assert.equal(run.failed, 0, run.lines.filter((l) => l.startsWith("FAIL")).join("\n"));
  assert.equal(run.status, 0);
  assert.equal(run.passed + run.skipped, announced(text));
});

/** A Django token (`signing.dumps`) signed with any key, the empty one included. */
function djangoToken(obj, key, salt, now) {
  const payload = Buffer.from(JSON.stringify(obj)).toString("base64url");
  const value = `${payload}:${signing.b62Encode(BigInt(Math.trunc(now)))}`;
  const derived = createHash("sha256").update(`${salt}signer`).update(key).digest();
  return `${value}:${createHmac("sha256", derived).update(value).digest("base64url")}`;
}

// (d)
test("a refused empty fallback key is noted and fails only the vectors that depend on it", () => {
  let text = fixtureText();
  text = text.replace('"SECRET_KEY_FALLBACKS": [', () => '"SECRET_KEY_FALLBACKS": ["",');
  const now = JSON.parse(text).meta.NOW;
  const salt = "django.contrib.sessions.SessionStore";
  const id = "verify/signed_with_empty_fallback_key";
  // What Django answers: the empty fallback verifies the token.
  const vector = {
    id, input: djangoToken({ forged: true }, "", salt, now), salt, key: null, fallback_keys: null, max_age: null, now,
    expected: { outcome: "ok", value: { forged: true } },
    session_decode: { result: { forged: true }, logged_suspicious_session: [] },
  };
  text = text.replace('"verification": [', () => `"verification": [${JSON.stringify(vector)},`);
  text = editCounts(text, (c) => { c.verification += 1; });
  const run = runOnText(text);
  assert.equal(run.status, 1, run.stdout);
  assert.ok(run.lines.some((l) => l.startsWith("note: SECRET_KEY_FALLBACKS") && l.includes('""')), run.stdout);
  assert.deepEqual(run.failedIds, [`verification/${id}`], run.stdout);
  assert.ok(run.stdout.includes("refused by this package by design"), run.stdout);
  assert.equal(run.passed + run.failed + run.skipped, announced(text));
});

// (e)
test("a category the runner does not know fails", () => {
  let text = addTopLevel(fixtureText(), '"session_rotation": [{"id": "session_rotation/a"}]');
  // The group itself, after meta.counts' entry of the same name.
  const at = text.lastIndexOf('"primitives": {') + '"primitives": {'.length;
  text = `${text.slice(0, at)}"b32": [{"int": 1, "encoded": "B"}],${text.slice(at)}`;
  text = editCounts(text, (c) => {
    c.session_rotation = 1;
    c.primitives.b32 = 1;
  });
  const run = runOnText(text);
  assert.equal(run.status, 1);
  assert.deepEqual(run.failedIds, ["session_rotation", "primitives/b32"], run.stdout);
  assert.ok(run.stdout.includes("unknown category"), run.stdout);
});

// (f)
test("counts that disagree with meta.counts fail", () => {
  let text = editCounts(fixtureText(), (c) => {
    c.storage = 20;
    c.primitives.b62 = 22;
    c.session_rotation = 3;
  });
  let run = runOnText(text);
  assert.equal(run.status, 1);
  assert.deepEqual(run.failedIds, ["meta.counts/primitives/b62", "meta.counts/storage", "meta.counts/session_rotation"], run.stdout);
  assert.ok(run.stdout.includes("meta.counts says 20"), run.stdout);

  text = fixtureText().replace('"counts": {', '"counted": {');
  run = runOnText(text);
  assert.equal(run.status, 1);
  assert.deepEqual(run.failedIds, ["meta.counts"], run.stdout);
});

test("an unreadable vectors file is a usage error (exit 2)", () => {
  const child = spawnSync(process.execPath, [runner, join(tmpdir(), "no-such-vectors.json")], { encoding: "utf8" });
  assert.equal(child.status, 2);
  assert.match(child.stderr, /cannot read/);
});
