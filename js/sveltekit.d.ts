/**
 * SvelteKit `handle` hook: Django's SessionMiddleware for a
 * [SvelteKit](https://svelte.dev/docs/kit) app. The rest of the request
 * (`resolve(event)`) runs inside {@link Sessions.handle}, so the response
 * rules are exactly those of {@link withSession}: the session is saved when
 * modified (or on every request with `saveEveryRequest`), `Set-Cookie` is
 * appended, `Vary: Cookie` added when the session was read, 5xx responses
 * are not saved, an emptied session's cookie is deleted, and a session
 * deleted by a concurrent request gives 400.
 *
 * The module imports nothing from `@sveltejs/kit`; its types are written
 * against the shape of kit's `Handle`, so the hook is assignable to it and
 * works with `sequence()`. Importing it declares `App.Locals.session`.
 *
 * The session ends with the response: a load function that streams a
 * promise must not touch the session after `resolve` has answered.
 *
 * @example
 * // src/hooks.server.ts
 * import { env } from "$env/dynamic/private";
 * import { memoryCache } from "edge-sessions";
 * import { sessionHandle } from "edge-sessions/sveltekit";
 *
 * const cache = memoryCache();
 * export const handle = sessionHandle(() => ({ secretKey: env.SECRET_KEY, engine: "cache", cache }));
 *
 * // src/routes/+page.server.ts
 * export const load = async ({ locals }) => {
 *   const visits = (await locals.session.get("visits", 0)) + 1;
 *   await locals.session.set("visits", visits);
 *   return { visits };
 * };
 *
 * @packageDocumentation
 */

// Sessions and withSession are imported for the {@link}s above.
import type { Session, SessionOptions, Sessions, withSession } from "./index.js";

declare global {
  namespace App {
    interface Locals {
      /** The request's session (`request.session`), set by {@link sessionHandle}. */
      session: Session;
    }
  }
}

/** What the hook reads of kit's `RequestEvent`. */
export interface SessionHandleEvent {
  request: Request;
  locals: object;
  /** Cloudflare's adapter puts the Worker's bindings in `platform.env`. */
  platform?: { env?: unknown } | undefined;
}

/** The hook: assignable to kit's `Handle`. */
export type SessionHandle = <E extends SessionHandleEvent>(input: { event: E; resolve: (event: E) => Response | Promise<Response> }) => Promise<Response>;

/**
 * The hook: `event.locals.session` is the request's {@link Session} in every
 * later hook, load function, form action and endpoint. `options` is a
 * {@link Sessions}, its options, or a function of the event called once per
 * `event.platform.env` object (or once in all where there is none): read
 * `$env/dynamic/private` there, and build stateful adapters (an in-memory
 * cache) outside it. Throws `InvalidSetting` for bad options: at once for an
 * object, at the first request for a function.
 */
export function sessionHandle(options: Sessions | SessionOptions | ((event: SessionHandleEvent) => SessionOptions)): SessionHandle;
