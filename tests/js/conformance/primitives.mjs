// primitives: base62, base64, salted_hmac, base64_hmac, Signer and
// TimestampSigner of django.core.signing.

import { Signer, TimestampSigner, signing } from "./lib.mjs";
// salted_hmac with SHA-1 (Django's default) and SHA-512 is the digests module's.
import { base64Hmac as anyBase64Hmac, saltedHmac as anySaltedHmac } from "edge-sessions/digests";
import { PyNumber } from "./read.mjs";
import { Skip, expectEq, expectOutcome, hex, num, text, unhex, show } from "./check.mjs";

export function b62(_, v) {
  const n = v.int instanceof PyNumber ? BigInt(v.int.text) : BigInt(num(v.int));
  expectEq("encode", signing.b62Encode(n), v.encoded);
  expectEq("decode", signing.b62Decode(v.encoded), n);
}

export const b62DecodeEdge = (_, v) => expectOutcome(() => signing.b62Decode(v.input ?? ""), v.result);

export function b64(_, v) {
  expectEq("encode", signing.b64Encode(unhex(v.bytes_hex ?? "")), v.encoded);
  expectEq("decode", hex(signing.b64Decode(v.encoded ?? "")), v.bytes_hex);
}

export const b64DecodeEdge = (_, v) => expectOutcome(() => hex(signing.b64Decode(v.input ?? "")), v.result_hex);

/** A digest name Django signs with; none means salted_hmac's default (sha1 in Django 5.2). */
function algorithm(name) {
  if (name == null) return "sha1";
  if (["sha1", "sha256", "sha512"].includes(name)) return name;
  throw new Skip(`algorithm ${show(name)} is not one Django's sessions sign with, and this package has no API for it`);
}

export function saltedHmac(_, v) {
  const digest = anySaltedHmac(v.key_salt ?? "", v.value ?? "", v.secret ?? "", algorithm(v.algorithm));
  expectEq("hexdigest", hex(digest), v.hexdigest);
}

export function base64Hmac(_, v) {
  expectEq("result", anyBase64Hmac(v.salt ?? "", v.value ?? "", v.key ?? "", algorithm(v.algorithm)), v.result);
}

/**
 * `Signer(**kwargs)`. Our Signer is SHA-256 only, like every signer Django's
 * sessions use; for other algorithms the signature is checked through
 * base64Hmac, which is what Django's `Signer.signature` calls.
 */
export function signer(_, v) {
  const { key_used: key, salt_used: salt, sep_used: sep, value } = v;
  const alg = algorithm(v.algorithm_used);
  if (alg !== "sha256") {
    const signature = anyBase64Hmac(`${salt}signer`, value, key, alg);
    expectEq("signature", signature, v.signature);
    return expectEq("signed", `${value}${sep}${signature}`, v.signed);
  }
  const s = new Signer({ key, salt, sep });
  const signed = s.sign(value);
  expectEq("signature", signed.slice(value.length + sep.length), v.signature);
  expectEq("signed", signed, v.signed);
  expectEq("unsign", s.unsign(v.signed), value);
}

/** `TimestampSigner(salt=...)`: the settings' key, the vector's clock. */
export function timestampSigner(oracle, v) {
  const s = new TimestampSigner({ key: oracle.secret, salt: text(v, "salt") });
  const now = oracle.clock(v);
  const signed = s.sign(text(v, "value"), { now });
  expectEq("signed", signed, v.signed);
  expectEq("unsign", s.unsign(signed, { now }), v.value);
}

