//! `django.core.signing` for JS: `dumps`/`loads`, `Signer`,
//! `TimestampSigner` and the encoding primitives. Every export answers
//! with one value: the result, or the Error (see [`super::answer`]).

use super::{answer, boundary, js_error};
use crate::error::{Error, Result};
#[cfg(not(feature = "digests"))]
use crate::signing::Algorithm;
use crate::signing::{self, Signer, TimestampSigner};
use wasm_bindgen::prelude::*;

/// Django would sign with an empty key; anyone could then forge a token.
fn check_keys(secret: &str, fallbacks: &[String]) -> Result<()> {
    let empty = |setting| Error::InvalidSetting {
        setting,
        reason: "must not be empty".into(),
    };
    if secret.is_empty() {
        return Err(empty("SECRET_KEY"));
    }
    if fallbacks.iter().any(String::is_empty) {
        return Err(empty("SECRET_KEY_FALLBACKS"));
    }
    Ok(())
}

/// A value given as a JS scalar, or (`json` given) as boundary JSON text.
fn value_in(scalar: &JsValue, json: Option<String>) -> Result<crate::value::Value> {
    match json {
        Some(text) => boundary::from_text(&text),
        None => boundary::scalar_from_js(scalar)
            .ok_or_else(|| Error::Unserializable("the value cannot be written as JSON".into())),
    }
}

/// `signing.dumps(value)`.
#[wasm_bindgen(js_name = signingDumps)]
pub fn dumps(
    scalar: JsValue,
    json: Option<String>,
    secret: &str,
    salt: &str,
    compress: bool,
    now: f64,
) -> JsValue {
    answer(check_keys(secret, &[]).and_then(|()| {
        let token = signing::dumps(&value_in(&scalar, json)?, secret, salt, compress, now)?;
        Ok(JsValue::from_str(&token))
    }))
}

/// `signing.loads(token)`: the value as JS has it.
#[wasm_bindgen(js_name = signingLoads)]
pub fn loads(
    token: &str,
    secret: &str,
    fallbacks: Vec<String>,
    salt: &str,
    max_age: Option<f64>,
    now: f64,
) -> JsValue {
    answer(check_keys(secret, &fallbacks).and_then(|()| {
        let fallbacks: Vec<&str> = fallbacks.iter().map(String::as_str).collect();
        boundary::to_js(&signing::loads(
            token, secret, &fallbacks, salt, max_age, now,
        )?)
    }))
}

/// `django.core.signing.Signer` (SHA-256).
#[wasm_bindgen]
pub struct SignerCore(Signer);

#[wasm_bindgen]
impl SignerCore {
    /// The signer, or the Error.
    pub fn create(key: &str, fallbacks: Vec<String>, salt: &str, sep: &str) -> JsValue {
        match check_keys(key, &fallbacks)
            .and_then(|()| Signer::new(key, &fallbacks, salt).with_separator(sep))
        {
            Ok(signer) => SignerCore(signer).into(),
            Err(e) => js_error(&e, None),
        }
    }

    pub fn sign(&self, value: &str) -> String {
        self.0.sign(value)
    }

    pub fn unsign(&self, signed: &str) -> JsValue {
        answer(self.0.unsign(signed).map(JsValue::from_str))
    }
}

/// `django.core.signing.TimestampSigner` (SHA-256, `:`).
#[wasm_bindgen]
pub struct TimestampSignerCore(TimestampSigner);

#[wasm_bindgen]
impl TimestampSignerCore {
    /// The signer, or the Error.
    pub fn create(key: &str, fallbacks: Vec<String>, salt: &str) -> JsValue {
        match check_keys(key, &fallbacks) {
            Ok(()) => TimestampSignerCore(TimestampSigner::new(key, &fallbacks, salt)).into(),
            Err(e) => js_error(&e, None),
        }
    }

    pub fn sign(&self, value: &str, now: f64) -> String {
        self.0.sign(value, now)
    }

    pub fn unsign(&self, signed: &str, max_age: Option<f64>, now: f64) -> JsValue {
        answer(self.0.unsign(signed, max_age, now).map(JsValue::from_str))
    }

    #[wasm_bindgen(js_name = signObject)]
    pub fn sign_object(
        &self,
        scalar: JsValue,
        json: Option<String>,
        compress: bool,
        now: f64,
    ) -> JsValue {
        answer(
            value_in(&scalar, json)
                .and_then(|v| self.0.sign_object(&v, compress, now))
                .map(|token| JsValue::from_str(&token)),
        )
    }

    #[wasm_bindgen(js_name = unsignObject)]
    pub fn unsign_object(&self, signed: &str, max_age: Option<f64>, now: f64) -> JsValue {
        answer(
            self.0
                .unsign_object(signed, max_age, now)
                .and_then(|v| boundary::to_js(&v)),
        )
    }
}

#[wasm_bindgen(js_name = b62Encode)]
pub fn b62_encode(n: i64) -> String {
    signing::b62_encode(n)
}

#[wasm_bindgen(js_name = b62Decode)]
pub fn b62_decode(text: &str) -> JsValue {
    // i64 crosses as a BigInt.
    answer(signing::b62_decode(text).map(JsValue::from))
}

#[wasm_bindgen(js_name = b64Encode)]
pub fn b64_encode(bytes: &[u8]) -> String {
    signing::b64_encode(bytes)
}

#[wasm_bindgen(js_name = b64Decode)]
pub fn b64_decode(text: &[u8]) -> JsValue {
    answer(signing::b64_decode(text).map(|bytes| js_sys::Uint8Array::from(bytes.as_slice()).into()))
}

/// The digest named `name`: SHA-256 here; SHA-1 and SHA-512 live in the
/// digests module, named in the error so the fix is one import away. (A
/// build with the `digests` feature exports that module's versions.)
#[cfg(not(feature = "digests"))]
fn sha256_only(name: &str) -> Result<Algorithm> {
    match name {
        "sha256" => Ok(Algorithm::Sha256),
        "sha1" | "sha512" => Err(Error::InvalidSetting {
            setting: "algorithm",
            reason: format!(
                "{name} is in the digests module: import {{ saltedHmac, base64Hmac }} from \"edge-sessions/digests\""
            ),
        }),
        _ => Err(Error::InvalidSetting {
            setting: "algorithm",
            reason: format!("{name:?} is not one of sha1, sha256, sha512"),
        }),
    }
}

#[cfg(not(feature = "digests"))]
#[wasm_bindgen(js_name = saltedHmac)]
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &str, algorithm: &str) -> JsValue {
    answer(sha256_only(algorithm).map(|a| {
        js_sys::Uint8Array::from(signing::salted_hmac(a, key_salt, value, secret).as_slice()).into()
    }))
}

#[cfg(not(feature = "digests"))]
#[wasm_bindgen(js_name = base64Hmac)]
pub fn base64_hmac(salt: &str, value: &str, key: &str, algorithm: &str) -> JsValue {
    answer(
        sha256_only(algorithm)
            .map(|a| JsValue::from_str(&signing::base64_hmac(a, salt, value, key))),
    )
}
