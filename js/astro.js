// Astro: Django's SessionMiddleware as an Astro middleware (on-demand
// rendered routes). `next()` runs inside `Sessions.handle`, so the response
// rules are exactly withSession's. Nothing is imported from astro.
import { sessionsFor } from "./sessions-for.js";

/**
 * `export const onRequest = sessionMiddleware(options)` in src/middleware.js:
 * `context.locals.session` (`Astro.locals.session`) is the request's session.
 * Prerendered routes get no session: they have no request to read a cookie
 * from. `options` may be a function of the context, called once per
 * `context.locals.runtime.env` (Cloudflare's bindings) or once in all.
 */
export function sessionMiddleware(options) {
  const sessions = sessionsFor(options, (context) => context.locals?.runtime?.env);
  return function onRequest(context, next) {
    if (context.isPrerendered) return next();
    return sessions(context).handle(context.request, (session) => {
      context.locals.session = session;
      return next();
    });
  };
}
