// signed_cookies: the cookie value a session saves to, loading a cookie
// (with SESSION_COOKIE_AGE as max_age), and cycle_key.

import { expectEq, expectJson, expectToken, items, text } from "./check.mjs";
import { applyOp } from "./ops.mjs";
import { SIGNED_COOKIES_SALT } from "./oracle.mjs";
import { newStores } from "./stores.mjs";

/** A new session, the vector's ops, `save()`: the cookie value. */
export async function cookieValue(oracle, v) {
  const now = oracle.clock(v);
  const stores = newStores(now);
  const sessions = oracle.sessions(stores);
  const s = sessions.open(null);
  for (const op of items(v.ops)) await applyOp(sessions, s, op);
  await s.save();
  expectJson("session dict", s.peek() ?? {}, v.session_dict);
  expectToken(s.sessionKey ?? "", text(v, "expected_cookie_value"), {
    key: oracle.secret, fallbacks: oracle.fallbacks, salt: SIGNED_COOKIES_SALT, now,
  });
}

/** `SessionStore(cookie).load()`: the dict, whether a bad cookie reset the session, the key after. */
export async function load(oracle, v) {
  const stores = newStores(oracle.clock(v));
  const settings = v.SESSION_COOKIE_AGE == null ? {} : { cookieAge: v.SESSION_COOKIE_AGE };
  const s = oracle.sessions(stores, settings).open(v.cookie_value ?? null);
  const want = v.expected ?? {};
  expectJson("result", await s.items(), Object.entries(want.result ?? {}));
  expectEq("reset (modified)", s.modified, want.reset_by_create_modified);
  expectEq("session key after", s.sessionKey, want.session_key_after ?? null);
}

/** `cycle_key()` on a loaded cookie: re-signed, identical within the second. */
export async function cycle(oracle, v) {
  const stores = newStores(oracle.clock(v));
  const s = oracle.sessions(stores).open(v.initial_cookie ?? null);
  await s.cycleKey();
  expectEq("cookie", s.sessionKey, v.expected_cookie_value ?? null);
  expectEq("modified", s.modified, v.modified);
}
