// file_keys, session_key_validation and clearsessions.

import { dumps } from "./lib.mjs";
import { describe, expectEq, fail, items, NotApplicable, num, pythonException, show, text } from "./check.mjs";
import { KEY_SALT_PREFIX } from "./oracle.mjs";
import { dbDate, newStores } from "./stores.mjs";

/** The file engine's name for a key, seen through `exists(key)` (Django's `_key_to_file`). */
export async function fileKey(oracle, v) {
  const stores = newStores(0);
  const names = [];
  const files = { ...stores.files, exists: (name) => (names.push(name), stores.files.exists(name)) };
  const want = v.expected ?? {};
  let name;
  try {
    await oracle.sessions({ ...stores, files }, { engine: "file" }).open(null).exists(v.key ?? "");
    name = names.at(-1);
  } catch (e) {
    if (e instanceof NotApplicable) throw e;
    if (want.outcome !== "error") fail(`got error ${describe(e)}, want ${show(want)}`);
    return expectEq("exception", pythonException(e), want.exception);
  }
  if (want.outcome !== "ok") fail(`got ${show(name)}, want ${show(want)}`);
  expectEq("file name", name, want.file_name);
}

/** `_session_key = assigned`: keys under 8 characters become None. */
export function sessionKeyValidation(oracle, v) {
  const s = oracle.sessions(newStores(0)).open(v.assigned ?? null);
  expectEq("session_key", s.sessionKey, v.expected_session_key ?? null);
}

/** The clearsessions command for the vector's engine. */
export async function clearsessions(oracle, v) {
  // cache, cached_db and signed_cookies vectors carry no clock, and need none.
  const now = Number.isFinite(num(v.now)) || Number.isFinite(oracle.now) ? oracle.clock(v) : 0;
  const stores = newStores(now);
  const want = v.expected ?? {};
  const engine = text(v, "engine");
  let sessions;
  try {
    sessions = oracle.sessions(stores, { engine });
  } catch (e) {
    if (e instanceof NotApplicable) throw e;
    // Django: CommandError("Session engine '...' doesn't support clearing expired sessions.")
    expectEq("outcome", "error", want.outcome);
    return expectEq("refused", e.name, "InvalidSetting");
  }
  const salt = `${KEY_SALT_PREFIX}SessionStore`;
  const encode = (dict) => dumps(dict, { secretKey: oracle.secret, salt, compress: true, now });
  const sorted = (list) => [...items(list)].sort();
  switch (sessions.settings.engine) {
    case "db": {
      for (const [key, offset] of Object.entries(v.rows_expire_offsets ?? {})) {
        await stores.db.insert({ sessionKey: key, sessionData: encode({ a: 1 }), expireDate: dbDate(now + num(offset)) });
      }
      await sessions.clearExpired();
      return expectEq("remaining", sorted(stores.db.rows().map((r) => r.sessionKey)), sorted(v.expected_remaining));
    }
    case "file": {
      const prefix = sessions.settings.cookieName;
      const labels = [];
      for (const c of items(v.cases)) {
        const data = c._session_expiry == null ? { a: 1 } : { a: 1, _session_expiry: c._session_expiry };
        stores.clock.t = now + num(c.mtime_offset); // the file's mtime
        await stores.files.write(`${prefix}${c.key}`, encode(data), "create");
        labels.push([c.label, `${prefix}${c.key}`]);
      }
      stores.clock.t = now;
      await sessions.clearExpired();
      const survivors = [];
      for (const [label, name] of labels) if (await stores.files.exists(name)) survivors.push(label);
      return expectEq("survivors", sorted(survivors), sorted(v.expected_survivors));
    }
    default: {
      // cache, cached_db's cache side and signed_cookies: nothing to do, and no error.
      let outcome = "ok";
      try {
        await sessions.clearExpired();
      } catch {
        outcome = "error";
      }
      return expectEq("outcome", outcome, want.outcome);
    }
  }
}

