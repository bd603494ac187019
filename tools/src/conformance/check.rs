//! Verdicts and the comparisons every category shares: plain equality,
//! Python's exception classes, outcomes, and signed tokens (byte equality,
//! or equivalence for compressed ones).

use crate::values::{expect_same, expect_value, show, Json};
use edge_sessions::signing::{self, TimestampSigner};
use edge_sessions::value::Value;
use edge_sessions::{Error, PayloadError};

/// One vector's verdict.
pub enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
}

/// A comparison: `Err` says what differed.
pub type Check = Result<(), String>;

pub fn verdict(check: Check) -> Verdict {
    match check {
        Ok(()) => Verdict::Pass,
        Err(why) => Verdict::Fail(why),
    }
}

pub fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// Any error as a message (for `?` into a [`Check`]).
pub fn say<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The Python exception class our error stands for.
pub fn python_exception(e: &Error) -> &'static str {
    match e {
        Error::BadSignature(_) => "BadSignature",
        Error::SignatureExpired(_) => "SignatureExpired",
        Error::BadPayload(p) => match p {
            PayloadError::MissingTimestamp | PayloadError::BadTimestamp => "ValueError",
            PayloadError::EmptyTimestamp => "IndexError",
            PayloadError::Base64(_) => "Error",
            PayloadError::Zlib(_) => "error",
            PayloadError::Json(_) => "JSONDecodeError",
            PayloadError::Pickle(_) => "UnpicklingError",
        },
        Error::KeyNotFound(_) => "KeyError",
        Error::InvalidExpiry(m) if m.contains("offset-naive") => "TypeError",
        Error::InvalidExpiry(_) => "ValueError",
        Error::UpdateError => "UpdateError",
        Error::CreateError => "CreateError",
        Error::SessionInterrupted => "SessionInterrupted",
        Error::InvalidSessionKey => "InvalidSessionKey",
        _ => "Exception",
    }
}

/// Compares a result with `{"outcome": "ok", "value": ...}` /
/// `{"outcome": "error", "exception": ..., "message": ...}`. Messages are
/// compared for BadSignature (they name the signature); for the rest the
/// exception class is the contract.
pub fn expect_outcome(got: Result<Value, Error>, want: &Json) -> Check {
    let want_exception = want["exception"].as_str();
    match (got, want["outcome"].as_str()) {
        (Ok(v), Some("ok")) => expect_value("value", &v, &want["value"]),
        (Err(e), Some("error")) => {
            expect_eq("exception", Some(python_exception(&e)), want_exception)?;
            match &e {
                Error::BadSignature(m) => {
                    expect_eq("message", Some(m.as_str()), want["message"].as_str())
                }
                _ => Ok(()),
            }
        }
        (Ok(v), _) => Err(format!("got {}, want {want}", show(&v))),
        (Err(e), _) => Err(format!("got error {e:?}, want {want}")),
    }
}

/// Byte equality for uncompressed tokens. A compressed token (ours or
/// Django's) is checked for equivalence: ours verifies under the same key
/// and salt, inflates to exactly Django's JSON, was compressed iff our
/// deflate saves 2 bytes, and Django's token loads to the same value.
pub fn expect_token(
    ours: &str,
    django: &str,
    json_text: &str,
    signer: &TimestampSigner,
    now: f64,
) -> Check {
    if ours == django {
        return Ok(());
    }
    if !ours.starts_with('.') && !django.starts_with('.') {
        return Err(format!("token: got {ours}, want {django}"));
    }
    let payload = signer
        .unsign(ours, None, now)
        .map_err(|e| format!("our token does not verify: {e}"))?;
    let inflated =
        signing::decode_payload(payload, usize::MAX).map_err(|e| format!("our payload: {e}"))?;
    expect_eq(
        "our inflated JSON",
        String::from_utf8_lossy(&inflated).as_ref(),
        json_text,
    )?;
    let deflated_len = edge_sessions::deflate::zlib_compress(json_text.as_bytes()).len();
    expect_eq(
        "compression decision",
        ours.starts_with('.'),
        deflated_len + 1 < json_text.len(),
    )?;
    let theirs = signer
        .unsign_object(django, None, now)
        .map_err(|e| format!("Django's token does not load: {e}"))?;
    let ours_value = signer.unsign_object(ours, None, now).map_err(say)?;
    expect_same("Django's token loads to", &theirs, &ours_value)
}

/// Two signed values that load to the same value under `signer`, at least
/// one of them compressed (a signed_cookies cookie from another deflate).
pub fn compressed_equivalent(ours: &str, django: &str, signer: &TimestampSigner, now: f64) -> bool {
    if !ours.starts_with('.') && !django.starts_with('.') {
        return false;
    }
    match (
        signer.unsign_object(ours, None, now),
        signer.unsign_object(django, None, now),
    ) {
        (Ok(a), Ok(b)) => crate::values::same(&a, &b),
        _ => false,
    }
}
