// Hono middleware: Django's SessionMiddleware for a Hono app. It wraps the
// rest of the chain in `Sessions.handle`, so the response rules (save when
// modified, Set-Cookie, Vary: Cookie, no save on 5xx, delete an emptied
// session's cookie, 400 on SessionInterrupted) are exactly withSession's.
// Hono is not imported: the middleware is a plain `async (c, next)`, so the
// package has no runtime dependency on it.

// The package's own entry, through its `exports` conditions: the one that
// instantiates the wasm core for this runtime (node.js, workerd.js, browser.js).
import { Sessions } from "edge-sessions";

/** The Sessions for `c`: built once, or once per `c.env` (the Worker's bindings). */
function sessionsFrom(options) {
  if (typeof options !== "function") {
    const sessions = new Sessions(options);
    return () => sessions;
  }
  const perEnv = new WeakMap();
  const noEnv = {}; // app.request() without an env, Node servers that pass none
  return (c) => {
    const key = c.env !== null && typeof c.env === "object" ? c.env : noEnv;
    let sessions = perEnv.get(key);
    if (!sessions) {
      sessions = new Sessions(options(c));
      perEnv.set(key, sessions);
    }
    return sessions;
  };
}

/**
 * `app.use(sessionMiddleware(options))`: `c.get("session")` is the request's
 * session in every later handler. `options` may be a function of the
 * context, called once per `c.env` object (bindings and secrets live there).
 */
export function sessionMiddleware(options) {
  const sessionsFor = sessionsFrom(options);
  return async function sessionMiddleware(c, next) {
    const response = await sessionsFor(c).handle(c.req.raw, async (session) => {
      c.set("session", session);
      await next(); // Hono turns a handler's throw into c.res (onError), so this does not throw
      return c.res;
    });
    // Cleared first: Hono's setter would otherwise merge the old response's
    // headers into a replacement (the 400 for SessionInterrupted must not
    // carry the view's headers, as in Django).
    c.res = undefined;
    c.res = response;
  };
}
