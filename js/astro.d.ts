/**
 * Astro middleware: Django's SessionMiddleware for an
 * [Astro](https://astro.build) site's on-demand rendered routes. `next()`
 * runs inside {@link Sessions.handle}, so the response rules are exactly those
 * of {@link withSession}: the session is saved when modified (or on every
 * request with `saveEveryRequest`), `Set-Cookie` is appended, `Vary: Cookie`
 * added when the session was read, 5xx responses are not saved, an emptied
 * session's cookie is deleted, and a session deleted by a concurrent request
 * gives 400. Prerendered routes get no session.
 *
 * The module imports nothing from `astro`; its types are written against
 * the shape of Astro's `MiddlewareHandler`, so the middleware is assignable to
 * it and works with `sequence()`. Importing it declares `App.Locals.session`.
 * (It is not Astro's own `Astro.session`, which has its own storage and format.)
 *
 * @example
 * // src/middleware.ts
 * import { memoryCache } from "edge-sessions";
 * import { sessionMiddleware } from "edge-sessions/astro";
 *
 * export const onRequest = sessionMiddleware({ secretKey: process.env.SECRET_KEY!, engine: "cache", cache: memoryCache() });
 *
 * // src/pages/index.astro (export const prerender = false, or output: "server")
 * const visits = (await Astro.locals.session.get("visits", 0)) + 1;
 * await Astro.locals.session.set("visits", visits);
 *
 * @packageDocumentation
 */

// Sessions and withSession are imported for the {@link}s above.
import type { Session, SessionOptions, Sessions, withSession } from "./index.js";

declare global {
  namespace App {
    interface Locals {
      /** The request's session (`request.session`), set by {@link sessionMiddleware}; absent on prerendered routes. */
      session: Session;
    }
  }
}

/** What the middleware reads of Astro's `APIContext`. */
export interface SessionMiddlewareContext {
  request: Request;
  locals: object;
  /** True while a route is prerendered: no session is opened then. */
  isPrerendered?: boolean;
}

/** The middleware: assignable to Astro's `MiddlewareHandler`. */
export type SessionMiddleware = (context: SessionMiddlewareContext, next: () => Promise<Response>) => Promise<Response>;

/**
 * The middleware: `context.locals.session` (`Astro.locals.session`) is the
 * request's {@link Session} in every later middleware, page and endpoint.
 * `options` is a {@link Sessions}, its options, or a function of the context
 * called once per `context.locals.runtime.env` object (Cloudflare's
 * bindings), or once in all where there is none. Throws `InvalidSetting` for
 * bad options: at once for an object, at the first request for a function.
 */
export function sessionMiddleware(options: Sessions | SessionOptions | ((context: SessionMiddlewareContext) => SessionOptions)): SessionMiddleware;
