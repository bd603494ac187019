// Deno Fresh 2: Django's SessionMiddleware as a Fresh middleware. `ctx.next()`
// runs inside `Sessions.handle`, so the response rules are exactly
// withSession's. Nothing is imported from Fresh.
import { sessionsFor } from "./sessions-for.js";

/**
 * `app.use(sessionMiddleware(options))`, or the default export of a
 * `_middleware.ts`: `ctx.state.session` is the request's session in every
 * later middleware, handler and page. `options` may be a function of the
 * context, called once in all.
 */
export function sessionMiddleware(options) {
  const sessions = sessionsFor(options);
  return function sessionMiddleware(ctx) {
    return sessions(ctx).handle(ctx.req, (session) => {
      ctx.state.session = session;
      return ctx.next();
    });
  };
}
