//! The `#[wasm_bindgen]` bindings, and nothing else: JS values in, core
//! calls, JS values out. The idiomatic API users see is the hand-written
//! layer in `js/`, over these exports.
//!
//! One crate makes four modules (see the features in Cargo.toml): the
//! signed_cookies module (`sessions`), the full one (`sessions` +
//! `stores`), and two side modules, `digests` and `csrf`.
//!
//! | file | exports |
//! |---|---|
//! | [`boundary`] | how values cross: JS values and JSON text both ways |
//! | [`signing`] | `dumps`/`loads`, `Signer`, `TimestampSigner`, the primitives |
//! | [`session`] | `SessionsCore` (settings + adapters) and `SessionCore` (one session) |
//! | [`adapters`] | the JS storage callbacks, seen as the core's store traits |
//! | [`digests`] | `salted_hmac` / `base64_hmac` with SHA-1 and SHA-512 |
//! | [`auth`] | `edge-sessions/django`'s auth protocol, on a `SessionCore` |
//! | [`csrf`] | `edge-sessions/django`'s CSRF middleware: `CsrfCore` (a module of its own) |

#[cfg(feature = "stores")]
mod adapters;
#[cfg(feature = "sessions")]
mod auth;
#[cfg(feature = "sessions")]
mod boundary;
#[cfg(feature = "csrf")]
mod csrf;
#[cfg(feature = "digests")]
mod digests;
#[cfg(feature = "sessions")]
mod session;
#[cfg(feature = "sessions")]
mod signing;
#[cfg(all(test, feature = "sessions"))]
mod tests;

use crate::Error;
use wasm_bindgen::prelude::*;

/// A JS `Error` whose `name` is [`Error::name`]; `cause` carries a storage
/// adapter's own error. The `js/` layer turns it into the exported class.
pub(crate) fn js_error(error: &Error, cause: Option<JsValue>) -> JsValue {
    named_error(error.name(), &error.to_string(), cause)
}

fn named_error(name: &str, message: &str, cause: Option<JsValue>) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    if let Some(cause) = cause {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&e, &JsValue::from_str("cause"), &cause);
    }
    e.into()
}

/// The answer of an export that may fail: the value, or the Error itself
/// (no answer of ours is an Error), which the `js/` layer throws. One value
/// per call: a `Result` would cost a return slot in wasm memory and two
/// more crossings.
#[cfg(any(feature = "sessions", feature = "digests"))]
fn answer(result: crate::Result<JsValue>) -> JsValue {
    result.unwrap_or_else(|e| js_error(&e, None))
}

/// talc instead of std's dlmalloc: 8 KB less wasm, no slower on the request cycle.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
