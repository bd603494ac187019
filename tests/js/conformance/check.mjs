// Verdicts and the comparisons every category shares: equality, JSON as
// Python compares it, Python's exception classes, outcomes, and signed
// tokens (byte equality, or equivalence for compressed ones).

import { inflateSync, deflateSync } from "node:zlib";
import { TimestampSigner, signing } from "./lib.mjs";
import { PyNumber } from "./read.mjs";

export class Fail extends Error {}
export class Skip extends Error {}
/** A vector for what the entry under replay does not ship (another engine than signed_cookies in edge-sessions/signed). */
export class NotApplicable extends Error {}
export const fail = (why) => { throw new Fail(why); };

export const show = (v) => {
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
};

export const num = (v) => (v instanceof PyNumber ? v.value : typeof v === "number" ? v : NaN);
export const isDict = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
export const describe = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : show(e));

/** A string field the vector must have. */
export function text(v, field) {
  const value = v?.[field];
  return typeof value === "string" ? value : fail(`the vector has no string ${show(field)}`);
}

/** A number field the vector must have. */
export function number(v, field) {
  const value = num(v?.[field]);
  return Number.isFinite(value) ? value : fail(`the vector has no number ${show(field)}`);
}

/** A list field's items (a missing field is an empty list). */
export const items = (v) => (Array.isArray(v) ? v : []);

export function expectEq(what, got, want) {
  const same = Array.isArray(got) && Array.isArray(want)
    ? got.length === want.length && got.every((g, n) => g === want[n])
    : got === want;
  if (!same) fail(`${what}: got ${show(got)}, want ${show(want)}`);
}

/** The order JavaScript gives an object's keys: array indices first, ascending. */
function jsOrder(keys) {
  const isIndex = (k) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;
  return [...keys.filter(isIndex).sort((a, b) => a - b), ...keys.filter((k) => !isIndex(k))];
}

/**
 * JSON equality as Python sees it, numbers by value (600 == 600.0), dict
 * keys in order. Dicts the API returns went through JSON.parse, so their
 * integer-like keys are in JavaScript's order: the wanted dict is compared
 * in that order too. (Arrays, and the pairs of items(), keep every order.)
 */
export function jsonEq(got, want) {
  if (want instanceof PyNumber) want = want.value;
  if (typeof got === "bigint") {
    try {
      return Number.isInteger(want) && got === BigInt(want);
    } catch {
      return false;
    }
  }
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, n) => jsonEq(got[n], w));
  }
  if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
    const gotKeys = Object.keys(got);
    const wantKeys = jsOrder(Object.keys(want));
    return gotKeys.length === wantKeys.length
      && wantKeys.every((k, n) => gotKeys[n] === k && jsonEq(got[k], want[k]));
  }
  return got === want;
}

export function expectJson(what, got, want) {
  if (!jsonEq(got, want)) fail(`${what}: got ${show(got)}, want ${show(want)}`);
}


/** Python's exception class our error stands for (the native runner's table). */
export function pythonException(e) {
  switch (e?.name) {
    case "BadSignature":
    case "SignatureExpired":
    case "KeyError":
    case "UpdateError":
    case "CreateError":
    case "SessionInterrupted":
    case "InvalidSessionKey":
      return e.name;
    case "BadPayload": {
      // The JS error carries no kind, only the core's message: match its prefix.
      const kinds = [
        ["signed value has no timestamp", "ValueError"],
        ["timestamp is not base62", "ValueError"],
        ["signed value has an empty timestamp", "IndexError"],
        ["invalid base64", "Error"], // binascii.Error
        ["invalid compressed payload", "error"], // zlib.error
        ["invalid JSON payload", "JSONDecodeError"],
      ];
      return kinds.find(([prefix]) => e.message.startsWith(prefix))?.[1] ?? "Exception";
    }
    case "InvalidExpiry":
      return e.message.includes("offset-naive") ? "TypeError" : "ValueError";
    default:
      return "Exception";
  }
}


/**
 * Compares a call's result with `{"outcome": "ok", "value": ...}` or
 * `{"outcome": "error", "exception": ..., "message": ...}`. Messages are
 * compared for BadSignature (they name the signature); for the rest the
 * exception class is the contract.
 */
export async function expectOutcome(call, want) {
  let value;
  let error;
  try {
    value = await call();
  } catch (e) {
    if (e instanceof Fail) throw e;
    error = e;
  }
  if (error === undefined) {
    if (want?.outcome !== "ok") fail(`got ${show(value)}, want error ${show(want?.exception)}`);
    return expectJson("value", value, want.value);
  }
  if (want?.outcome !== "error") fail(`got error ${describe(error)}, want ${show(want?.value)}`);
  expectEq("exception", pythonException(error), want.exception);
  if (error.name === "BadSignature") expectEq("message", error.message, want.message);
}

// ------------------------------------------------------------------ tokens

export const hex = (bytes) => Buffer.from(bytes).toString("hex");
export const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

/** The JSON bytes inside a signed payload (`.`-prefixed payloads are deflated). */
export function payloadJson(payload) {
  return payload.startsWith(".")
    ? inflateSync(signing.b64Decode(payload.slice(1)))
    : Buffer.from(signing.b64Decode(payload));
}

/** The JSON bytes of a `payload:timestamp:signature` token, unverified. */
export const tokenJson = (token) => payloadJson(token.slice(0, token.indexOf(":")));

/**
 * Byte equality for uncompressed tokens. A compressed token (ours or
 * Django's) is checked for equivalence: ours verifies under the same keys
 * and salt, inflates to exactly Django's JSON, was compressed iff deflating
 * saves 2 bytes, and Django's token loads to the same value.
 */
export function expectToken(ours, django, { key, fallbacks = [], salt, now, json }) {
  if (ours === django) return;
  if (!ours.startsWith(".") && !django.startsWith(".")) fail(`token: got ${ours}, want ${django}`);
  const signer = new TimestampSigner({ key, fallbackKeys: fallbacks, salt });
  const attempt = (what, call) => {
    try {
      return call();
    } catch (e) {
      return fail(`${what}: ${describe(e)}`);
    }
  };
  const payload = attempt("our token does not verify", () => signer.unsign(ours, { now }));
  const djangoJson = json === undefined
    ? attempt("Django's token has no readable payload", () => tokenJson(django))
    : Buffer.from(json, "utf8");
  const ourJson = attempt("our payload", () => payloadJson(payload));
  expectEq("our inflated JSON", ourJson.toString("utf8"), djangoJson.toString("utf8"));
  // Our deflate's size is known when we compressed; otherwise zlib's (Django's) stands in.
  const compressed = payload.startsWith(".");
  const deflated = compressed ? signing.b64Decode(payload.slice(1)).length : deflateSync(djangoJson, { level: 6 }).length;
  expectEq("compression decision", compressed, deflated + 1 < djangoJson.length);
  const theirs = attempt("Django's token does not load", () => signer.unsignObject(django, { now }));
  expectJson("Django's token loads to", theirs, signer.unsignObject(ours, { now }));
}


/** Two signed values that load to the same value, one of them compressed. */
export function compressedEquivalent(ours, django, { key, fallbacks, salt, now }) {
  if (typeof ours !== "string" || typeof django !== "string") return false;
  if (!ours.startsWith(".") && !django.startsWith(".")) return false;
  const s = new TimestampSigner({ key, fallbackKeys: fallbacks, salt });
  try {
    return jsonEq(s.unsignObject(ours, { now }), s.unsignObject(django, { now }));
  } catch {
    return false;
  }
}
