//! Boundary tests, run in Node and in headless Chromium by
//! wasm-bindgen-test: what crosses into JS (error names and causes,
//! JSON values, Promises only when storage waits) and what comes back
//! from adapters.

use super::session::SessionsCore;
use super::signing;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap()
}

/// A JS object from a JS expression (the adapters a user would write).
fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return {expression}"))
        .call0(&JsValue::NULL)
        .unwrap()
}

/// An operation's answer at once: an Error is its failure.
fn now(answer: JsValue) -> Result<JsValue, JsValue> {
    if answer.is_instance_of::<js_sys::Error>() {
        Err(answer)
    } else {
        Ok(answer)
    }
}

/// An operation's outcome, whether it finished at once or returned a Promise.
async fn settled(answer: JsValue) -> Result<JsValue, JsValue> {
    match now(answer)?.dyn_into::<Promise>() {
        Ok(promise) => js_sys::futures::JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn signed_cookie_sessions() -> SessionsCore {
    SessionsCore::new(
        r#"{"secretKey":"k","engine":"signed_cookies"}"#,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn errors_cross_as_named_js_errors() {
    let token = signing::dumps("{}", "k", "salt", false, 0.0).unwrap();
    let err = signing::loads(&format!("{token}x"), "k", vec![], "salt", None, 0.0).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "name"), "BadSignature");
    let expired = signing::loads(&token, "k", vec![], "salt", Some(1.0), 10.0).unwrap_err();
    assert_eq!(get(&expired, "name"), "SignatureExpired");
    let invalid = SessionsCore::new(
        r#"{"secretKey":"k","cookieSameSite":"x"}"#,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    assert_eq!(get(&invalid.err().unwrap(), "name"), "InvalidSetting");
}

#[wasm_bindgen_test]
fn values_cross_as_django_json() {
    let token = signing::dumps(r#"{"name":"Zoë","n":1e-7}"#, "k", "s", false, 0.0).unwrap();
    let back = signing::loads(&token, "k", vec![], "s", None, 0.0).unwrap();
    assert_eq!(
        back.as_string().unwrap(),
        r#"{"name":"Zo\u00eb","n":1e-07}"#
    );
}

#[wasm_bindgen_test]
fn operations_without_io_answer_at_once() {
    let session = signed_cookie_sessions()
        .open(None, 1_700_000_000.0)
        .unwrap();
    let set = now(session.set("a".into(), "[1,2]".into())).unwrap();
    assert!(!set.is_instance_of::<Promise>());
    assert_eq!(
        now(session.get("a".into())).unwrap().as_string().unwrap(),
        "[1,2]"
    );
    // Null, booleans and numbers cross as themselves, strings as JSON text.
    for (json, answer) in [
        ("12.5", JsValue::from_f64(12.5)),
        ("true", JsValue::TRUE),
        ("null", JsValue::NULL),
        ("\"x\"", JsValue::from_str("\"x\"")),
    ] {
        now(session.set("v".into(), json.into())).unwrap();
        assert_eq!(now(session.get("v".into())).unwrap(), answer, "{json}");
    }
    now(session.delete("v".into())).unwrap();
    // "setCookie NUL vary NUL finalState".
    let packed = now(session.finish(200, None)).unwrap().as_string().unwrap();
    let [set_cookie, vary, state]: [&str; 3] = packed
        .splitn(3, '\0')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    assert!(set_cookie.starts_with("sessionid=eyJhIjpbMSwyXX0:1r31eq:"));
    assert!(set_cookie.ends_with("; Path=/; SameSite=Lax"));
    assert_eq!(vary, "Cookie");
    let state: serde_json::Value = serde_json::from_str(state).unwrap();
    assert_eq!(state["peek"], serde_json::json!({ "a": [1, 2] }));
    assert_eq!(state["modified"], true);
}

#[wasm_bindgen_test]
async fn a_waiting_adapter_gives_a_promise_and_busy_overlaps_are_refused() {
    let cache = js("(() => { const m = new Map(); return {
        get: async (k) => m.get(k) ?? null, set: async (k, v) => { m.set(k, v) },
        add: async (k, v) => m.has(k) ? false : (m.set(k, v), true), delete: async (k) => { m.delete(k) } } })()");
    let sessions = SessionsCore::new(
        r#"{"secretKey":"k","engine":"cache"}"#,
        cache,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let session = sessions.open(Some("abcdefghijklmnop".into()), 0.0).unwrap();
    let load = now(session.get("a".into())).unwrap();
    assert!(load.is_instance_of::<Promise>());
    let busy = now(session.set("b".into(), "1".into())).unwrap_err();
    assert_eq!(get(&busy, "name"), "SessionBusy");
    assert!(settled(load).await.unwrap().is_undefined());
    settled(session.set("b".into(), "1".into())).await.unwrap();
    settled(session.save(false)).await.unwrap();
    assert_eq!(session.session_key().unwrap().len(), 32);
}

#[wasm_bindgen_test]
async fn adapter_failures_are_storage_errors_with_the_cause() {
    let cache = js("({ get() { throw new TypeError('kv down') }, set() {}, add() { return true }, delete() {} })");
    let sessions = SessionsCore::new(
        r#"{"secretKey":"k","engine":"cache"}"#,
        cache,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let err = settled(sessions.open(None, 0.0).unwrap().exists("abcdefgh".into()))
        .await
        .unwrap_err();
    assert_eq!(get(&err, "name"), "StorageError");
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("kv down"));
    assert!(get(&err, "cause").is_instance_of::<js_sys::TypeError>());

    let rejecting =
        js("({ get: () => Promise.reject('nope'), set() {}, add() { return true }, delete() {} })");
    let sessions = SessionsCore::new(
        r#"{"secretKey":"k","engine":"cache"}"#,
        rejecting,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let err = settled(sessions.open(None, 0.0).unwrap().exists("abcdefgh".into()))
        .await
        .unwrap_err();
    assert_eq!(get(&err, "cause"), "nope");
}

#[wasm_bindgen_test]
async fn adapter_answers_are_checked() {
    let db = js("({ get: (k) => ({ sessionKey: 'someoneelse', sessionData: 'x', expireDate: '2999-01-01 00:00:00' }),
        exists: () => 'yes', insert: () => true, update: () => true, delete() {}, deleteExpired() {} })");
    let sessions = SessionsCore::new(
        r#"{"secretKey":"k","engine":"db"}"#,
        JsValue::UNDEFINED,
        db,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let session = sessions.open(Some("abcdefghijk".into()), 0.0).unwrap();
    let err = settled(session.get("a".into())).await.unwrap_err();
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("another session's row"));
    let err = settled(session.exists("abcdefghijk".into()))
        .await
        .unwrap_err();
    assert_eq!(get(&err, "name"), "StorageError");
    let missing = SessionsCore::new(
        r#"{"secretKey":"k","engine":"db"}"#,
        JsValue::UNDEFINED,
        Object::new().into(),
        JsValue::UNDEFINED,
    );
    assert_eq!(get(&missing.err().unwrap(), "name"), "InvalidSetting");
}

#[wasm_bindgen_test]
fn the_cookie_header_names_the_session() {
    let sessions = signed_cookie_sessions();
    let first = sessions.open(None, 0.0).unwrap();
    now(first.set("user".into(), "7".into())).unwrap();
    now(first.save(false)).unwrap();
    let header = format!("theme=dark; sessionid={}", first.session_key().unwrap());
    let again = sessions.for_cookie_header(Some(header), 0.0).unwrap();
    assert_eq!(now(again.get("user".into())).unwrap().as_f64(), Some(7.0));
    assert_eq!(again.accessed(), Some(true));
}
