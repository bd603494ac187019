//! The one error type of the crate.
//!
//! Every failure a caller can see is a variant here, so the wasm layer can
//! turn each into a JS `Error` with a stable `name` (see [`Error::name`]).

use std::fmt;

/// Why a validly signed payload could still not be read.
///
/// Django raises a plain Python exception for each of these *after* the
/// signature matched (ValueError, IndexError, binascii.Error, zlib.error,
/// JSONDecodeError); they are kept apart so callers can tell them from a bad
/// signature, as Django's `SessionBase.decode` does when it decides to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The signed value has no timestamp separator (Python: ValueError).
    MissingTimestamp,
    /// The timestamp is empty (Python: IndexError).
    EmptyTimestamp,
    /// The timestamp has a character outside base62 (Python: ValueError).
    BadTimestamp,
    /// The payload is not valid base64 (Python: binascii.Error).
    Base64(&'static str),
    /// The compressed payload does not inflate (Python: zlib.error), or
    /// inflates past the configured cap.
    Zlib(String),
    /// The payload is not JSON we can read (Python: json.JSONDecodeError).
    Json(String),
    /// A cache entry is not a pickle we read: malformed (Python:
    /// pickle.UnpicklingError and kin) or refused, as every opcode that
    /// would import or build an object is.
    Pickle(String),
}

/// Everything that can go wrong in edge-sessions.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The signature does not match under the key or any fallback key.
    BadSignature(String),
    /// The signature matched but is older than `max_age`.
    SignatureExpired(String),
    /// The signature matched but the payload cannot be decoded.
    BadPayload(PayloadError),
    /// A value cannot be written as Django's JSON (NaN, infinity).
    Unserializable(String),
    /// A setting would break a header or is out of range.
    InvalidSetting {
        /// Django's name of the setting, e.g. `SESSION_COOKIE_PATH`.
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The session vanished from the store while the request ran
    /// (Django's `SessionInterrupted`, answered with HTTP 400).
    SessionInterrupted,
    /// A new session could not be stored because its key exists
    /// (Django's `CreateError`; engines retry with a fresh key).
    CreateError,
    /// An existing session could not be updated because it is gone
    /// (Django's `UpdateError`; the middleware turns it into `SessionInterrupted`).
    UpdateError,
    /// The storage adapter failed; the message is the adapter's.
    Storage(String),
    /// A session key with characters a file name must not hold.
    InvalidSessionKey,
    /// A dict key that is not in the session (Python's KeyError).
    KeyNotFound(String),
    /// An expiry value that cannot be used (Python's TypeError / ValueError).
    InvalidExpiry(String),
    /// A Set-Cookie header over the browser limit of 4096 bytes.
    CookieTooLarge(usize),
    /// No session key could be found that the store did not already hold.
    KeySpaceExhausted,
    /// An exception Django raises at the same point of the auth or CSRF
    /// protocol (`crate::django`), with its class name and message:
    /// `ValidationError` for a session user id that is not an integer,
    /// `MultiPartParserError` for a broken form body, ...
    Django {
        /// Django's (or Python's) exception class, e.g. `ValidationError`.
        exception: &'static str,
        /// The exception's message, as Django words it.
        message: String,
    },
}

impl Error {
    /// Every name [`Error::name`] gives but [`Error::Django`]'s (named
    /// after Django's class), for the check that the JS layer has a class
    /// for each (`tests/seams.rs`).
    pub const NAMES: &'static [&'static str] = &[
        "BadSignature",
        "SignatureExpired",
        "BadPayload",
        "Unserializable",
        "InvalidSetting",
        "SessionInterrupted",
        "CreateError",
        "UpdateError",
        "StorageError",
        "InvalidSessionKey",
        "KeyError",
        "InvalidExpiry",
        "CookieTooLarge",
        "KeySpaceExhausted",
    ];

    /// The stable name the JS layer gives this error.
    pub fn name(&self) -> &'static str {
        match self {
            Error::BadSignature(_) => "BadSignature",
            Error::SignatureExpired(_) => "SignatureExpired",
            Error::BadPayload(_) => "BadPayload",
            Error::Unserializable(_) => "Unserializable",
            Error::InvalidSetting { .. } => "InvalidSetting",
            Error::SessionInterrupted => "SessionInterrupted",
            Error::CreateError => "CreateError",
            Error::UpdateError => "UpdateError",
            Error::Storage(_) => "StorageError",
            Error::InvalidSessionKey => "InvalidSessionKey",
            Error::KeyNotFound(_) => "KeyError",
            Error::InvalidExpiry(_) => "InvalidExpiry",
            Error::CookieTooLarge(_) => "CookieTooLarge",
            Error::KeySpaceExhausted => "KeySpaceExhausted",
            Error::Django { exception, .. } => exception,
        }
    }

    /// True for the errors Django treats as a bad signature (it logs those
    /// to `django.security.SuspiciousSession`; it swallows the others).
    pub fn is_bad_signature(&self) -> bool {
        matches!(self, Error::BadSignature(_) | Error::SignatureExpired(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadSignature(m) | Error::SignatureExpired(m) => f.write_str(m),
            Error::BadPayload(p) => match p {
                PayloadError::MissingTimestamp => f.write_str("signed value has no timestamp"),
                PayloadError::EmptyTimestamp => f.write_str("signed value has an empty timestamp"),
                PayloadError::BadTimestamp => f.write_str("timestamp is not base62"),
                PayloadError::Base64(m) => write!(f, "invalid base64: {m}"),
                PayloadError::Zlib(m) => write!(f, "invalid compressed payload: {m}"),
                PayloadError::Json(m) => write!(f, "invalid JSON payload: {m}"),
                PayloadError::Pickle(m) => write!(f, "invalid pickle payload: {m}"),
            },
            Error::Unserializable(m) => write!(f, "cannot serialize: {m}"),
            Error::InvalidSetting { setting, reason } => write!(f, "{setting}: {reason}"),
            Error::SessionInterrupted => f.write_str(
                "The request's session was deleted before the request completed. \
                 The user may have logged out in a concurrent request, for example.",
            ),
            Error::CreateError => f.write_str("session key already exists"),
            Error::UpdateError => f.write_str("session no longer exists"),
            Error::Storage(m) => write!(f, "storage failed: {m}"),
            Error::InvalidSessionKey => f.write_str("Invalid characters in session key"),
            Error::KeyNotFound(k) => write!(f, "key not in session: {k:?}"),
            Error::InvalidExpiry(m) => write!(f, "invalid expiry: {m}"),
            Error::CookieTooLarge(n) => {
                write!(
                    f,
                    "Set-Cookie header is {n} bytes, over the 4096 browsers keep"
                )
            }
            Error::KeySpaceExhausted => f.write_str(
                "Unable to create a new session key. It is likely that the cache is unavailable.",
            ),
            Error::Django { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_listed_name() {
        // A new variant breaks this match, and then needs a name in NAMES.
        let one_of_each = [
            Error::BadSignature(String::new()),
            Error::SignatureExpired(String::new()),
            Error::BadPayload(PayloadError::MissingTimestamp),
            Error::Unserializable(String::new()),
            Error::InvalidSetting {
                setting: "",
                reason: String::new(),
            },
            Error::SessionInterrupted,
            Error::CreateError,
            Error::UpdateError,
            Error::Storage(String::new()),
            Error::InvalidSessionKey,
            Error::KeyNotFound(String::new()),
            Error::InvalidExpiry(String::new()),
            Error::CookieTooLarge(0),
            Error::KeySpaceExhausted,
        ];
        for e in &one_of_each {
            match e {
                Error::BadSignature(_)
                | Error::SignatureExpired(_)
                | Error::BadPayload(_)
                | Error::Unserializable(_)
                | Error::InvalidSetting { .. }
                | Error::SessionInterrupted
                | Error::CreateError
                | Error::UpdateError
                | Error::Storage(_)
                | Error::InvalidSessionKey
                | Error::KeyNotFound(_)
                | Error::InvalidExpiry(_)
                | Error::CookieTooLarge(_)
                | Error::KeySpaceExhausted => assert!(Error::NAMES.contains(&e.name())),
                // Named after Django's own class; `edge-sessions/django`
                // throws these as DjangoException.
                Error::Django { .. } => assert!(!Error::NAMES.contains(&e.name())),
            }
        }
        assert_eq!(one_of_each.len(), Error::NAMES.len());
    }
}
