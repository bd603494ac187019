// SvelteKit: Django's SessionMiddleware as a `handle` hook. The rest of the
// request (`resolve(event)`) runs inside `Sessions.handle`, so the response
// rules are exactly withSession's. Nothing is imported from @sveltejs/kit.
import { sessionsFor } from "./sessions-for.js";

/**
 * `export const handle = sessionHandle(options)` in src/hooks.server.js:
 * `event.locals.session` is the request's session in every load function,
 * form action and endpoint. `options` may be a function of the event, called
 * once per `event.platform.env` (Cloudflare's bindings) or once in all.
 */
export function sessionHandle(options) {
  const sessions = sessionsFor(options, (event) => event.platform?.env);
  return function handle({ event, resolve }) {
    return sessions(event).handle(event.request, (session) => {
      event.locals.session = session;
      return resolve(event);
    });
  };
}
