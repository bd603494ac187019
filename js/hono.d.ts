/**
 * Hono middleware: Django's SessionMiddleware for a [Hono](https://hono.dev)
 * app on any runtime Hono runs on. The response rules are exactly those of
 * {@link withSession}: the session is saved when modified (or on every
 * request with `saveEveryRequest`), `Set-Cookie` is appended, `Vary: Cookie`
 * added when the session was read, 5xx responses are not saved, an emptied
 * session's cookie is deleted, and a session deleted by a concurrent request
 * gives 400.
 *
 * The module imports nothing from `hono` at run time; `hono` is needed only
 * for these types.
 *
 * @example
 * import { Hono } from "hono";
 * import { sessionMiddleware } from "edge-sessions/hono";
 * import { kvCache } from "edge-sessions/adapters/kv";
 *
 * const app = new Hono<{ Bindings: { SECRET_KEY: string; SESSIONS: KVNamespace } }>();
 * app.use(sessionMiddleware((c) => ({ secretKey: c.env.SECRET_KEY, engine: "cache", cache: kvCache(c.env.SESSIONS) })));
 * app.get("/", async (c) => {
 *   const session = c.get("session");
 *   const visits = (await session.get("visits", 0)) + 1;
 *   await session.set("visits", visits);
 *   return c.text(`visit ${visits}`);
 * });
 * export default app;
 *
 * @packageDocumentation
 */

import type { Context, Env, MiddlewareHandler } from "hono";
// withSession is imported for the {@link} above.
import type { Session, SessionOptions, withSession } from "./index.js";

declare module "hono" {
  interface ContextVariableMap {
    /** The request's session (`request.session`), set by {@link sessionMiddleware}. */
    session: Session;
  }
}

/**
 * The middleware: `c.get("session")` is the request's {@link Session} in
 * every later handler. `options` may be a function of the context
 * (`c.env` holds Workers bindings and secrets); it is called once per
 * `c.env` object, so derive nothing from the request in it, and build
 * stateful adapters (an in-memory cache) outside it. Where `c.env` is a new
 * object per request (`@hono/node-server` passes `{ incoming, outgoing }`),
 * pass an options object instead.
 * Throws `InvalidSetting` for bad options: at once for an object, at the
 * first request for a function.
 */
export function sessionMiddleware<E extends Env = any>(options: SessionOptions | ((c: Context<E>) => SessionOptions)): MiddlewareHandler<E>;
