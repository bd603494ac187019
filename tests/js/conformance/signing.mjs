// signing_dumps, verification and session_encode: signing.dumps,
// signing.loads with SessionBase.decode, and SessionBase.encode.

import { BadSignature, dumps, loads } from "./lib.mjs";
import {
  expectEq, expectJson, expectOutcome, expectToken, fail, isDict, items, num, show, text, tokenJson,
} from "./check.mjs";
import { sessionClassOf, KEY_SALT_PREFIX } from "./oracle.mjs";
import { newStores } from "./stores.mjs";

const DEFAULT_SALT = "django.core.signing";

/** `signing.dumps(obj, key, salt, compress)`: the JSON, the token (or an equivalent compressed one), the round trip. */
export function signingDumps(oracle, v) {
  // Django: `key or settings.SECRET_KEY`.
  const key = v.key || oracle.secret;
  const salt = v.salt ?? DEFAULT_SALT;
  const now = oracle.clock(v);
  // Our JSON is the payload of an uncompressed token.
  const plain = dumps(v.obj, { secretKey: key, salt, now });
  expectEq("json", tokenJson(plain).toString("utf8"), text(v, "json"));
  const token = dumps(v.obj, { secretKey: key, salt, compress: v.compress === true, now });
  expectToken(token, text(v, "expected"), { key, salt, now, json: v.json });
  expectJson("round trip", loads(token, { secretKey: key, salt, now }), v.obj);
}

/** `max_age` as a number of seconds or `{"timedelta_seconds": n}`. */
function maxAge(v) {
  if (v == null) return undefined;
  const seconds = isDict(v) ? num(v.timedelta_seconds) : num(v);
  return Number.isNaN(seconds) ? fail(`max_age ${show(v)} is not a number of seconds`) : seconds;
}

const isSignatureProblem = (problem) => /^(BadSignature|SignatureExpired):/.test(problem ?? "");

/** `signing.loads(input, key, salt, max_age, fallback_keys)`, then `SessionBase.decode(input)`. */
export async function verification(oracle, v) {
  const secrets = oracle.secretsOf(v);
  // Django: `key or settings.SECRET_KEY`; fallback_keys None means the settings'.
  const key = v.key || secrets.secret;
  const fallbackKeys = Array.isArray(v.fallback_keys) ? oracle.keysAsTaken(v.fallback_keys.map(String), v) : secrets.fallbacks;
  const salt = v.salt ?? DEFAULT_SALT;
  const now = oracle.clock(v);
  const input = text(v, "input");
  await expectOutcome(() => loads(input, { secretKey: key, fallbackKeys, salt, maxAge: maxAge(v.max_age), now }), v.expected);
  const decode = v.session_decode;
  if (decode === undefined) return;
  // SessionBase.decode: signing.loads with the store's key salt and the
  // settings' keys; `{}` on any error, logged when the signature is bad.
  const sessionClass = sessionClassOf(salt);
  let decoded = {};
  let logged = false;
  try {
    decoded = loads(input, { secretKey: secrets.secret, fallbackKeys: secrets.fallbacks, salt: KEY_SALT_PREFIX + sessionClass, now });
  } catch (e) {
    logged = e instanceof BadSignature;
  }
  const wantLogged = items(decode.logged_suspicious_session).length > 0;
  expectEq("logged SuspiciousSession", logged, wantLogged);
  expectJson("session decode", decoded, decode.result);
  // The same through a session's load (which keeps only dicts).
  const { items: loaded, problem } = await oracle.decodeInSession(input, now, sessionClass, secrets);
  expectJson("session load", loaded, isDict(decode.result) ? Object.entries(decode.result) : []);
  expectEq("session load logged", isSignatureProblem(problem), wantLogged);
}

/**
 * `SessionBase.encode` as a save does it: a db-engine session (with the key
 * salt's class) saves the dict; the row holds the encoding.
 */
export async function sessionEncode(oracle, v) {
  const now = oracle.clock(v);
  const keySalt = text(v, "key_salt");
  const sessionClass = sessionClassOf(keySalt);
  const dict = isDict(v.session_dict) ? v.session_dict : fail("session_dict is not a dict");
  const stores = newStores(now);
  const s = oracle.sessions(stores, { engine: "db", sessionClass }).open(null);
  await s.update(Object.entries(dict));
  await s.save();
  const [row] = stores.db.rows();
  if (!row) fail("save wrote no row");
  const expected = text(v, "expected");
  expectToken(row.sessionData, expected, { key: oracle.secret, fallbacks: oracle.fallbacks, salt: keySalt, now });
  const { items: decoded, problem } = await oracle.decodeInSession(expected, now, sessionClass);
  expectEq("decode problem", problem, null);
  expectJson("decode", decoded, Object.entries(dict));
}
