// The categories of the oracle's format and the runner of each, and the
// file's categories checked against meta.counts: a category with other
// counts than meta announces, or one this runner does not know, is a
// failure, never silently skipped.

import { describe, Fail, isDict, NotApplicable, Skip } from "./check.mjs";
import { fileKey, sessionKeyValidation, clearsessions } from "./keys.mjs";
import { scenario } from "./middleware.mjs";
import * as primitives from "./primitives.mjs";
import { containsPyNumber } from "./read.mjs";
import { expiry, trace } from "./session.mjs";
import * as signedCookies from "./signed_cookies.mjs";
import { sessionEncode, signingDumps, verification } from "./signing.mjs";
import { storage } from "./storage.mjs";

/** Category (`group/member` inside a group) -> [runner, replayed through the oracle's settings]. */
const CATEGORIES = new Map([
  ["primitives/b62", [primitives.b62, false]],
  ["primitives/b62_decode_edge", [primitives.b62DecodeEdge, false]],
  ["primitives/b64", [primitives.b64, false]],
  ["primitives/b64_decode_edge", [primitives.b64DecodeEdge, false]],
  ["primitives/salted_hmac", [primitives.saltedHmac, false]],
  ["primitives/base64_hmac", [primitives.base64Hmac, false]],
  ["primitives/signer", [primitives.signer, false]],
  ["primitives/timestamp_signer", [primitives.timestampSigner, true]],
  ["signing_dumps", [signingDumps, false]],
  ["verification", [verification, true]],
  ["session_encode", [sessionEncode, true]],
  ["signed_cookies/cookie_values", [signedCookies.cookieValue, true]],
  ["signed_cookies/load", [signedCookies.load, true]],
  ["signed_cookies/cycle", [signedCookies.cycle, true]],
  ["expiry", [expiry, true]],
  ["traces", [trace, true]],
  ["middleware", [scenario, true]],
  ["storage", [storage, true]],
  ["file_keys", [fileKey, true]],
  ["session_key_validation", [sessionKeyValidation, true]],
  ["clearsessions", [clearsessions, true]],
]);

/** Keys of the file that hold no vectors. */
const NOT_CATEGORIES = ["meta", "constants"];

const isGroup = (name) => [...CATEGORIES.keys()].some((c) => c.startsWith(`${name}/`));

/**
 * Every entry to report, in order, as [id, run] where run() resolves to
 * ["pass"] | ["fail", why] | ["skip", why] | ["n/a", why]; the file's shape problems
 * come out as failing entries too.
 */
export function* entries(vectors, oracle) {
  const failing = (id, why) => [id, async () => ["fail", why]];
  if (!isDict(vectors)) return yield failing("file", "not a JSON object");
  const counts = vectors.meta?.counts;
  // Without meta.counts that one failure says it all; no count is checked.
  const announced = (...path) => (isDict(counts) ? path.reduce((c, p) => c?.[p], counts) : undefined);
  if (!isDict(counts)) yield failing("meta.counts", "missing: the file's categories cannot be checked");
  for (const [name, content] of Object.entries(vectors)) {
    if (NOT_CATEGORIES.includes(name)) continue;
    if (Array.isArray(content) && !isGroup(name)) {
      yield* list(name, content, announced(name), isDict(counts), oracle);
    } else if (isDict(content) && isGroup(name)) {
      for (const [member, vectorList] of Object.entries(content)) {
        const category = `${name}/${member}`;
        if (Array.isArray(vectorList)) yield* list(category, vectorList, announced(name, member), isDict(counts), oracle);
        else yield failing(category, "not a list of vectors");
      }
    } else {
      yield failing(name, "unknown category (or not the shape this runner knows): not replayed");
    }
  }
  for (const [name, count] of Object.entries(isDict(counts) ? counts : {})) {
    if (isDict(count)) {
      for (const member of Object.keys(count)) {
        if (vectors[name]?.[member] === undefined) yield failing(`meta.counts/${name}/${member}`, "announced, but the file has no such category");
      }
    } else if (vectors[name] === undefined) {
      yield failing(`meta.counts/${name}`, "announced, but the file has no such category");
    }
  }
}

function* list(category, vectors, announced, checkCount, oracle) {
  const known = CATEGORIES.get(category);
  if (!known) return yield [category, async () => ["fail", `unknown category with ${vectors.length} vectors: this runner cannot replay it`]];
  if (checkCount && announced !== vectors.length) {
    const why = `the file has ${vectors.length} vectors, meta.counts says ${JSON.stringify(announced ?? null)}`;
    yield [`meta.counts/${category}`, async () => ["fail", why]];
  }
  const [run, usesSettings] = known;
  const top = category.split("/")[0];
  for (const [i, vector] of vectors.entries()) {
    const id = typeof vector?.id === "string" ? vector.id : `${category}/${i}`;
    yield [id.startsWith(top) ? id : `${category}/${id}`, () => verdict(run, oracle, vector, usesSettings)];
  }
}

async function verdict(run, oracle, vector, usesSettings) {
  const refused = oracle.refusal(vector, usesSettings);
  if (refused) return ["fail", refused];
  if (!JSON.rawJSON && containsPyNumber(vector)) {
    return ["skip", "holds numbers JSON.stringify cannot write as Python does (2.0, -0.0, 2**63); needs JSON.rawJSON (Node >= 21)"];
  }
  try {
    await run(oracle, vector ?? {});
    return ["pass"];
  } catch (e) {
    if (e instanceof Skip) return ["skip", e.message];
    if (e instanceof NotApplicable) return ["n/a", e.message];
    if (e instanceof Fail) return ["fail", e.message];
    return ["fail", `unexpected ${describe(e)}`];
  }
}
