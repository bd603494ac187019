// The JS conformance runner (conformance.mjs) as a child process: it passes
// the fixture vectors through the built package, and it can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("./conformance.mjs", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/vectors.json", import.meta.url));

function runOn(path) {
  const child = spawnSync(process.execPath, [runner, path], { encoding: "utf8", timeout: 120_000 });
  const lines = child.stdout.trimEnd().split("\n");
  const last = lines.at(-1);
  const m = /^js: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(last);
  assert.ok(m, `last line is the summary: ${JSON.stringify(last)}\nstderr: ${child.stderr}`);
  return {
    status: child.status,
    lines,
    passed: Number(m[1]),
    failed: Number(m[2]),
    skipped: Number(m[3]),
  };
}

test("the fixture vectors pass through the built package", () => {
  const run = runOn(fixtures);
  assert.equal(run.failed, 0, run.lines.filter((l) => l.startsWith("FAIL")).join("\n"));
  assert.ok(run.passed >= 460, `only ${run.passed} passed`);
  assert.equal(run.status, 0);
});

/**
 * Replaces the one occurrence of a string value in the file's text. The
 * text is edited rather than parsed and written again, which would turn
 * Python's 2.0 and 2**63 into other numbers.
 */
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

test("the runner reports broken expectations and exits non-zero", () => {
  let text = readFileSync(fixtures, "utf8");
  const vectors = JSON.parse(text);
  // A BadSignature message (compared exactly) and a middleware Set-Cookie header.
  const [verify, message] = uniqueTarget(text, vectors.verification, (v) =>
    (v.expected?.exception === "BadSignature" ? v.expected.message : undefined));
  const [scenario, header] = uniqueTarget(text, vectors.middleware, (v) => v.expected?.set_cookie_headers?.[0]);
  text = breakString(text, message, `${message} (broken)`);
  text = breakString(text, header, header.replace("Path=/", "Path=/broken"));

  const dir = mkdtempSync(join(tmpdir(), "edge-sessions-conformance-"));
  try {
    const path = join(dir, "vectors.json");
    writeFileSync(path, text);
    const run = runOn(path);
    assert.equal(run.failed, 2);
    assert.equal(run.status, 1);
    const failures = run.lines.filter((l) => l.startsWith("FAIL "));
    assert.equal(failures.length, 2);
    assert.ok(failures.some((l) => l.includes(`${verify.id}: message:`)), failures.join("\n"));
    assert.ok(failures.some((l) => l.includes(`${scenario.id}: set-cookie:`)), failures.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unreadable vectors file is a usage error (exit 2)", () => {
  const child = spawnSync(process.execPath, [runner, join(tmpdir(), "no-such-vectors.json")], { encoding: "utf8" });
  assert.equal(child.status, 2);
  assert.match(child.stderr, /cannot read/);
});
