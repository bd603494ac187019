// Next.js: Django's SessionMiddleware around a middleware function or a
// route handler, on the edge runtime (or Node). Each runs inside
// `Sessions.handle`, so the response rules are exactly withSession's.
// Nothing is imported from next.
import { sessionsFor } from "./sessions-for.js";

/**
 * A route handler with the request's session:
 * `export const GET = withSession((request, session, context) => Response, options)`.
 * `options` may be a Sessions shared with the middleware, an options object,
 * or a function of the request, called once in all.
 */
export function withSession(handler, options) {
  const sessions = sessionsFor(options);
  return function routeHandler(request, context) {
    return sessions(request).handle(request, (session) => handler(request, session, context));
  };
}

/**
 * `export const middleware = sessionMiddleware((request, session, event) => NextResponse, options)`
 * in middleware.js: the function answers as a middleware does
 * (`NextResponse.next()`, a redirect, a rewrite or a response), and the
 * session's cookie and `Vary` are added to that answer.
 */
export function sessionMiddleware(handler, options) {
  const sessions = sessionsFor(options);
  return function middleware(request, event) {
    return sessions(request).handle(request, async (session) => {
      const response = await handler(request, session, event);
      // Next lets a middleware answer nothing to go on; the session's headers need an answer to go on.
      if (response == null) throw new TypeError("the session middleware must answer a Response: NextResponse.next() to go on");
      return response;
    });
  };
}
