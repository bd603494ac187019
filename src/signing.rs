//! `django.core.signing`, byte for byte: URL-safe base64 without padding,
//! base62 timestamps, salted HMAC-SHA256, `Signer`, `TimestampSigner`,
//! `dumps` and `loads`.
//!
//! Keys are derived once per signer (`sha256(salt + "signer" + secret)`), not
//! once per signature: a signer is meant to be built once and reused.
//!
//! ```
//! use edge_sessions::signing::{dumps, loads, DEFAULT_SALT};
//! use edge_sessions::value::Value;
//! let token = dumps(&Value::from("hello"), "secret", DEFAULT_SALT, false, 1_700_000_000.0).unwrap();
//! assert!(token.starts_with("ImhlbGxvIg:1r31eq:"));
//! assert_eq!(loads(&token, "secret", &[], DEFAULT_SALT, None, 1_700_000_000.0).unwrap(), Value::from("hello"));
//! ```

use crate::error::{Error, PayloadError, Result};
use crate::json::{self, Value};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The salt `django.core.signing.dumps` and `loads` use by default.
pub const DEFAULT_SALT: &str = "django.core.signing";
/// `Signer`'s default salt (`"<module>.<ClassName>"`).
pub const SIGNER_SALT: &str = "django.core.signing.Signer";
/// `TimestampSigner`'s default salt.
pub const TIMESTAMP_SIGNER_SALT: &str = "django.core.signing.TimestampSigner";
/// Largest inflated payload [`TimestampSigner::unsign_object`] accepts by
/// default. Django has no limit; a validly signed zip bomb should not take
/// an edge isolate's memory, and a session larger than this is a bug.
pub const DEFAULT_MAX_INFLATED_SIZE: usize = 1 << 20;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Digests `salted_hmac` accepts. Signers always use SHA-256, as Django's
/// do; SHA-1 and SHA-512 come with the `digests` feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `hashlib.sha1`, Django's default for `salted_hmac` itself.
    #[cfg(feature = "digests")]
    Sha1,
    /// `hashlib.sha256`, what every `Signer` uses.
    Sha256,
    /// `hashlib.sha512`.
    #[cfg(feature = "digests")]
    Sha512,
}

/// `django.core.signing.b64_encode`: URL-safe base64 with the `=` stripped.
pub fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    b64_encode_into(&mut out, bytes);
    out
}

/// [`b64_encode`], appended to `out`: 48 bytes at a time through a stack
/// buffer of 64 characters.
fn b64_encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let sextet = |n: u32, shift: u32| {
        BASE64_URL
            .get((n >> shift & 63) as usize)
            .copied()
            .unwrap_or(b'A')
    };
    let mut buffer = [0u8; 64];
    for block in bytes.chunks(48) {
        let mut len = 0;
        let mut chunks = block.chunks_exact(3);
        for chunk in &mut chunks {
            if let (Some(slot), &[a, b, c]) = (buffer.get_mut(len..len + 4), chunk) {
                let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
                slot.copy_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)]);
                len += 4;
            }
        }
        let tail = match *chunks.remainder() {
            [a] => {
                let n = u32::from(a) << 16;
                [sextet(n, 18), sextet(n, 12), 0, 0]
            }
            [a, b] => {
                let n = u32::from(a) << 16 | u32::from(b) << 8;
                [sextet(n, 18), sextet(n, 12), sextet(n, 6), 0]
            }
            _ => [0; 4],
        };
        let tail_len = [0, 2, 3]
            .get(chunks.remainder().len())
            .copied()
            .unwrap_or(0);
        if let Some(slot) = buffer.get_mut(len..len + tail_len) {
            slot.copy_from_slice(tail.get(..tail_len).unwrap_or_default());
            len += tail_len;
        }
        // Only alphabet characters were written: always ASCII.
        out.push_str(
            std::str::from_utf8(buffer.get(..len).unwrap_or_default()).unwrap_or_default(),
        );
    }
}

/// `django.core.signing.b64_decode`, as lenient as Python's decoder:
/// characters outside the alphabet are skipped, both alphabets are accepted,
/// decoding stops at a complete pad, and padding is added from the *raw*
/// length. (No base64 crate reproduces these rules, hence our own.)
pub fn b64_decode(text: &[u8]) -> Result<Vec<u8>> {
    if let Some(bytes) = b64_decode_plain(text) {
        return Ok(bytes);
    }
    let pad = (4 - text.len() % 4) % 4;
    let padded = text.iter().copied().chain(std::iter::repeat_n(b'=', pad));
    // Divide first: `len * 3` could overflow a 32-bit usize on hostile input.
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let (mut quad_pos, mut left, mut pads) = (0u8, 0u32, 0u8);
    for c in padded {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = sextet(c) else { continue };
        pads = 0;
        match quad_pos {
            0 => {}
            1 => out.push((left << 2 | v >> 4) as u8),
            2 => out.push((left << 4 | v >> 2) as u8),
            _ => out.push((left << 6 | v) as u8),
        }
        left = v & [0x3f, 0x0f, 0x03, 0]
            .get(usize::from(quad_pos))
            .copied()
            .unwrap_or(0);
        quad_pos = (quad_pos + 1) % 4;
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(Error::BadPayload(PayloadError::Base64(
            "number of data characters cannot be 1 more than a multiple of 4",
        ))),
        _ => Err(Error::BadPayload(PayloadError::Base64("Incorrect padding"))),
    }
}

/// [`b64_decode`] of text that is only alphabet characters (what Django
/// and we write): four characters make three bytes, a tail of two or
/// three one or two. `None` for anything else (padding, other characters,
/// a tail of one), which the lenient general path decodes.
fn b64_decode_plain(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut chunks = text.chunks_exact(4);
    for chunk in &mut chunks {
        let mut n = 0;
        for &c in chunk {
            n = n << 6 | sextet(c)?;
        }
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    match *chunks.remainder() {
        [] => {}
        [a, b] => out.push((sextet(a)? << 2 | sextet(b)? >> 4) as u8),
        [a, b, c] => {
            let n = sextet(a)? << 12 | sextet(b)? << 6 | sextet(c)?;
            out.extend_from_slice(&[(n >> 10) as u8, (n >> 2) as u8]);
        }
        _ => return None,
    }
    Some(out)
}

fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' | b'+' => 62,
        b'_' | b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// `django.core.signing.b62_encode`.
pub fn b62_encode(n: i64) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    let mut rest = n.unsigned_abs();
    while rest > 0 {
        digits.push(BASE62.get((rest % 62) as usize).copied().unwrap_or(b'0'));
        rest /= 62;
    }
    if n < 0 {
        digits.push(b'-');
    }
    digits.iter().rev().map(|&b| char::from(b)).collect()
}

/// `django.core.signing.b62_decode`: accepts non-canonical input (`"0001"`,
/// `"-"`); an empty string or a character outside base62 is an error.
/// Values beyond i64 saturate: only their sign matters to an age check.
pub fn b62_decode(text: &str) -> Result<i64> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None if text.is_empty() => return Err(Error::BadPayload(PayloadError::EmptyTimestamp)),
        None => (1, text),
    };
    digits
        .bytes()
        .try_fold(0i64, |acc, c| {
            let d = BASE62
                .iter()
                .position(|&b| b == c)
                .ok_or(Error::BadPayload(PayloadError::BadTimestamp))?;
            Ok(acc.saturating_mul(62).saturating_add(d as i64))
        })
        .map(|n| sign * n)
}

/// An HMAC keyed with `key`. HMAC takes keys of any length, so the
/// fallible constructor never fails here.
macro_rules! hmac_with_key {
    ($digest:ty, $key:expr) => {
        <Hmac<$digest> as Mac>::new_from_slice($key).expect("HMAC accepts keys of any length")
    };
}

/// `django.utils.crypto.salted_hmac(key_salt, value, secret, algorithm)`:
/// HMAC keyed with `H(key_salt + secret)`. Returns the raw digest.
pub fn salted_hmac(algorithm: Algorithm, key_salt: &str, value: &[u8], secret: &str) -> Vec<u8> {
    macro_rules! run {
        ($digest:ty) => {{
            let key = <$digest>::new()
                .chain_update(key_salt)
                .chain_update(secret)
                .finalize();
            let mut mac = hmac_with_key!($digest, &key);
            mac.update(value);
            mac.finalize().into_bytes().to_vec()
        }};
    }
    match algorithm {
        #[cfg(feature = "digests")]
        Algorithm::Sha1 => run!(sha1::Sha1),
        Algorithm::Sha256 => run!(Sha256),
        #[cfg(feature = "digests")]
        Algorithm::Sha512 => run!(sha2::Sha512),
    }
}

/// `django.core.signing.base64_hmac`.
pub fn base64_hmac(algorithm: Algorithm, salt: &str, value: &str, key: &str) -> String {
    b64_encode(&salted_hmac(algorithm, salt, value.as_bytes(), key))
}

/// `django.core.signing.Signer` (always SHA-256, as Django's default).
#[derive(Clone)]
pub struct Signer {
    /// The HMAC key derived from the secret: it signs, and verifies first.
    current: Hmac<Sha256>,
    /// The keys derived from the fallback secrets, tried in order after it.
    fallbacks: Vec<Hmac<Sha256>>,
    sep: String,
    salt: String,
}

impl std::fmt::Debug for Signer {
    // Never print key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("salt", &self.salt)
            .field("sep", &self.sep)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with separator `:`. `fallback_keys` are tried in order after
    /// `secret` when verifying (Django's `SECRET_KEY_FALLBACKS`).
    pub fn new(secret: &str, fallback_keys: &[impl AsRef<str>], salt: &str) -> Self {
        let key_salt = format!("{salt}signer");
        let derive = |secret: &str| {
            let key = Sha256::new()
                .chain_update(&key_salt)
                .chain_update(secret)
                .finalize();
            hmac_with_key!(Sha256, &key)
        };
        Signer {
            current: derive(secret),
            fallbacks: fallback_keys.iter().map(|k| derive(k.as_ref())).collect(),
            sep: ":".into(),
            salt: salt.into(),
        }
    }

    /// Use another separator; Django refuses ones that could appear in a
    /// signature or base64 (`[A-z0-9-_=]*`, which includes ``[\]^_` ``).
    pub fn with_separator(mut self, sep: &str) -> Result<Self> {
        if sep
            .bytes()
            .all(|c| (b'A'..=b'z').contains(&c) || c.is_ascii_digit() || b"-_=".contains(&c))
        {
            return Err(Error::InvalidSetting {
                setting: "sep",
                reason: format!("Unsafe Signer separator: {sep:?} (cannot be empty or consist of only A-z0-9-_=)"),
            });
        }
        self.sep = sep.into();
        Ok(self)
    }

    /// The salt this signer was made with.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// `text.rsplit(sep, 1)`: with the usual one-character separator, a
    /// byte search rather than a substring searcher.
    fn split_last<'a>(&self, text: &'a str) -> Option<(&'a str, &'a str)> {
        match *self.sep.as_bytes() {
            [byte] => text.rsplit_once(char::from(byte)),
            _ => text.rsplit_once(self.sep.as_str()),
        }
    }

    /// The raw HMAC of `value` under an already derived key.
    fn mac(key: &Hmac<Sha256>, value: &str) -> impl AsRef<[u8]> {
        let mut mac = key.clone();
        mac.update(value.as_bytes());
        mac.finalize().into_bytes()
    }

    fn signature_with(key: &Hmac<Sha256>, value: &str) -> String {
        b64_encode(Self::mac(key, value).as_ref())
    }

    /// Appends `sep + signature(value)` to `value`, the signed text.
    fn append_signature(&self, mut value: String) -> String {
        let mac = Self::mac(&self.current, &value);
        value.push_str(&self.sep);
        b64_encode_into(&mut value, mac.as_ref());
        value
    }

    /// The base64 signature of `value` under the current key.
    pub fn signature(&self, value: &str) -> String {
        Self::signature_with(&self.current, value)
    }

    /// `value + sep + signature(value)`.
    pub fn sign(&self, value: &str) -> String {
        self.append_signature(String::from(value))
    }

    /// The value inside `signed` when its signature matches the current key
    /// or a fallback key. Compares in constant time, on the base64 text as
    /// Django does (so a re-encoded signature does not pass).
    pub fn unsign<'a>(&self, signed: &'a str) -> Result<&'a str> {
        let Some((value, sig)) = self.split_last(signed) else {
            return Err(Error::BadSignature(format!(
                "No \"{}\" found in value",
                self.sep
            )));
        };
        for key in std::iter::once(&self.current).chain(&self.fallbacks) {
            let expected = Self::signature_with(key, value);
            if bool::from(expected.as_bytes().ct_eq(sig.as_bytes())) {
                return Ok(value);
            }
        }
        Err(Error::BadSignature(format!(
            "Signature \"{sig}\" does not match"
        )))
    }
}

/// `django.core.signing.TimestampSigner`: signs `value:timestamp`.
#[derive(Debug, Clone)]
pub struct TimestampSigner {
    signer: Signer,
    max_inflated_size: usize,
}

impl TimestampSigner {
    /// See [`Signer::new`].
    pub fn new(secret: &str, fallback_keys: &[impl AsRef<str>], salt: &str) -> Self {
        TimestampSigner {
            signer: Signer::new(secret, fallback_keys, salt),
            max_inflated_size: DEFAULT_MAX_INFLATED_SIZE,
        }
    }

    /// Cap on the inflated size of a compressed payload (our addition).
    pub fn with_max_inflated_size(mut self, bytes: usize) -> Self {
        self.max_inflated_size = bytes;
        self
    }

    /// The salt this signer was made with.
    pub fn salt(&self) -> &str {
        self.signer.salt()
    }

    /// `value:b62(int(now)):signature`.
    pub fn sign(&self, value: &str, now: f64) -> String {
        // Python's int() truncates toward zero; `as` does too (and saturates).
        let ts = b62_encode(now as i64);
        // One buffer for the whole token: value, timestamp, signature (43).
        let mut signed =
            String::with_capacity(value.len() + 2 * self.signer.sep.len() + ts.len() + 43);
        signed.extend([value, &self.signer.sep, &ts]);
        self.signer.append_signature(signed)
    }

    /// The value inside `signed`, checking the signature and, when `max_age`
    /// is given, that `now - timestamp <= max_age` (a future timestamp passes).
    pub fn unsign<'a>(&self, signed: &'a str, max_age: Option<f64>, now: f64) -> Result<&'a str> {
        let result = self.signer.unsign(signed)?;
        let (value, ts) = self
            .signer
            .split_last(result)
            .ok_or(Error::BadPayload(PayloadError::MissingTimestamp))?;
        let ts = b62_decode(ts)?;
        if let Some(max_age) = max_age {
            let age = now - ts as f64;
            if age > max_age {
                return Err(Error::SignatureExpired(format!(
                    "Signature age {} > {} seconds",
                    python_number(age),
                    python_number(max_age)
                )));
            }
        }
        Ok(value)
    }

    /// `sign_object`: JSON, optionally zlib-compressed (only when that saves
    /// at least two bytes, marked by a leading `.`), base64, signed.
    pub fn sign_object(&self, obj: &Value, compress: bool, now: f64) -> Result<String> {
        Ok(self.sign_json(&json::dumps(obj)?, compress, now))
    }

    /// [`TimestampSigner::sign_object`] of a value already written as
    /// Django's JSON (a session dict need not become a [`Value`] first).
    ///
    /// A payload longer than the inflate cap is left uncompressed: the
    /// reader would refuse to inflate it, and reads plain base64 of any size.
    pub fn sign_json(&self, json: &str, compress: bool, now: f64) -> String {
        let compress = compress && json.len() <= self.max_inflated_size;
        self.sign(&encode_payload(json.as_bytes(), compress), now)
    }

    /// `unsign_object`: the inverse of [`TimestampSigner::sign_object`].
    pub fn unsign_object(&self, signed: &str, max_age: Option<f64>, now: f64) -> Result<Value> {
        let payload = self.unsign(signed, max_age, now)?;
        json::loads(&decode_payload(payload, self.max_inflated_size)?)
    }
}

/// base64 of `data`, zlib-compressed first when `compress` and it pays.
pub fn encode_payload(data: &[u8], compress: bool) -> String {
    if compress {
        // Django keeps the compressed form only when it saves 2 bytes or more.
        if let Some(compressed) =
            crate::deflate::zlib_compress_within(data, data.len().saturating_sub(2))
        {
            let mut out = String::with_capacity(1 + compressed.len().div_ceil(3) * 4);
            out.push('.');
            b64_encode_into(&mut out, &compressed);
            return out;
        }
    }
    b64_encode(data)
}

/// The bytes inside a base64 payload, inflated when it starts with `.`.
pub fn decode_payload(payload: &str, max_inflated_size: usize) -> Result<Vec<u8>> {
    match payload.strip_prefix('.') {
        Some(compressed) => {
            let deflated = b64_decode(compressed.as_bytes())?;
            crate::inflate::zlib_decompress(&deflated, max_inflated_size).map_err(|why| {
                // The cap is ours, not zlib's: say which it was.
                let why = if why == crate::inflate::TOO_BIG {
                    format!("inflated payload exceeds {max_inflated_size} bytes")
                } else {
                    why.into()
                };
                Error::BadPayload(PayloadError::Zlib(why))
            })
        }
        None => b64_decode(payload.as_bytes()),
    }
}

/// A JS number as Python would print the number it reads as (see
/// [`Value::from_js_number`]).
fn python_number(n: f64) -> String {
    match Value::from_js_number(n) {
        Value::Int(i) => i.to_string(),
        _ => crate::float::repr(n),
    }
}

/// `django.core.signing.dumps(obj, key, salt, compress=...)` at time `now`.
pub fn dumps(obj: &Value, secret: &str, salt: &str, compress: bool, now: f64) -> Result<String> {
    TimestampSigner::new(secret, &[] as &[&str], salt).sign_object(obj, compress, now)
}

/// `django.core.signing.loads(s, key, salt, max_age, fallback_keys)` at time `now`.
pub fn loads(
    token: &str,
    secret: &str,
    fallback_keys: &[&str],
    salt: &str,
    max_age: Option<f64>,
    now: f64,
) -> Result<Value> {
    TimestampSigner::new(secret, fallback_keys, salt).unsign_object(token, max_age, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inflate_past_the_cap_names_the_cap_and_other_damage_names_zlibs_reason() {
        let data = vec![b'a'; 5000];
        let payload = encode_payload(&data, true);
        assert!(payload.starts_with('.'));
        assert_eq!(decode_payload(&payload, 5000).unwrap(), data);
        for cap in [4999, 1000] {
            let why = decode_payload(&payload, cap).unwrap_err().to_string();
            assert!(
                why.ends_with(&format!("inflated payload exceeds {cap} bytes")),
                "{why}"
            );
        }
        // A stream cut short is zlib's error, not the cap's.
        let cut = &payload[..payload.len() - 4];
        let why = decode_payload(cut, 5000).unwrap_err().to_string();
        assert!(!why.contains("exceeds"), "{why}");
    }

    #[test]
    fn base64_round_trips_and_is_lenient_like_python() {
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            assert_eq!(b64_decode(b64_encode(&bytes).as_bytes()).unwrap(), bytes);
        }
        assert_eq!(b64_decode(b"e30").unwrap(), b"{}");
        assert_eq!(b64_decode(b"e30=").unwrap(), b"{}");
        assert_eq!(b64_decode(b"e3 0 ").unwrap(), b"{}");
        assert!(b64_decode(b"e3 0").is_err());
        assert!(b64_decode(b"e30!").is_err());
        assert!(b64_decode(b"abcde").is_err());
    }

    #[test]
    fn the_plain_base64_path_agrees_with_the_lenient_one() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let text = b64_encode(&bytes);
            assert_eq!(b64_decode_plain(text.as_bytes()).unwrap(), bytes);
            // The same text with its padding, decoded the lenient way.
            let mut padded = text.clone();
            padded.push_str(&"=".repeat((4 - text.len() % 4) % 4));
            assert_eq!(b64_decode(padded.as_bytes()).unwrap(), bytes);
        }
        assert_eq!(b64_decode_plain(b"abcde"), None);
        assert_eq!(b64_decode_plain(b"e30="), None);
    }

    #[test]
    fn base62_matches_django() {
        assert_eq!(b62_encode(1_700_000_000), "1r31eq");
        assert_eq!(b62_encode(-62), "-10");
        assert_eq!(b62_decode("1r31eq").unwrap(), 1_700_000_000);
        assert_eq!(b62_decode("0001").unwrap(), 1);
        assert_eq!(b62_decode("-").unwrap(), 0);
        assert!(b62_decode("").is_err());
        assert!(b62_decode("a!").is_err());
        assert_eq!(b62_decode(&"z".repeat(40)).unwrap(), i64::MAX);
    }

    #[test]
    fn worked_example_from_django() {
        let secret = "oracle-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-!@#$%^&*()";
        let token = dumps(
            &Value::from("hello"),
            secret,
            DEFAULT_SALT,
            false,
            1_700_000_000.0,
        )
        .unwrap();
        assert_eq!(
            token,
            "ImhlbGxvIg:1r31eq:9r1FJwjGweRJ3dWPk2Az1umq8yq3sWdeyLt7WjjZWA8"
        );
    }

    #[test]
    fn max_age_boundaries() {
        let s = TimestampSigner::new("k", &[] as &[&str], "s");
        let token = s.sign("v", 100.0);
        assert!(s.unsign(&token, Some(10.0), 110.0).is_ok());
        assert!(matches!(
            s.unsign(&token, Some(10.0), 110.5),
            Err(Error::SignatureExpired(_))
        ));
        assert!(s.unsign(&token, Some(0.0), 50.0).is_ok());
    }

    #[test]
    fn zip_bomb_is_capped_and_never_written() {
        let s = TimestampSigner::new("k", &[] as &[&str], "s").with_max_inflated_size(1000);
        let bomb = TimestampSigner::new("k", &[] as &[&str], "s")
            .sign_object(&Value::from("x".repeat(5000)), true, 0.0)
            .unwrap();
        assert!(bomb.starts_with('.'));
        assert!(matches!(
            s.unsign_object(&bomb, None, 0.0),
            Err(Error::BadPayload(PayloadError::Zlib(_)))
        ));
        // What the capped signer writes, it reads back: too big to inflate
        // is written plain.
        let big = Value::from("x".repeat(5000));
        let token = s.sign_object(&big, true, 0.0).unwrap();
        assert!(!token.starts_with('.'));
        assert_eq!(s.unsign_object(&token, None, 0.0).unwrap(), big);
    }

    #[test]
    fn unsafe_separators_are_refused() {
        for sep in ["", "a", "=", "_", "^", "Z9"] {
            assert!(
                Signer::new("k", &[] as &[&str], "s")
                    .with_separator(sep)
                    .is_err(),
                "{sep}"
            );
        }
        assert!(Signer::new("k", &[] as &[&str], "s")
            .with_separator("/")
            .is_ok());
    }
}
