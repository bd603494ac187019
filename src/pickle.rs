//! Python's pickle, data only: the format Django's cache backends store a
//! session dict in. Reading refuses every opcode that names a global or
//! builds an object, so nothing is ever imported or executed; writing
//! gives `pickle.dumps(value, HIGHEST_PROTOCOL)`.

// Reads data from outside: no indexing, slicing, unwrap or panic here
// (tests excepted; a panic in wasm poisons the instance).
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use crate::error::{Error, PayloadError, Result};
use crate::value::{Dict, Int, Value};

/// `pickle.loads(data)` for the values a session holds.
pub fn loads(data: &[u8]) -> Result<Value> {
    let _ = data;
    Err(Error::BadPayload(PayloadError::Json(
        "pickle reading is not built yet".into(),
    )))
}

/// `pickle.dumps(value, 5)`.
pub fn dumps(value: &Value) -> Result<Vec<u8>> {
    let _ = value;
    Err(Error::Unserializable(
        "pickle writing is not built yet".into(),
    ))
}

/// `pickle.dumps(dict, 5)`: what Django's cache stores for a session.
pub fn dumps_dict(dict: &Dict) -> Result<Vec<u8>> {
    let _ = dict;
    Err(Error::Unserializable(
        "pickle writing is not built yet".into(),
    ))
}

/// Django's `RedisSerializer.loads` tries `int(data)` first: the int in a
/// cache entry of bare digits (Python's `int()` of bytes: ASCII whitespace
/// around, a sign, digits with single underscores between them).
pub fn int_entry(entry: &[u8]) -> Option<Int> {
    let text = std::str::from_utf8(entry).ok()?;
    let text = text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => ("-", text.get(1..)?),
        Some(b'+') => ("", text.get(1..)?),
        _ => ("", text),
    };
    if digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    Int::parse(&format!("{sign}{digits}"))
}
