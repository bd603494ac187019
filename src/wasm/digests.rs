//! The digests side module: `salted_hmac` and `base64_hmac` with SHA-1
//! (Django's default for `salted_hmac`), SHA-256 and SHA-512. The session
//! modules carry SHA-256 only.

use super::answer;
use crate::error::{Error, Result};
use crate::signing::{self, Algorithm};
use wasm_bindgen::prelude::*;

fn algorithm(name: &str) -> Result<Algorithm> {
    match name {
        "sha1" => Ok(Algorithm::Sha1),
        "sha256" => Ok(Algorithm::Sha256),
        "sha512" => Ok(Algorithm::Sha512),
        _ => Err(Error::InvalidSetting {
            setting: "algorithm",
            reason: format!("{name:?} is not one of sha1, sha256, sha512"),
        }),
    }
}

/// `django.utils.crypto.salted_hmac(...).digest()`.
#[wasm_bindgen(js_name = saltedHmac)]
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &str, algorithm_name: &str) -> JsValue {
    answer(algorithm(algorithm_name).map(|a| {
        js_sys::Uint8Array::from(signing::salted_hmac(a, key_salt, value, secret).as_slice()).into()
    }))
}

/// `django.core.signing.base64_hmac`.
#[wasm_bindgen(js_name = base64Hmac)]
pub fn base64_hmac(salt: &str, value: &str, key: &str, algorithm_name: &str) -> JsValue {
    answer(
        algorithm(algorithm_name)
            .map(|a| JsValue::from_str(&signing::base64_hmac(a, salt, value, key))),
    )
}
