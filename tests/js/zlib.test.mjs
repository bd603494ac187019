// Compressed tokens are real zlib: what Django's zlib.decompress reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { dumps, loads } from "edge-sessions";

test("compressed payloads inflate with the system zlib", () => {
  const values = [
    { cart: Array.from({ length: 40 }, (_, i) => ({ id: i % 5, name: "widget" })) },
    { text: "abc".repeat(5000) },
    { ids: Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000) },
  ];
  for (const value of values) {
    const token = dumps(value, { secretKey: "k", compress: true });
    assert.equal(token[0], ".", "compressed");
    const payload = token.slice(1, token.indexOf(":"));
    const inflated = inflateSync(Buffer.from(payload, "base64url")).toString("latin1");
    assert.deepEqual(JSON.parse(inflated), value);
    assert.deepEqual(loads(token, { secretKey: "k" }), value);
  }
});
