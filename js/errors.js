// The errors edge-sessions throws: one class per stable `name`, each also
// carrying it as `code`. SignatureExpired is a BadSignature, as in Django.
// The core names its errors (Rust's `Error::name`); `toError` turns the
// core's plain Error into the class of that name.

/** Base class of every error edge-sessions throws. */
export class EdgeSessionsError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.errorName;
    this.code = this.name;
  }
  static errorName = "EdgeSessionsError";
}

/** Every class by its name: `define` registers each one, once. */
const byName = Object.create(null);

function define(name, Base = EdgeSessionsError) {
  const cls = {
    [name]: class extends Base {
      static errorName = name;
    },
  }[name];
  byName[name] = cls;
  return cls;
}

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
export const NotInitialized = define("NotInitialized");

/** The names of every class above, for the check against the core's names. */
export const ERROR_NAMES = Object.freeze(Object.keys(byName));

/** The core's plain Error (named by Rust) as the exported class. */
export function toError(error) {
  const cls = error instanceof Error && !(error instanceof EdgeSessionsError) && byName[error.name];
  if (!cls) return error;
  return new cls(error.message, "cause" in error ? { cause: error.cause } : undefined);
}
