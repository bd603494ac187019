// The errors edge-sessions throws: one class per stable `name`, each also
// carrying it as `code`. SignatureExpired is a BadSignature, as in Django.

/** Base class of every error edge-sessions throws. */
export class EdgeSessionsError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.errorName;
    this.code = this.name;
  }
  static errorName = "EdgeSessionsError";
}

const define = (name, Base = EdgeSessionsError) =>
  ({ [name]: class extends Base { static errorName = name; } })[name];

export const BadSignature = define("BadSignature");
export const SignatureExpired = define("SignatureExpired", BadSignature);
export const BadPayload = define("BadPayload");
export const Unserializable = define("Unserializable");
export const InvalidSetting = define("InvalidSetting");
export const SessionInterrupted = define("SessionInterrupted");
export const StorageError = define("StorageError");
export const CookieTooLarge = define("CookieTooLarge");
export const KeyError = define("KeyError");
export const InvalidExpiry = define("InvalidExpiry");
export const InvalidSessionKey = define("InvalidSessionKey");
export const CreateError = define("CreateError");
export const UpdateError = define("UpdateError");
export const KeySpaceExhausted = define("KeySpaceExhausted");
export const SessionBusy = define("SessionBusy");
export const SessionClosed = define("SessionClosed");

const byName = Object.fromEntries(
  [BadSignature, SignatureExpired, BadPayload, Unserializable, InvalidSetting,
    SessionInterrupted, StorageError, CookieTooLarge, KeyError, InvalidExpiry,
    InvalidSessionKey, CreateError, UpdateError, KeySpaceExhausted, SessionBusy, SessionClosed]
    .map((cls) => [cls.errorName, cls]),
);

/** The core's plain Error (named by Rust) as the exported class. */
export function toError(error) {
  const cls = error instanceof Error && !(error instanceof EdgeSessionsError) && byName[error.name];
  if (!cls) return error;
  return new cls(error.message, "cause" in error ? { cause: error.cause } : undefined);
}
