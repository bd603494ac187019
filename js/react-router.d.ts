/**
 * React Router 7 (framework mode, and Remix): a `SessionStorage` as
 * React Router's `createSessionStorage` makes one (`getSession`,
 * `commitSession`, `destroySession`), whose cookie and stored data are
 * Django's: the `sessionid` cookie a Django site sets and reads, the data in
 * any of Django's engines (`signed_cookies`, `cache`, `db`, `cached_db`,
 * `file`), on Node and on Workers.
 *
 * How React Router's Session maps onto a Django session:
 *
 * - `getSession(cookieHeader)` opens the Django session the cookie names and
 *   reads its whole dict (React Router's Session is synchronous), so the
 *   session counts as accessed, as `request.session` does once read.
 * - `id` is Django's session key (`session.session_key`): the 32-character
 *   key for server engines, the signed cookie value for `signed_cookies`,
 *   `""` for a session not yet saved.
 * - `data`, `has`, `get`, `set`, `unset` are the Django dict: `set(k, v)` is
 *   `session[k] = v`, `unset(k)` is `del session[k]`. Values must be JSON
 *   (Django's serializer); anything else fails at commit with `Unserializable`.
 * - `flash(name, value)` stores React Router's key `__flash_<name>__` in the
 *   Django dict; the first `get(name)` returns it and removes it at commit. A
 *   Django view sees it as an ordinary key (`request.session.pop("__flash_name__")`
 *   consumes it there).
 * - `commitSession(session)` writes the keys this request set, unset or read
 *   as flash, then runs Django's `process_response`: the session is saved
 *   only if that changed it (Django's `modified`) or with `saveEveryRequest`,
 *   and the answer is Django's Set-Cookie, or `""` when Django sends none
 *   (nothing changed). `{ maxAge }` / `{ expires }` become
 *   `set_expiry(seconds | date)`; other cookie attributes come from the
 *   settings (`cookieDomain`, `cookieSecure`...) and are refused here.
 * - `destroySession(session)` is Django's `flush()` (log out): data, stored
 *   copy and key go, and the answer is Django's cookie deletion.
 * - A session deleted by another request meanwhile (Django answers 400)
 *   makes both throw a 400 Response, which React Router renders as such.
 *
 * Django also adds `Vary: Cookie` to every response that read the session,
 * which one Set-Cookie string cannot carry: {@link DjangoSessionStorage.commitHeaders}
 * and {@link DjangoSessionStorage.destroyHeaders} answer both headers, for
 * `data(value, { headers })` or `redirect(url, { headers })`.
 *
 * The module imports nothing from `react-router`; its types have the shape of
 * React Router's `Session` and `SessionStorage`, so they are assignable to them.
 *
 * @example
 * // app/sessions.server.ts
 * import { memoryCache } from "edge-sessions";
 * import { createDjangoSessionStorage } from "edge-sessions/react-router";
 *
 * export const { getSession, commitSession, destroySession, commitHeaders } = createDjangoSessionStorage({
 *   secretKey: process.env.SECRET_KEY!, engine: "cache", cache: memoryCache(),
 * });
 *
 * // app/routes/home.tsx
 * export async function loader({ request }: Route.LoaderArgs) {
 *   const session = await getSession(request.headers.get("Cookie"));
 *   const visits = Number(session.get("visits") ?? 0) + 1;
 *   session.set("visits", visits);
 *   return data({ visits }, { headers: await commitHeaders(session) });
 * }
 *
 * @packageDocumentation
 */

// withSession is imported for the {@link} above.
import type { SessionOptions, Sessions, withSession } from "./index.js";

/** React Router's default session data type. */
export type SessionData = { [name: string]: any };

/** React Router's flash keys in `data`: `__flash_<name>__`. */
export type FlashSessionData<Data, FlashData> = Partial<Data & { [Key in keyof FlashData as `__flash_${Key & string}__`]: FlashData[Key] }>;

/** React Router's `Session`, over a Django session's dict (see the module's mapping). */
export interface Session<Data = SessionData, FlashData = Data> {
  /** Django's session key; `""` for a session not yet saved. */
  readonly id: string;
  /** The Django dict, flash keys included. */
  readonly data: FlashSessionData<Data, FlashData>;
  /** `name in session`, or a flash value under `name`. */
  has(name: (keyof Data | keyof FlashData) & string): boolean;
  /** `session.get(name)`; a flash value is returned once, then removed at commit. */
  get<Key extends (keyof Data | keyof FlashData) & string>(
    name: Key,
  ): (Key extends keyof Data ? Data[Key] : undefined) | (Key extends keyof FlashData ? FlashData[Key] : undefined) | undefined;
  /** `session[name] = value` at commit. */
  set<Key extends keyof Data & string>(name: Key, value: Data[Key]): void;
  /** Stores `__flash_<name>__`, until the next `get(name)`. */
  flash<Key extends keyof FlashData & string>(name: Key, value: FlashData[Key]): void;
  /** `del session[name]` at commit. */
  unset(name: keyof Data & string): void;
}

/** The cookie options commitSession accepts: an expiry, as Django's `set_expiry`. */
export interface CommitOptions {
  /** `set_expiry(maxAge)`: seconds of inactivity (0: when the browser closes). */
  maxAge?: number;
  /** `set_expiry(expires)`: an absolute expiry. */
  expires?: Date;
}

/** Options of {@link DjangoSessionStorage.commitHeaders} and {@link DjangoSessionStorage.destroyHeaders}. */
export interface HeadersOptions {
  /** The response's status: a 5xx is not saved, as in Django. Default 200. */
  status?: number;
  /** The response's own Vary header, to which `Cookie` is added. */
  vary?: string | null;
}

/** React Router's `SessionStorage` over Django's engines, with Django's full headers besides. */
export interface DjangoSessionStorage<Data = SessionData, FlashData = Data> {
  /** The {@link Sessions} behind the storage (for `clearExpired()`, or to share with other code). */
  readonly sessions: Sessions;
  /** The session named by a Cookie header (a new, empty one if none or if it does not verify). */
  getSession(cookieHeader?: string | null, options?: unknown): Promise<Session<Data, FlashData>>;
  /** Writes the session's changes as Django would and answers its Set-Cookie, or `""` when Django sends none. */
  commitSession(session: Session<Data, FlashData>, options?: CommitOptions): Promise<string>;
  /** Django's `flush()`; answers the Set-Cookie deleting the cookie (or `""` when the request had none). */
  destroySession(session: Session<Data, FlashData>, options?: CommitOptions): Promise<string>;
  /** commitSession's work, answered as Headers: Set-Cookie (when Django sends one) and Vary. */
  commitHeaders(session: Session<Data, FlashData>, options?: HeadersOptions & CommitOptions): Promise<Headers>;
  /** destroySession's work, answered as Headers: Set-Cookie (the deletion) and Vary. */
  destroyHeaders(session: Session<Data, FlashData>, options?: HeadersOptions): Promise<Headers>;
}

/**
 * The storage. `options` is a {@link Sessions}, its options, or a function
 * called once, at the first request (read secrets from the environment
 * there). Throws `InvalidSetting` for bad options: at once for an object, at
 * the first request for a function. Every response rule is that of
 * {@link withSession}; see the module's description for the mapping.
 */
export function createDjangoSessionStorage<Data = SessionData, FlashData = Data>(
  options: Sessions | SessionOptions | (() => SessionOptions),
): DjangoSessionStorage<Data, FlashData>;
