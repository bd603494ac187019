//! Boundary tests, run in Node and in headless Chromium by
//! wasm-bindgen-test: what crosses into JS (error names and causes, values
//! both ways, Promises only when storage waits) and what comes back from
//! adapters.

use super::session::{SessionCore, SessionsCore};
use super::{boundary, signing};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap()
}

/// A JS value from a JS expression (the adapters a user would write).
fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return {expression}"))
        .call0(&JsValue::NULL)
        .unwrap()
}

/// The `js/` layer's boundary reader, as api.js gives it.
fn use_parse() {
    let parse = js(
        r#"(text) => JSON.parse(text, (k, v) => typeof v === "string" && v.charCodeAt(0) === 0
        ? ({ "\u0000NaN": NaN, "\u0000Infinity": Infinity, "\u0000-Infinity": -Infinity })[v] ?? v.slice(1) : v)"#,
    );
    boundary::use_json_parse(parse.unchecked_into());
}

/// An answer at once: an Error is its failure.
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

fn make_sessions(options: &str, cache: JsValue, db: JsValue) -> Result<SessionsCore, JsValue> {
    use_parse();
    let core = now(SessionsCore::create(
        options,
        cache,
        db,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    ))?;
    // A wasm-bindgen struct crosses as its JS wrapper; take it back.
    Ok(SessionsCore::try_from_js_value(core).unwrap())
}

fn session(answer: JsValue) -> SessionCore {
    SessionCore::try_from_js_value(now(answer).unwrap()).unwrap()
}

fn signed_cookie_sessions() -> SessionsCore {
    make_sessions(
        r#"{"secretKey":"k","engine":"signed_cookies"}"#,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn errors_cross_as_named_js_errors() {
    use_parse();
    let token = now(signing::dumps(
        JsValue::NULL,
        Some("{}".into()),
        "k",
        "salt",
        false,
        0.0,
    ))
    .unwrap()
    .as_string()
    .unwrap();
    let bad = signing::loads(&format!("{token}x"), "k", vec![], "salt", None, 0.0);
    assert!(bad.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&bad, "name"), "BadSignature");
    let expired = signing::loads(&token, "k", vec![], "salt", Some(1.0), 10.0);
    assert_eq!(get(&expired, "name"), "SignatureExpired");
    let invalid = make_sessions(
        r#"{"secretKey":"k","cookieSameSite":"x"}"#,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    assert_eq!(get(&invalid.err().unwrap(), "name"), "InvalidSetting");
}

#[wasm_bindgen_test]
fn values_cross_as_django_json_and_non_finite_floats_survive() {
    use_parse();
    let token = now(signing::dumps(
        JsValue::NULL,
        Some(r#"{"name":"Zoë","n":1e-7,"x":"\u0000NaN","s":"\u0000\u0000kept"}"#.into()),
        "k",
        "s",
        false,
        0.0,
    ))
    .unwrap()
    .as_string()
    .unwrap();
    // The payload is Django's JSON: NaN as Python writes it.
    let payload = token.split(':').next().unwrap();
    let json = String::from_utf8(crate::signing::b64_decode(payload.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        json,
        r#"{"name":"Zo\u00eb","n":1e-07,"x":NaN,"s":"\u0000kept"}"#
    );
    let back = now(signing::loads(&token, "k", vec![], "s", None, 0.0)).unwrap();
    assert_eq!(get(&back, "name"), "Zoë");
    assert!(get(&back, "x").as_f64().unwrap().is_nan());
    assert_eq!(get(&back, "s"), "\0kept");
}

#[wasm_bindgen_test]
fn operations_without_io_answer_at_once() {
    let session = session(signed_cookie_sessions().open(None, 1_700_000_000.0));
    let set = now(session.set("a".into(), JsValue::UNDEFINED, Some("[1,2]".into()))).unwrap();
    assert!(!set.is_instance_of::<Promise>());
    let list = now(session.get("a".into())).unwrap();
    assert!(js_sys::Array::is_array(&list));
    // Scalars cross as themselves, both ways.
    for value in [
        JsValue::from_f64(12.5),
        JsValue::TRUE,
        JsValue::NULL,
        JsValue::from_str("x"),
    ] {
        now(session.set("v".into(), value.clone(), None)).unwrap();
        assert_eq!(now(session.get("v".into())).unwrap(), value);
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
    assert!(state.contains(r#""peek":{"a":[1,2]}"#), "{state}");
    assert!(state.contains(r#""modified":true"#), "{state}");
}

#[wasm_bindgen_test]
async fn a_waiting_adapter_gives_a_promise_and_busy_overlaps_are_refused() {
    let cache = js("(() => { const m = new Map(); return {
        get: async (k) => m.get(k) ?? null, set: async (k, v) => { m.set(k, v) },
        add: async (k, v) => m.has(k) ? false : (m.set(k, v), true), delete: async (k) => { m.delete(k) } } })()");
    let sessions = make_sessions(
        r#"{"secretKey":"k","engine":"cache"}"#,
        cache,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let session = session(sessions.open(Some("abcdefghijklmnop".into()), 0.0));
    let load = now(session.get("a".into())).unwrap();
    assert!(load.is_instance_of::<Promise>());
    let busy = now(session.set("b".into(), JsValue::from_f64(1.0), None)).unwrap_err();
    assert_eq!(get(&busy, "name"), "SessionBusy");
    // The flags are not guessed while storage is waited on.
    assert_eq!(get(&session.accessed(), "name"), "SessionBusy");
    assert!(settled(load).await.unwrap().is_undefined());
    settled(session.set("b".into(), JsValue::from_f64(1.0), None))
        .await
        .unwrap();
    settled(session.save(false)).await.unwrap();
    assert_eq!(session.session_key().as_string().unwrap().len(), 32);
}

#[wasm_bindgen_test]
async fn pickles_cross_as_bytes() {
    let entries = js("new Map()");
    let cache = js(
        "(m) => ({ get: (k) => m.get(k) ?? null, set: (k, v) => { m.set(k, v) },
        add: (k, v) => m.has(k) ? false : (m.set(k, v), true), delete: (k) => { m.delete(k) } })",
    )
    .unchecked_into::<Function>()
    .call1(&JsValue::NULL, &entries)
    .unwrap();
    let sessions = make_sessions(
        r#"{"secretKey":"k","engine":"cache"}"#,
        cache,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let s = session(sessions.open(None, 0.0));
    settled(s.set("a".into(), JsValue::from_f64(1.0), None))
        .await
        .unwrap();
    settled(s.save(false)).await.unwrap();
    let key = format!(
        ":1:django.contrib.sessions.cache{}",
        s.session_key().as_string().unwrap()
    );
    let entry = entries
        .unchecked_ref::<js_sys::Map>()
        .get(&JsValue::from_str(&key));
    let bytes = entry.dyn_into::<js_sys::Uint8Array>().unwrap().to_vec();
    assert_eq!(bytes.first(), Some(&0x80), "a pickle starts with PROTO");
}

#[wasm_bindgen_test]
async fn adapter_failures_are_storage_errors_with_the_cause() {
    let cache = js("({ get() { throw new TypeError('kv down') }, set() {}, add() { return true }, delete() {} })");
    let sessions = make_sessions(
        r#"{"secretKey":"k","engine":"cache"}"#,
        cache,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let err = settled(session(sessions.open(None, 0.0)).exists("abcdefgh".into()))
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
    let sessions = make_sessions(
        r#"{"secretKey":"k","engine":"cache"}"#,
        rejecting,
        JsValue::UNDEFINED,
    )
    .unwrap();
    let err = settled(session(sessions.open(None, 0.0)).exists("abcdefgh".into()))
        .await
        .unwrap_err();
    assert_eq!(get(&err, "cause"), "nope");
}

#[wasm_bindgen_test]
async fn adapter_answers_are_checked() {
    let db = js("({ get: (k) => ({ sessionKey: 'someoneelse', sessionData: 'x', expireDate: '2999-01-01 00:00:00' }),
        exists: () => 'yes', insert: () => true, update: () => true, delete() {}, deleteExpired() {} })");
    let sessions =
        make_sessions(r#"{"secretKey":"k","engine":"db"}"#, JsValue::UNDEFINED, db).unwrap();
    let s = session(sessions.open(Some("abcdefghijk".into()), 0.0));
    let err = settled(s.get("a".into())).await.unwrap_err();
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("another session's row"));
    let err = settled(s.exists("abcdefghijk".into())).await.unwrap_err();
    assert_eq!(get(&err, "name"), "StorageError");
    let missing = sessions_missing_method();
    assert_eq!(get(&missing, "name"), "InvalidSetting");
}

fn sessions_missing_method() -> JsValue {
    make_sessions(
        r#"{"secretKey":"k","engine":"db"}"#,
        JsValue::UNDEFINED,
        Object::new().into(),
    )
    .err()
    .unwrap()
}

#[wasm_bindgen_test]
fn the_cookie_header_names_the_session() {
    let sessions = signed_cookie_sessions();
    let first = session(sessions.open(None, 0.0));
    now(first.set("user".into(), JsValue::from_f64(7.0), None)).unwrap();
    now(first.save(false)).unwrap();
    let header = format!(
        "theme=dark; sessionid={}",
        first.session_key().as_string().unwrap()
    );
    let again = session(sessions.for_cookie_header(Some(header), 0.0));
    assert_eq!(now(again.get("user".into())).unwrap().as_f64(), Some(7.0));
    assert_eq!(again.accessed(), JsValue::TRUE);
}
