// Hono middleware: Django's SessionMiddleware for a Hono app. It wraps the
// rest of the chain in `Sessions.handle`, so the response rules (save when
// modified, Set-Cookie, Vary: Cookie, no save on 5xx, delete an emptied
// session's cookie, 400 on SessionInterrupted) are exactly withSession's.
// Hono is not imported: the middleware is a plain `async (c, next)`, so the
// package has no runtime dependency on it.

import { sessionsFor } from "./sessions-for.js";

/**
 * `app.use(sessionMiddleware(options))`: `c.get("session")` is the request's
 * session in every later handler. `options` may be a function of the
 * context, called once per `c.env` object (bindings and secrets live there).
 */
export function sessionMiddleware(options) {
  const sessionsOf = sessionsFor(options, (c) => c.env);
  return async function sessionMiddleware(c, next) {
    const response = await sessionsOf(c).handle(c.req.raw, async (session) => {
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
