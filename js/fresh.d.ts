/**
 * Deno Fresh 2 middleware: Django's SessionMiddleware for a
 * [Fresh](https://fresh.deno.dev) app. `ctx.next()` runs inside
 * {@link Sessions.handle}, so the response rules are exactly those of
 * {@link withSession}: the session is saved when modified (or on every
 * request with `saveEveryRequest`), `Set-Cookie` is appended, `Vary: Cookie`
 * added when the session was read, 5xx responses are not saved, an emptied
 * session's cookie is deleted, and a session deleted by a concurrent request
 * gives 400.
 *
 * Written against Fresh 2's middleware contract (`(ctx) => Promise<Response>`
 * with `ctx.req`, `ctx.state` and `ctx.next()`); the module imports nothing
 * from Fresh. Fresh 1's `(req, ctx)` middleware is not supported.
 *
 * @example
 * // main.ts
 * import { App } from "fresh";
 * import { memoryCache, type Session } from "edge-sessions";
 * import { sessionMiddleware } from "edge-sessions/fresh";
 *
 * export interface State { session: Session }
 * export const app = new App<State>()
 *   .use(sessionMiddleware({ secretKey: Deno.env.get("SECRET_KEY")!, engine: "cache", cache: memoryCache() }))
 *   .get("/", async (ctx) => {
 *     const visits = (await ctx.state.session.get("visits", 0)) + 1;
 *     await ctx.state.session.set("visits", visits);
 *     return Response.json({ visits });
 *   });
 *
 * @packageDocumentation
 */

// Sessions and withSession are imported for the {@link}s above.
import type { Session, SessionOptions, Sessions, withSession } from "./index.js";

/** What the middleware reads of Fresh's `Context`. */
export interface SessionMiddlewareContext {
  req: Request;
  state: object;
  next(): Promise<Response>;
}

/** The middleware: assignable to Fresh 2's `Middleware<State>` when `State` has a `session`. */
export type SessionMiddleware = <C extends SessionMiddlewareContext>(ctx: C) => Promise<Response>;

/**
 * The middleware: `ctx.state.session` is the request's {@link Session} in
 * every later middleware, handler and page (declare `session: Session` in
 * the app's `State`). `options` is a {@link Sessions}, its options, or a
 * function of the context called once. Throws `InvalidSetting` for bad
 * options: at once for an object, at the first request for a function.
 */
export function sessionMiddleware(options: Sessions | SessionOptions | ((ctx: SessionMiddlewareContext) => SessionOptions)): SessionMiddleware;
