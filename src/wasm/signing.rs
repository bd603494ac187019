//! `django.core.signing` for JS: `dumps`/`loads`, `Signer`,
//! `TimestampSigner` and the encoding primitives.

use super::{json_in, json_out, to_js};
use crate::error::{Error, Result};
use crate::signing::{self, Algorithm, Signer, TimestampSigner};
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

/// `signing.dumps(value)`: `value_json` is `JSON.stringify(value)`.
#[wasm_bindgen(js_name = signingDumps)]
pub fn dumps(
    value_json: &str,
    secret: &str,
    salt: &str,
    compress: bool,
    now: f64,
) -> Result<String, JsValue> {
    to_js(
        check_keys(secret, &[])
            .and_then(|()| signing::dumps(&json_in(value_json)?, secret, salt, compress, now)),
    )
}

/// `signing.loads(token)`: the value as JSON text.
#[wasm_bindgen(js_name = signingLoads)]
pub fn loads(
    token: &str,
    secret: &str,
    fallbacks: Vec<String>,
    salt: &str,
    max_age: Option<f64>,
    now: f64,
) -> Result<JsValue, JsValue> {
    to_js(check_keys(secret, &fallbacks).and_then(|()| {
        let fallbacks: Vec<&str> = fallbacks.iter().map(String::as_str).collect();
        json_out(&signing::loads(
            token, secret, &fallbacks, salt, max_age, now,
        )?)
    }))
}

/// `django.core.signing.Signer` (SHA-256).
#[wasm_bindgen]
pub struct SignerCore(Signer);

#[wasm_bindgen]
impl SignerCore {
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: &str,
        fallbacks: Vec<String>,
        salt: &str,
        sep: &str,
    ) -> Result<SignerCore, JsValue> {
        check_keys(key, &fallbacks)
            .and_then(|()| Signer::new(key, &fallbacks, salt).with_separator(sep))
            .map(SignerCore)
            .map_err(|e| super::js_error(&e, None))
    }

    pub fn sign(&self, value: &str) -> String {
        self.0.sign(value)
    }

    pub fn unsign(&self, signed: &str) -> Result<String, JsValue> {
        to_js(self.0.unsign(signed).map(str::to_owned))
    }
}

/// `django.core.signing.TimestampSigner` (SHA-256, `:`).
#[wasm_bindgen]
pub struct TimestampSignerCore(TimestampSigner);

#[wasm_bindgen]
impl TimestampSignerCore {
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: &str,
        fallbacks: Vec<String>,
        salt: &str,
    ) -> Result<TimestampSignerCore, JsValue> {
        to_js(check_keys(key, &fallbacks))
            .map(|()| TimestampSignerCore(TimestampSigner::new(key, &fallbacks, salt)))
    }

    pub fn sign(&self, value: &str, now: f64) -> String {
        self.0.sign(value, now)
    }

    pub fn unsign(&self, signed: &str, max_age: Option<f64>, now: f64) -> Result<String, JsValue> {
        to_js(self.0.unsign(signed, max_age, now).map(str::to_owned))
    }

    #[wasm_bindgen(js_name = signObject)]
    pub fn sign_object(
        &self,
        value_json: &str,
        compress: bool,
        now: f64,
    ) -> Result<String, JsValue> {
        to_js(json_in(value_json).and_then(|v| self.0.sign_object(&v, compress, now)))
    }

    #[wasm_bindgen(js_name = unsignObject)]
    pub fn unsign_object(
        &self,
        signed: &str,
        max_age: Option<f64>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        to_js(
            self.0
                .unsign_object(signed, max_age, now)
                .and_then(|v| json_out(&v)),
        )
    }
}

#[wasm_bindgen(js_name = b62Encode)]
pub fn b62_encode(n: i64) -> String {
    signing::b62_encode(n)
}

#[wasm_bindgen(js_name = b62Decode)]
pub fn b62_decode(text: &str) -> Result<i64, JsValue> {
    to_js(signing::b62_decode(text))
}

#[wasm_bindgen(js_name = b64Encode)]
pub fn b64_encode(bytes: &[u8]) -> String {
    signing::b64_encode(bytes)
}

#[wasm_bindgen(js_name = b64Decode)]
pub fn b64_decode(text: &[u8]) -> Result<Vec<u8>, JsValue> {
    to_js(signing::b64_decode(text))
}

#[wasm_bindgen(js_name = saltedHmac)]
pub fn salted_hmac(
    key_salt: &str,
    value: &[u8],
    secret: &str,
    algorithm_name: &str,
) -> Result<Vec<u8>, JsValue> {
    to_js(algorithm(algorithm_name).map(|a| signing::salted_hmac(a, key_salt, value, secret)))
}

#[wasm_bindgen(js_name = base64Hmac)]
pub fn base64_hmac(
    salt: &str,
    value: &str,
    key: &str,
    algorithm_name: &str,
) -> Result<String, JsValue> {
    to_js(algorithm(algorithm_name).map(|a| signing::base64_hmac(a, salt, value, key)))
}
