/**
 * The errors edge-sessions throws: one class per stable `name`, also given
 * as `code`. Every entry (`edge-sessions`, `edge-sessions/signed`, ...)
 * re-exports them.
 *
 * @packageDocumentation
 */

/** Base class of every error edge-sessions throws; `name` and `code` are stable. */
export class EdgeSessionsError extends Error {
  /** The error's stable name, also in `name`. */
  readonly code: string;
}
/** The signature does not match under the key or any fallback key. */
export class BadSignature extends EdgeSessionsError {}
/** The signature matched but is older than `maxAge` (a `BadSignature`, as in Django). */
export class SignatureExpired extends BadSignature {}
/** The signature matched but the payload cannot be decoded. */
export class BadPayload extends EdgeSessionsError {}
/** A value JSON cannot hold (a function, a BigInt, a cycle). */
export class Unserializable extends EdgeSessionsError {}
/** An option is unknown, of the wrong type, or would break a header; thrown at construction. */
export class InvalidSetting extends EdgeSessionsError {}
/** The session was deleted by another request while this one ran (answered with 400). */
export class SessionInterrupted extends EdgeSessionsError {}
/** A storage adapter threw, rejected or answered nonsense; `cause` is its own error. */
export class StorageError extends EdgeSessionsError {}
/** A Set-Cookie header over the 4096 bytes browsers keep. */
export class CookieTooLarge extends EdgeSessionsError {}
/** A key that is not in the session (Python's KeyError), e.g. from `deleteTestCookie()`. */
export class KeyError extends EdgeSessionsError {}
/** An expiry value that cannot be used. */
export class InvalidExpiry extends EdgeSessionsError {}
/** A session key with characters a file name must not hold (file engine). */
export class InvalidSessionKey extends EdgeSessionsError {}
/** A new session's key already exists (Django's CreateError). */
export class CreateError extends EdgeSessionsError {}
/** A saved session no longer exists (Django's UpdateError). */
export class UpdateError extends EdgeSessionsError {}
/** No unused session key could be found: the store is probably failing. */
export class KeySpaceExhausted extends EdgeSessionsError {}
/** A session call was made while an earlier one was still waiting on storage; await each call. */
export class SessionBusy extends EdgeSessionsError {}
/** `edge-sessions/manual` used before `initEdgeSessions()` resolved. */
export class NotInitialized extends EdgeSessionsError {}
/**
 * A session used after its request ended: `withSession` and `handle` free it
 * with the response. Its key, flags and `peek()` stay readable.
 */
export class SessionClosed extends EdgeSessionsError {}

/** The names of every class above (what the core's errors may be named). */
export const ERROR_NAMES: readonly string[];
/** A core error (a plain Error named by the core) as the class of its name. */
export function toError(error: unknown): unknown;
