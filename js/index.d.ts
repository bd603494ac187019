/**
 * edge-sessions: Django's session framework, exact to the byte, for
 * Cloudflare Workers, Deno, Node, Bun and browsers. Sessions written here
 * are read by a Django site sharing the same `secretKey`, and the reverse.
 *
 * This entry runs all five engines; session operations answer Promises.
 * `edge-sessions/signed` is a smaller module for signed_cookies alone.
 *
 * @packageDocumentation
 */

import type { CacheAdapter, DbAdapter, FileAdapter, SessionApi, SessionHandler, SessionOptions, SessionRow, SessionsApi } from "./types.js";

export * from "./errors.js";
export type {
  Answer,
  Awaitable,
  CacheAdapter,
  CacheEntry,
  DbAdapter,
  DumpsOptions,
  EngineName,
  Expiry,
  ExpiryQuery,
  FileAdapter,
  HmacAlgorithm,
  JsonValue,
  LoadsOptions,
  SessionApi,
  SessionHandler,
  SessionOptions,
  SessionRow,
  SessionsApi,
  SessionSettings,
  ShownSettings,
  SignerOptions,
} from "./types.js";
export { dumps, loads, signing, Signer, TimestampSigner } from "./types.js";

/** One session (`request.session`); its operations answer Promises. See {@link SessionApi}. */
export interface Session extends SessionApi<false> {}
/** The class of {@link Session} objects (made by {@link Sessions}, not by `new`). */
export const Session: { readonly prototype: Session };

/** The settings and storage of one application; build once, open a session per request. */
export class Sessions implements SessionsApi<Session> {
  /** Validates everything at once; throws {@link InvalidSetting}. */
  constructor(options: SessionOptions);
  readonly settings: SessionsApi<Session>["settings"];
  open(sessionKey?: string | null): Session;
  fromRequest(request: Request): Session;
  fromCookieHeader(cookieHeader: string | string[] | null | undefined): Session;
  clearExpired(): Promise<void>;
  handle(request: Request, view: (session: Session) => Response | Promise<Response>): Promise<Response>;
}

/**
 * Django's SessionMiddleware for fetch handlers (see {@link Sessions.handle}).
 * `options` may be a function of `env` (Workers bindings and secrets live
 * there); it is called once per `env` object.
 *
 * @example
 * export default { fetch: withSession(async (req, session) => {
 *   await session.set("visits", (await session.get("visits", 0)) + 1);
 *   return new Response("hi");
 * }, (env) => ({ secretKey: env.SECRET_KEY, engine: "signed_cookies" })) };
 */
export function withSession<Env = unknown, Ctx = unknown>(
  handler: SessionHandler<Session, Env, Ctx>,
  options: SessionOptions | ((env: Env) => SessionOptions),
): (request: Request, env?: Env, ctx?: Ctx) => Promise<Response>;

/**
 * An in-memory {@link CacheAdapter}; least recently used entries go past
 * `maxEntries` (a number, 1 or more; InvalidSetting otherwise).
 */
export function memoryCache(options?: { maxEntries?: number; now?: () => number }): CacheAdapter & { readonly size: number };
/** An in-memory {@link DbAdapter}; `rows()` lists what it holds. */
export function memoryDb(): DbAdapter & { rows(): SessionRow[] };
/** An in-memory {@link FileAdapter}. */
export function memoryFiles(options?: { now?: () => number }): FileAdapter;

import type { InvalidSetting } from "./errors.js";
