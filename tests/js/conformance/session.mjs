// expiry and traces: op lists replayed on a session, each result compared,
// and for traces the flags, key and loaded dict after each op.

import { expectEq, expectJson, isDict, items, number, text } from "./check.mjs";
import { applyOp, KnownKeys, precreate, stateOf } from "./ops.mjs";
import { djangoSettings } from "./oracle.mjs";
import { newStores } from "./stores.mjs";

/** Expiry ops on a new signed_cookies session under the vector's settings. */
export async function expiry(oracle, v) {
  const stores = newStores(oracle.clock(v));
  const sessions = oracle.sessions(stores, djangoSettings(v.settings));
  const s = sessions.open(null);
  const [ops, wants] = [items(v.ops), items(v.expected_results)];
  expectEq("expected results", wants.length, ops.length);
  for (const [i, op] of ops.entries()) {
    expectJson(`op ${i} result`, await applyOp(sessions, s, op), wants[i]);
  }
}

/** A session of the vector's backend opened with init_key (after the precreated one was stored). */
export async function trace(oracle, v) {
  const backend = text(v, "backend");
  const now = oracle.clock(v);
  const stores = newStores(now);
  const sessions = oracle.sessions(stores, { engine: backend });
  if (isDict(v.precreated)) {
    number(v.precreated, "t");
    await precreate(sessions, stores, v.precreated);
  }
  stores.clock.t = now;
  const known = new KnownKeys(v);
  const s = sessions.open(v.init_key ?? null);
  expectJson("initial state", stateOf(s, backend, known), v.expected?.initial_state);
  const [ops, steps] = [items(v.ops), items(v.expected?.steps)];
  expectEq("expected steps", steps.length, ops.length);
  for (const [i, step] of steps.entries()) {
    expectJson(`op ${i} result`, await applyOp(sessions, s, ops[i]), step.result);
    expectJson(`state after op ${i}`, stateOf(s, backend, known), step.state);
  }
}
