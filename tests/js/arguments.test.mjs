// Every public function checks its arguments at the boundary: a wrong type
// is a clear error at once, never a trap in wasm, a stall, a silent
// conversion, or a value signed as something else.
import assert from "node:assert/strict";
import test from "node:test";
import {
  InvalidExpiry,
  InvalidSetting,
  NotInitialized,
  Sessions,
  SessionBusy,
  Signer,
  TimestampSigner,
  Unserializable,
  dumps,
  loads,
  signing,
} from "edge-sessions";
import * as signed from "edge-sessions/signed";
import * as digests from "edge-sessions/digests";

const LONE = "a\uD800b"; // a lone surrogate: not encodable, as in Python

test("the encoding primitives take bytes or strings, nothing array-like", () => {
  const started = Date.now();
  for (const bad of ["abc", 5, null, undefined, { length: 1e12 }, [1, 2, 3], { length: -1 }]) {
    assert.throws(() => signing.b64Encode(bad), TypeError, String(bad));
  }
  for (const bad of [5, null, { length: 1e12 }, [65]]) {
    assert.throws(() => signing.b64Decode(bad), TypeError, String(bad));
  }
  assert.ok(Date.now() - started < 1000, "no stall on bogus lengths");
  assert.equal(signing.b64Encode(new Uint8Array([1, 2, 3])), "AQID");
  assert.equal(signing.b64Encode(new Uint8Array([1, 2, 3]).buffer), "AQID");
  assert.deepEqual(signing.b64Decode("AQID"), new Uint8Array([1, 2, 3]));
  assert.throws(() => signing.b64Decode(LONE), TypeError);
  assert.throws(() => signing.b62Decode(5), TypeError);
  assert.throws(() => signing.b62Encode(1.5), RangeError);
});

test("salted HMACs: wrong types and lone surrogates are refused, never signed as empty bytes", () => {
  for (const value of [5, null, { length: 3 }, undefined]) {
    assert.throws(() => digests.saltedHmac("salt", value, "secret"), TypeError, String(value));
    assert.throws(() => signing.saltedHmac("salt", value, "secret", "sha256"), TypeError, String(value));
  }
  assert.throws(() => digests.saltedHmac("salt", LONE, "secret"), TypeError);
  assert.throws(() => digests.saltedHmac(LONE, "v", "secret"), TypeError);
  assert.throws(() => digests.saltedHmac("salt", "v", LONE), TypeError);
  assert.throws(() => digests.saltedHmac("salt", "v", 5), InvalidSetting);
  assert.throws(() => digests.base64Hmac("salt", "v", "k", "md5"), InvalidSetting);
  // SHA-1 and SHA-512 live in the digests module; the session modules name it.
  assert.throws(() => signing.saltedHmac("salt", "v", "k"), /edge-sessions\/digests/);
  assert.throws(() => signed.signing.base64Hmac("salt", "v", "k", "sha512"), /edge-sessions\/digests/);
  assert.equal(signing.base64Hmac("salt", "v", "k", "sha256"), digests.base64Hmac("salt", "v", "k", "sha256"));
});

test("lone surrogates in keys, salts and values are refused: two keys never sign alike", () => {
  assert.throws(() => dumps("x", { secretKey: LONE }), InvalidSetting);
  assert.throws(() => dumps("x", { secretKey: "k", salt: LONE }), TypeError);
  assert.throws(() => dumps(LONE, { secretKey: "k" }), Unserializable);
  assert.throws(() => dumps({ a: LONE }, { secretKey: "k" }), Unserializable);
  assert.throws(() => new Signer({ key: LONE }), InvalidSetting);
  assert.throws(() => new Signer({ key: "k" }).sign(LONE), TypeError);
  assert.throws(() => new Signer({ key: "k" }).sign(5), TypeError);
  assert.throws(() => new TimestampSigner({ key: "k", fallbackKeys: [LONE] }), InvalidSetting);
  assert.throws(() => loads("x", { secretKey: "k", fallbackKeys: [LONE] }), InvalidSetting);
  const s = new Sessions({ secretKey: "k", engine: "signed_cookies" }).open();
  assert.rejects(s.set(LONE, 1), Unserializable);
  assert.rejects(s.set("k", LONE), Unserializable);
  assert.throws(() => new Sessions({ secretKey: LONE }), InvalidSetting);
});

test("the clock and maxAge never turn expiry off", () => {
  for (const maxAge of [Number.NaN, "10", Number.POSITIVE_INFINITY]) {
    assert.throws(() => loads("x:y:z", { secretKey: "k", maxAge }), InvalidSetting, String(maxAge));
  }
  for (const now of [Number.NaN, "1700000000", new Date(), Date.now(), Number.NEGATIVE_INFINITY]) {
    assert.throws(() => dumps(1, { secretKey: "k", now }), InvalidSetting, String(now));
  }
  assert.throws(() => dumps(1, { secretKey: "k", now: () => Number.NaN }), TypeError);
});

test("expiry arguments: invalid Dates and non-finite numbers are InvalidExpiry", async () => {
  const s = new Sessions({ secretKey: "k", engine: "signed_cookies" }).open();
  await assert.rejects(s.setExpiry(new Date(Number.NaN)), InvalidExpiry);
  await assert.rejects(s.setExpiry(Number.NaN), InvalidExpiry);
  await assert.rejects(s.getExpiryAge({ modification: new Date("nope") }), InvalidExpiry);
  await assert.rejects(s.getExpiryDate({ expiry: new Date(Number.NaN) }), InvalidExpiry);
  await assert.rejects(s.getExpiryAge({ expiry: Number.POSITIVE_INFINITY }), InvalidExpiry);
  await assert.rejects(s.setExpiry({ days: 1 }), InvalidExpiry);
});

test("update() takes a mapping or pairs; processResponse refuses header breakers", async () => {
  const sessions = new Sessions({ secretKey: "k", engine: "signed_cookies" });
  const s = sessions.open();
  for (const bad of ["abc", 5, null, true]) await assert.rejects(s.update(bad), Unserializable, String(bad));
  await assert.rejects(s.update([["a"]]), Unserializable);
  for (const vary of ["a\rb", "a\nb", "a\0b", ["x\r\n"]]) {
    await assert.rejects(sessions.open().processResponse(200, vary), TypeError, JSON.stringify(vary));
  }
  await assert.rejects(sessions.open().processResponse(99), TypeError);
  await assert.rejects(sessions.open().processResponse(200.5), TypeError);
});

test("a session busy with storage refuses every call, its flag getters included", async () => {
  let release;
  const slow = { get: () => new Promise((r) => { release = () => r(null); }), set() {}, add: () => true, delete() {} };
  const s = new Sessions({ secretKey: "k", engine: "cache", cache: slow }).open("abcdefghijkl");
  const pending = s.get("a");
  assert.throws(() => s.accessed, SessionBusy);
  assert.throws(() => s.modified, SessionBusy);
  assert.throws(() => s.sessionKey, SessionBusy);
  await assert.rejects(s.set("b", 1), SessionBusy);
  release();
  assert.equal(await pending, undefined);
  assert.equal(s.accessed, true);
});

test("edge-sessions/manual says so when used before initEdgeSessions()", async () => {
  const manual = await import("edge-sessions/manual");
  assert.throws(() => new manual.Sessions({ secretKey: "k", engine: "signed_cookies" }), NotInitialized);
  assert.throws(() => manual.dumps(1, { secretKey: "k" }), NotInitialized);
});
