//! The `#[wasm_bindgen]` bindings, and nothing else: JS values in, core
//! calls, JS values out. The idiomatic API users see is the hand-written
//! layer in `js/`, over these exports.
//!
//! Values cross the boundary as JSON text (the core's own JSON: Django's
//! writer on the way out, serde_json on the way in), so a JS caller never
//! holds a reference into the session.
//!
//! | file | exports |
//! |---|---|
//! | [`signing`] | `dumps`/`loads`, `Signer`, `TimestampSigner`, the primitives |
//! | [`session`] | `SessionsCore` (settings + adapters) and `SessionCore` (one session) |
//! | [`adapters`] | the JS storage callbacks, seen as the core's store traits |

mod adapters;
mod session;
mod signing;
#[cfg(test)]
mod tests;

use crate::json::{self, Value};
use crate::Error;
use js_sys::futures::future_to_promise;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

/// A JS `Error` whose `name` is [`Error::name`]; `cause` carries a storage
/// adapter's own error. The `js/` layer turns it into the exported class.
fn js_error(error: &Error, cause: Option<JsValue>) -> JsValue {
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

fn to_js<T>(result: crate::Result<T>) -> Result<T, JsValue> {
    result.map_err(|e| js_error(&e, None))
}

/// Finishes an operation at once when it needs no I/O (signed cookies, a
/// loaded session, a synchronous adapter); otherwise hands it to the JS
/// event loop and returns its Promise. Callers `await` either.
///
/// A failure comes back as the value itself, a JS `Error` the `js/` layer
/// throws (no core answer is an Error): one result per export call, where a
/// `Result` would cost a return slot in wasm memory and two more crossings.
fn settle(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> JsValue {
    // One boxed `dyn` type: future_to_promise is instantiated once, not per operation.
    let mut future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(value) | Err(value)) => value,
        // The JsFutures inside re-register the real waker on the next poll.
        Poll::Pending => future_to_promise(future).into(),
    }
}

/// A JSON text from JS (`JSON.stringify` output) as a core value.
fn json_in(text: &str) -> crate::Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Unserializable(e.to_string()))
}

/// A core value as the JSON text Django would write.
fn json_out(value: &Value) -> crate::Result<JsValue> {
    json::dumps(value).map(|text| JsValue::from_str(&text))
}

/// talc instead of std's dlmalloc: 8 KB less wasm, no slower on the request cycle.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
