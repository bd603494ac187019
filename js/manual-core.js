// The full module's glue for `edge-sessions/manual`, refusing every call
// with a clear error until initEdgeSessions() has instantiated it.
import * as glue from "./edge_sessions.js";
import { NotInitialized } from "./errors.js";

let ready = false;

/** Called by initEdgeSessions() once the module is instantiated. */
export function markReady() {
  ready = true;
}

export const core = new Proxy(glue, {
  get(target, name) {
    if (!ready) {
      throw new NotInitialized("edge-sessions/manual: call (and await) initEdgeSessions(module) before using the API");
    }
    return target[name];
  },
});
