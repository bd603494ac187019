/**
 * `edge-sessions/signed`: Django's signed_cookies engine in a module of its
 * own, a third of the size of `edge-sessions`, whose session operations
 * answer at once (no Promises, no storage). The API has the same shape as
 * `edge-sessions`, so code that `await`s works with both. Another engine
 * is {@link InvalidSetting} naming `edge-sessions`.
 *
 * @example
 * import { withSession } from "edge-sessions/signed";
 * export default { fetch: withSession((req, session) => {
 *   session.set("visits", session.get("visits", 0) + 1);
 *   return new Response(`visit ${session.get("visits")}`);
 * }, (env) => ({ secretKey: env.SECRET_KEY })) };
 *
 * @packageDocumentation
 */

import type { SessionApi, SessionHandler, SessionSettings, SessionsApi } from "./types.js";

export * from "./errors.js";
export type {
  DumpsOptions,
  Expiry,
  ExpiryQuery,
  HmacAlgorithm,
  JsonValue,
  LoadsOptions,
  SessionApi,
  SessionHandler,
  SessionSettings,
  SessionsApi,
  ShownSettings,
  SignerOptions,
} from "./types.js";
export { dumps, loads, signing, Signer, TimestampSigner } from "./types.js";

/** The options of {@link Sessions}: the settings (`engine` defaults to, and must be, `"signed_cookies"`) and the clock. */
export interface SignedSessionOptions
  extends Omit<SessionSettings, "engine" | "cacheFormat" | "cacheKeyPrefix" | "cacheVersion" | "cacheKeyFunction" | "detectConflicts"> {
  /** Default and only value: `"signed_cookies"`. */
  engine?: "signed_cookies" | "django.contrib.sessions.backends.signed_cookies";
  /** The clock in seconds since the epoch: a number, or a function returning one. Default `() => Date.now() / 1000`. */
  now?: number | (() => number);
}

/** One session (`request.session`); its operations answer at once. See {@link SessionApi}. */
export interface Session extends SessionApi<true> {}
/** The class of {@link Session} objects (made by {@link Sessions}, not by `new`). */
export const Session: { readonly prototype: Session };

/** The settings of one application; build once, open a session per request. */
export class Sessions implements SessionsApi<Session> {
  /** Validates everything at once; throws {@link InvalidSetting}. */
  constructor(options: SignedSessionOptions);
  readonly settings: SessionsApi<Session>["settings"];
  open(sessionKey?: string | null): Session;
  fromRequest(request: Request): Session;
  fromCookieHeader(cookieHeader: string | string[] | null | undefined): Session;
  /** Nothing to do: a signed cookie expires in the browser. */
  clearExpired(): void;
  handle(request: Request, view: (session: Session) => Response | Promise<Response>): Promise<Response>;
}

/** Django's SessionMiddleware for fetch handlers (see {@link Sessions.handle}). */
export function withSession<Env = unknown, Ctx = unknown>(
  handler: SessionHandler<Session, Env, Ctx>,
  options: SignedSessionOptions | ((env: Env) => SignedSessionOptions),
): (request: Request, env?: Env, ctx?: Ctx) => Promise<Response>;

import type { InvalidSetting } from "./errors.js";
