/**
 * Next.js: Django's SessionMiddleware around a
 * [middleware](https://nextjs.org/docs/app/building-your-application/routing/middleware)
 * function or an App Router route handler, on the edge runtime or on Node.
 * Each runs inside {@link Sessions.handle}, so the response rules are
 * exactly those of {@link withSession}: the session is saved when modified
 * (or on every request with `saveEveryRequest`), `Set-Cookie` is appended,
 * `Vary: Cookie` added when the session was read, 5xx responses are not
 * saved, an emptied session's cookie is deleted, and a session deleted by a
 * concurrent request gives 400.
 *
 * On the edge runtime the package's `edge-light` entry instantiates the wasm
 * core from a `.wasm?module` import, as Next's edge bundler expects. The
 * middleware and each edge route are bundled apart, so an in-memory store
 * is not shared between them: use `signed_cookies` or a shared store.
 * A middleware's change to the session reaches the route of the same request
 * only through the next request's cookie.
 *
 * The module imports nothing from `next`; `NextRequest` and `NextResponse`
 * are a `Request` and a `Response` to it.
 *
 * @example
 * // app/api/visits/route.ts
 * import { withSession } from "edge-sessions/next";
 *
 * export const runtime = "edge";
 * export const GET = withSession(async (request, session) => {
 *   const visits = (await session.get("visits", 0)) + 1;
 *   await session.set("visits", visits);
 *   return Response.json({ visits });
 * }, { secretKey: process.env.SECRET_KEY!, engine: "signed_cookies" });
 *
 * // middleware.ts
 * import { NextResponse } from "next/server";
 * import { sessionMiddleware } from "edge-sessions/next";
 *
 * export const middleware = sessionMiddleware(async (request, session) =>
 *   (await session.has("user")) ? NextResponse.next() : NextResponse.redirect(new URL("/login", request.url)),
 *   { secretKey: process.env.SECRET_KEY!, engine: "signed_cookies" });
 * export const config = { matcher: "/account/:path*" };
 *
 * @packageDocumentation
 */

// Sessions and withSession (the package's) are imported for the {@link}s above.
import type { Session, SessionOptions, Sessions, withSession as withSessionHandler } from "./index.js";

/** What the integrations accept: a Sessions, its options, or a function of the request called once. */
export type NextSessionOptions = Sessions | SessionOptions | ((request: Request) => SessionOptions);

/**
 * A route handler with the request's {@link Session}: `handler(request,
 * session, context)` answers the Response (a `NextResponse` or any
 * Response), and the session's cookie and `Vary` are added to it.
 * `context` is Next's second argument (`{ params }`), passed through.
 * For {@link withSessionHandler}'s rules, see the module's description.
 */
export function withSession<Req extends Request = Request, Ctx = any>(
  handler: (request: Req, session: Session, context: Ctx) => Response | Promise<Response>,
  options: NextSessionOptions,
): (request: Req, context: Ctx) => Promise<Response>;

/**
 * A middleware with the request's {@link Session}: `handler(request,
 * session, event)` answers as a middleware does (`NextResponse.next()`, a
 * redirect, a rewrite or a response; answering nothing, as a bare Next
 * middleware may, is a TypeError here), and the session's
 * cookie and `Vary` are added to that answer.
 */
export function sessionMiddleware<Req extends Request = Request, Event = any>(
  handler: (request: Req, session: Session, event: Event) => Response | Promise<Response>,
  options: NextSessionOptions,
): (request: Req, event: Event) => Promise<Response>;
