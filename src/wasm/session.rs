//! Sessions for JS: `SessionsCore` holds the validated settings and the
//! adapters (one per application); `SessionCore` is one request's session.
//!
//! The signed_cookies module (no `stores` feature) runs only that engine,
//! and every operation answers at once. The full module runs all five
//! over the JS adapters; an operation that waits on storage answers with
//! a Promise.

use super::boundary;
use super::{answer, js_error, named_error};
use crate::cookie::{cookie_value, vary_with_cookie};
use crate::datetime::DateTime;
use crate::error::{Error, Result};
use crate::session::{Config, Engine, Expiry, ExpiryValue, Session};
use crate::value::{Dict, Value};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

#[cfg(feature = "stores")]
use super::adapters::{self, CacheAdapter, DbAdapter, Fault, FileAdapter, JsCache, JsDb, JsFiles};

/// The engine a JS session runs on.
#[cfg(feature = "stores")]
pub(crate) type JsEngine = crate::engines::AnyEngine<JsCache, JsDb, JsFiles>;
#[cfg(not(feature = "stores"))]
pub(crate) type JsEngine = crate::engines::SignedCookies;

/// Where an adapter's own error waits to become the JS error's `cause`:
/// nowhere, without adapters.
#[cfg(not(feature = "stores"))]
pub(crate) struct Fault;

/// An empty fault slot for a new operation's engine.
fn fresh_fault() -> Fault {
    #[cfg(feature = "stores")]
    return Fault::default();
    #[cfg(not(feature = "stores"))]
    Fault
}

/// The adapter error behind a storage failure, if any.
pub(crate) fn take_cause(fault: &Fault) -> Option<JsValue> {
    #[cfg(feature = "stores")]
    return fault.take();
    #[cfg(not(feature = "stores"))]
    {
        let Fault = fault;
        None
    }
}

/// Finishes an operation at once when it needs no I/O (signed cookies, a
/// loaded session, a synchronous adapter); otherwise (full module only)
/// hands it to the JS event loop and returns its Promise. A failure comes
/// back as the Error itself (see [`answer`]).
pub(crate) fn settle(
    future: impl Future<Output = std::result::Result<JsValue, JsValue>> + 'static,
) -> JsValue {
    // One boxed `dyn` type: the machinery below is instantiated once, not per operation.
    let mut future: Pin<Box<dyn Future<Output = std::result::Result<JsValue, JsValue>>>> =
        Box::pin(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(value) | Err(value)) => value,
        // The JsFutures inside re-register the real waker on the next poll.
        #[cfg(feature = "stores")]
        Poll::Pending => js_sys::futures::future_to_promise(future).into(),
        // Signed cookies never wait.
        #[cfg(not(feature = "stores"))]
        Poll::Pending => js_error(
            &Error::Storage("a signed_cookies operation waited".into()),
            None,
        ),
    }
}

/// The settings and adapters of one application.
#[wasm_bindgen]
pub struct SessionsCore {
    config: Rc<Config>,
    #[cfg(feature = "stores")]
    cache: Option<CacheAdapter>,
    #[cfg(feature = "stores")]
    db: Option<DbAdapter>,
    #[cfg(feature = "stores")]
    files: Option<FileAdapter>,
}

/// A cache `KEY_FUNCTION` given as a JS function of `(key, keyPrefix, version)`.
fn key_function(function: JsValue) -> Result<Option<crate::session::KeyFunction>> {
    if function.is_undefined() || function.is_null() {
        return Ok(None);
    }
    let function: js_sys::Function = function.dyn_into().map_err(|_| Error::InvalidSetting {
        setting: "CACHES KEY_FUNCTION",
        reason: "cacheKeyFunction must be a function".into(),
    })?;
    Ok(Some(Rc::new(
        move |key: &str, prefix: &str, version: i64| {
            let made = function.call3(
                &JsValue::NULL,
                &JsValue::from_str(key),
                &JsValue::from_str(prefix),
                &JsValue::from_f64(version as f64),
            );
            made.ok()
                .and_then(|k| k.as_string())
                .ok_or_else(|| Error::Storage("cacheKeyFunction did not return a string".into()))
        },
    )))
}

#[wasm_bindgen]
impl SessionsCore {
    /// Validates everything up front: the settings (`options_json` holds
    /// the options the `js/` layer passes on, see [`crate::options`]) and
    /// that the engine has the adapters it needs. Answers the core, or the
    /// Error.
    pub fn create(
        options_json: &str,
        cache: JsValue,
        db: JsValue,
        files: JsValue,
        cache_key_function: JsValue,
    ) -> JsValue {
        match Self::build(options_json, cache, db, files, cache_key_function) {
            Ok(core) => core.into(),
            Err(e) => js_error(&e, None),
        }
    }

    fn build(
        options_json: &str,
        cache: JsValue,
        db: JsValue,
        files: JsValue,
        cache_key_function: JsValue,
    ) -> Result<SessionsCore> {
        let settings = crate::options::settings_from_json(options_json)?;
        let config = Config::with_cache_key_function(settings, key_function(cache_key_function)?)?;
        #[cfg(feature = "stores")]
        {
            let with_cas = |methods: &[&'static str], cas| {
                let mut methods = methods.to_vec();
                if config.settings.detect_conflicts {
                    methods.push(cas);
                }
                methods
            };
            let core = SessionsCore {
                cache: adapters::adapter(
                    cache,
                    "cache",
                    &with_cas(adapters::CACHE_METHODS, adapters::CACHE_CAS),
                )?,
                db: adapters::adapter(db, "db", &with_cas(adapters::DB_METHODS, adapters::DB_CAS))?,
                files: adapters::adapter(files, "files", adapters::FILE_METHODS)?,
                config,
            };
            core.engine(&fresh_fault())?;
            Ok(core)
        }
        #[cfg(not(feature = "stores"))]
        {
            let engine = config.settings.engine;
            let given = [cache, db, files]
                .iter()
                .any(|a| !(a.is_undefined() || a.is_null()));
            if engine != crate::EngineKind::SignedCookies || given {
                return Err(Error::InvalidSetting {
                    setting: "SESSION_ENGINE",
                    reason: format!(
                        "edge-sessions/signed runs the signed_cookies engine only; \
                         import {{ Sessions }} from \"edge-sessions\" for the {} engine and storage adapters",
                        engine.short_name()
                    ),
                });
            }
            Ok(SessionsCore { config })
        }
    }

    #[cfg(feature = "stores")]
    fn engine(&self, fault: &Fault) -> Result<JsEngine> {
        crate::engines::AnyEngine::new(
            self.config.settings.engine,
            self.cache
                .clone()
                .map(|adapter| JsCache::new(adapter, fault, &self.config)),
            self.db.clone().map(|adapter| JsDb {
                adapter,
                fault: fault.clone(),
            }),
            self.files.clone().map(|adapter| JsFiles {
                adapter,
                fault: fault.clone(),
            }),
        )
    }

    #[cfg(not(feature = "stores"))]
    fn engine(&self, _: &Fault) -> Result<JsEngine> {
        Ok(crate::engines::SignedCookies)
    }

    fn session(&self, session_key: Option<&str>, cookie_sent: bool, now: f64) -> JsValue {
        let fault = fresh_fault();
        let engine = match self.engine(&fault) {
            Ok(engine) => engine,
            Err(e) => return js_error(&e, None),
        };
        let session = Session::new(engine, self.config.clone(), session_key, now);
        SessionCore {
            live: Rc::new(RefCell::new(Live {
                session,
                cookie_sent,
                fault,
            })),
        }
        .into()
    }

    /// `SessionStore(session_key)` at `now`.
    pub fn open(&self, session_key: Option<String>, now: f64) -> JsValue {
        self.session(session_key.as_deref(), false, now)
    }

    /// The request half of the middleware: the session named by the Cookie header.
    #[wasm_bindgen(js_name = fromCookieHeader)]
    pub fn for_cookie_header(&self, header: Option<String>, now: f64) -> JsValue {
        let key = header.and_then(|h| cookie_value(&h, &self.config.settings.cookie_name));
        self.session(key.as_deref(), key.is_some(), now)
    }

    /// `SessionStore.clear_expired()` at `now`.
    #[wasm_bindgen(js_name = clearExpired)]
    pub fn clear_expired(&self, now: f64) -> JsValue {
        let fault = fresh_fault();
        let engine = match self.engine(&fault) {
            Ok(engine) => engine,
            Err(e) => return js_error(&e, None),
        };
        let config = self.config.clone();
        settle(async move {
            let result = engine.clear_expired(&config, now).await;
            result
                .map(|()| JsValue::UNDEFINED)
                .map_err(|e| js_error(&e, take_cause(&fault)))
        })
    }

    /// The settings in force, Django's names in camelCase, secrets left out
    /// (see [`crate::options::shown_settings`]), as a JS object.
    pub fn settings(&self) -> JsValue {
        let shown = Value::Dict(crate::options::shown_settings(&self.config.settings));
        answer(boundary::to_js(&shown))
    }
}

pub(crate) struct Live {
    pub(crate) session: Session<JsEngine>,
    /// Whether the request sent the session cookie (the middleware's rule).
    pub(crate) cookie_sent: bool,
    pub(crate) fault: Fault,
}

/// Appends a session's final state, for the `js/` layer to keep after
/// freeing it: `{"sessionKey","accessed","modified","isLoaded","loadProblem","peek"}`,
/// absent values as null, `peek` in boundary JSON. One string, parsed only
/// if read; written in place, as it ends every request.
fn write_final_state(out: &mut String, session: &Session<JsEngine>) {
    let text = |out: &mut String, value: Option<&str>| match value {
        Some(s) => crate::json::write_string(out, s),
        None => out.push_str("null"),
    };
    let flag = |value: bool| if value { "true" } else { "false" };
    out.push_str("{\"sessionKey\":");
    text(out, session.session_key());
    out.extend([
        ",\"accessed\":",
        flag(session.accessed()),
        ",\"modified\":",
        flag(session.modified()),
        ",\"isLoaded\":",
        flag(session.is_loaded()),
        ",\"loadProblem\":",
    ]);
    text(out, load_problem_text(session).as_deref());
    out.push_str(",\"peek\":");
    let peek_at = out.len();
    let written = session
        .loaded()
        .is_some_and(|d| boundary::write_dict(out, d).is_ok());
    if !written {
        out.truncate(peek_at);
        out.push_str("null");
    }
    out.push('}');
}

/// Why the session's last load gave `{}`, as `Name: message`.
fn load_problem_text(session: &Session<JsEngine>) -> Option<String> {
    session.load_problem().map(|e| format!("{}: {e}", e.name()))
}

/// One session (`request.session`). Every operation answers at once, with
/// a Promise, or with the Error itself (see [`settle`]); the `js/` layer
/// awaits the first two and throws the last.
#[wasm_bindgen]
pub struct SessionCore {
    pub(crate) live: Rc<RefCell<Live>>,
}

/// Runs `$body` (an async block's contents, with `$s` the session and,
/// optionally, `$sent` whether the request sent the cookie) on the live
/// session of a `SessionCore`. A second call while one is waiting on
/// storage is refused rather than allowed to panic on the shared borrow.
/// Other binding modules (the auth and CSRF ones) run their operations
/// through it too.
macro_rules! op {
    ($self:ident, |$s:ident| $body:expr) => {
        op!($self, |$s, _cookie_sent| $body)
    };
    ($self:ident, |$s:ident, $sent:ident| $body:expr) => {{
        let live = std::rc::Rc::clone(&$self.live);
        $crate::wasm::session::settle(async move {
            let mut live = live
                .try_borrow_mut()
                .map_err(|_| $crate::wasm::session::busy())?;
            let $crate::wasm::session::Live {
                session: $s,
                cookie_sent: $sent,
                fault,
            } = &mut *live;
            $crate::wasm::session::clear_fault(fault);
            let result: $crate::error::Result<wasm_bindgen::JsValue> = async { $body }.await;
            result.map_err(|e| $crate::wasm::js_error(&e, $crate::wasm::session::take_cause(fault)))
        })
    }};
}
#[allow(unused_imports)] // for the binding modules beside this one
pub(crate) use op;

/// Forgets the adapter error of an earlier operation.
pub(crate) fn clear_fault(fault: &Fault) {
    #[cfg(feature = "stores")]
    fault.set(None);
    #[cfg(not(feature = "stores"))]
    let Fault = fault;
}

pub(crate) fn busy() -> JsValue {
    named_error(
        "SessionBusy",
        "the session is waiting on storage for an earlier call; await each call before the next",
        None,
    )
}

fn optional_date(iso: Option<String>) -> Result<Option<DateTime>> {
    iso.as_deref().map(DateTime::parse_iso).transpose()
}

fn expiry_value(stored_json: Option<String>) -> Result<Option<ExpiryValue>> {
    stored_json
        .as_deref()
        .map(boundary::from_text)
        .transpose()
        .map(|v| v.map(ExpiryValue::Stored))
}

/// A dict from boundary JSON: `[key, value]` pairs (which keep the order of
/// keys a JS object would sort), or an object.
fn dict_in(text: &str) -> Result<Dict> {
    let bad =
        || Error::Unserializable("update() takes an object, a Map or [key, value] pairs".into());
    match boundary::from_text(text)? {
        Value::Dict(dict) => Ok(dict),
        Value::List(pairs) => pairs
            .into_iter()
            .map(|pair| match pair {
                Value::List(kv) => match <[Value; 2]>::try_from(kv) {
                    Ok([Value::Str(k), v]) => Ok((k, v)),
                    _ => Err(bad()),
                },
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

/// A value given as a JS scalar or as boundary JSON text.
fn value_in(scalar: &JsValue, json: Option<String>) -> Result<Value> {
    match json {
        Some(text) => boundary::from_text(&text),
        None => boundary::scalar_from_js(scalar).ok_or_else(|| {
            Error::Unserializable(
                "a value must be JSON: a number, string, boolean, null, array or object".into(),
            )
        }),
    }
}

fn unit(result: Result<()>) -> Result<JsValue> {
    result.map(|()| JsValue::UNDEFINED)
}

// The session stays borrowed while an operation waits on storage: on
// purpose, since a second operation must see the first one's result. The
// borrow is `try_`, so an overlapping call gets SessionBusy, never a panic.
#[allow(clippy::await_holding_refcell_ref)]
#[wasm_bindgen]
impl SessionCore {
    /// Reads the session from storage unless it is loaded (flags untouched).
    pub fn load(&self) -> JsValue {
        op!(self, |s| unit(s.load().await))
    }

    /// `session.get(key)`: the value as JS has it; undefined when absent.
    pub fn get(&self, key: String) -> JsValue {
        op!(self, |s| s
            .get_with(&key, |v| v.map_or(Ok(JsValue::UNDEFINED), boundary::to_js))
            .await?)
    }

    /// `session[key] = value`: a scalar as itself, or (`json` given) a list
    /// or dict as boundary JSON text.
    pub fn set(&self, key: String, scalar: JsValue, json: Option<String>) -> JsValue {
        op!(self, |s| {
            let value = value_in(&scalar, json)?;
            unit(s.set(&key, value).await)
        })
    }

    /// `del session[key]`, as a boolean: false (and no change) when absent.
    pub fn delete(&self, key: String) -> JsValue {
        op!(self, |s| match s.delete_item(&key).await {
            Ok(()) => Ok(JsValue::TRUE),
            Err(Error::KeyNotFound(_)) => Ok(JsValue::FALSE),
            Err(e) => Err(e),
        })
    }

    /// `key in session`.
    pub fn has(&self, key: String) -> JsValue {
        op!(self, |s| s.contains(&key).await.map(JsValue::from_bool))
    }

    /// `session.pop(key, default)`: the value, else the default given
    /// (as JS passed it), else undefined.
    pub fn pop(&self, key: String, default: JsValue) -> JsValue {
        op!(self, |s| match s.pop(&key).await {
            Ok(value) => boundary::to_js(&value),
            Err(Error::KeyNotFound(_)) => Ok(default),
            Err(e) => Err(e),
        })
    }

    /// `session.setdefault(key, value)`: the value now under `key`.
    pub fn setdefault(&self, key: String, scalar: JsValue, json: Option<String>) -> JsValue {
        op!(self, |s| {
            let value = value_in(&scalar, json)?;
            boundary::to_js(&s.setdefault(&key, value).await?)
        })
    }

    /// `session.update(other)`: `[key, value]` pairs or an object, as
    /// boundary JSON text.
    pub fn update(&self, entries_json: String) -> JsValue {
        op!(self, |s| unit(s.update(dict_in(&entries_json)?).await))
    }

    /// `session.keys()` as an array.
    pub fn keys(&self) -> JsValue {
        op!(self, |s| {
            let keys = s.keys().await?.into_iter().map(Value::Str).collect();
            boundary::to_js(&Value::List(keys))
        })
    }

    /// `session.values()` as an array.
    pub fn values(&self) -> JsValue {
        op!(self, |s| boundary::to_js(&Value::List(s.values().await?)))
    }

    /// `session.items()` as an array of `[key, value]` pairs, in order.
    pub fn items(&self) -> JsValue {
        op!(self, |s| {
            let pairs = s
                .items()
                .await?
                .into_iter()
                .map(|(k, v)| Value::List(vec![Value::Str(k), v]));
            boundary::to_js(&Value::List(pairs.collect()))
        })
    }

    /// `len(session)`.
    pub fn len(&self) -> JsValue {
        op!(self, |s| s.len().await.map(|n| JsValue::from_f64(n as f64)))
    }

    /// `session.clear()`.
    pub fn clear(&self) -> JsValue {
        op!(self, |s| {
            s.clear();
            Ok(JsValue::UNDEFINED)
        })
    }

    /// `session.is_empty()`.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> JsValue {
        op!(self, |s| Ok(JsValue::from_bool(s.is_empty())))
    }

    /// `set_test_cookie()`.
    #[wasm_bindgen(js_name = setTestCookie)]
    pub fn set_test_cookie(&self) -> JsValue {
        op!(self, |s| unit(s.set_test_cookie().await))
    }

    /// `test_cookie_worked()`.
    #[wasm_bindgen(js_name = testCookieWorked)]
    pub fn test_cookie_worked(&self) -> JsValue {
        op!(self, |s| s
            .test_cookie_worked()
            .await
            .map(JsValue::from_bool))
    }

    /// `delete_test_cookie()` (KeyError when it was never set).
    #[wasm_bindgen(js_name = deleteTestCookie)]
    pub fn delete_test_cookie(&self) -> JsValue {
        op!(self, |s| unit(s.delete_test_cookie().await))
    }

    /// `set_expiry(value)`: `kind` is `default` (None), `seconds` (a number),
    /// `in` (a timedelta of `seconds`) or `at` (the ISO datetime `iso`).
    #[wasm_bindgen(js_name = setExpiry)]
    pub fn set_expiry(&self, kind: String, seconds: f64, iso: Option<String>) -> JsValue {
        op!(self, |s| {
            let expiry = match (kind.as_str(), iso) {
                ("default", _) => Expiry::Default,
                ("seconds", _) => Expiry::Seconds(seconds),
                ("in", _) => Expiry::In(seconds),
                ("at", Some(iso)) => Expiry::At(DateTime::parse_iso(&iso)?),
                _ => {
                    return Err(Error::InvalidExpiry(format!(
                        "unsupported expiry kind {kind:?}"
                    )))
                }
            };
            unit(s.set_expiry(expiry).await)
        })
    }

    /// `get_expiry_age(modification=, expiry=)`: `expiry_json` is a value
    /// as stored under `_session_expiry`, as boundary JSON.
    #[wasm_bindgen(js_name = getExpiryAge)]
    pub fn get_expiry_age(
        &self,
        modification: Option<String>,
        expiry_json: Option<String>,
    ) -> JsValue {
        op!(self, |s| {
            let age = s
                .get_expiry_age_with(optional_date(modification)?, expiry_value(expiry_json)?)
                .await?;
            Ok(JsValue::from_f64(age))
        })
    }

    /// `get_expiry_date(modification=, expiry=)` as Python's isoformat.
    #[wasm_bindgen(js_name = getExpiryDate)]
    pub fn get_expiry_date(
        &self,
        modification: Option<String>,
        expiry_json: Option<String>,
    ) -> JsValue {
        op!(self, |s| {
            let date = s
                .get_expiry_date_with(optional_date(modification)?, expiry_value(expiry_json)?)
                .await?;
            Ok(JsValue::from_str(&date.isoformat()))
        })
    }

    /// `get_expire_at_browser_close()`.
    #[wasm_bindgen(js_name = getExpireAtBrowserClose)]
    pub fn get_expire_at_browser_close(&self) -> JsValue {
        op!(self, |s| s
            .get_expire_at_browser_close()
            .await
            .map(JsValue::from_bool))
    }

    /// `save()`, or `save(must_create=True)`.
    pub fn save(&self, must_create: bool) -> JsValue {
        op!(self, |s| unit(if must_create {
            s.save_new().await
        } else {
            s.save().await
        }))
    }

    /// `create()`.
    pub fn create(&self) -> JsValue {
        op!(self, |s| unit(s.create().await))
    }

    /// `exists(session_key)`.
    pub fn exists(&self, session_key: String) -> JsValue {
        op!(self, |s| s
            .exists(&session_key)
            .await
            .map(JsValue::from_bool))
    }

    /// `delete(session_key)`: removes a stored session (this one when absent).
    #[wasm_bindgen(js_name = deleteFromStore)]
    pub fn delete_from_store(&self, session_key: Option<String>) -> JsValue {
        op!(self, |s| unit(s.delete(session_key.as_deref()).await))
    }

    /// `flush()`.
    pub fn flush(&self) -> JsValue {
        op!(self, |s| unit(s.flush().await))
    }

    /// `cycle_key()`.
    #[wasm_bindgen(js_name = cycleKey)]
    pub fn cycle_key(&self) -> JsValue {
        op!(self, |s| unit(s.cycle_key().await))
    }

    /// The response half of the middleware: saves when Django would and
    /// returns one string (one crossing, no JS array built from wasm):
    /// `setCookie NUL vary NUL finalState`, an absent header being empty.
    /// `vary` is `existing_vary` with Cookie added when it must be;
    /// `finalState` is the [`write_final_state`] JSON. No header value holds a NUL
    /// (a Set-Cookie is quoted, the `js/` layer refuses one in Vary) and
    /// JSON escapes it.
    pub fn finish(&self, status: u16, existing_vary: Option<String>) -> JsValue {
        op!(self, |session, cookie_sent| {
            let headers =
                crate::middleware::process_response(session, *cookie_sent, status).await?;
            let vary = headers
                .vary_cookie
                .then(|| vary_with_cookie(existing_vary.as_deref()));
            let mut packed = headers.set_cookie.unwrap_or_default();
            packed.extend(["\0", vary.as_deref().unwrap_or_default(), "\0"]);
            write_final_state(&mut packed, session);
            Ok(JsValue::from_str(&packed))
        })
    }

    /// What stays readable once the session is freed, as JSON (see
    /// [`write_final_state`]); SessionBusy while an operation waits on storage.
    #[wasm_bindgen(js_name = finalState)]
    pub fn final_state(&self) -> JsValue {
        self.peek_state(|l| {
            let mut out = String::new();
            write_final_state(&mut out, &l.session);
            JsValue::from_str(&out)
        })
    }

    /// Reads the session without waiting; SessionBusy while an operation
    /// waits on storage (a flag read then would be a guess).
    fn peek_state(&self, read: impl FnOnce(&Live) -> JsValue) -> JsValue {
        match self.live.try_borrow() {
            Ok(live) => read(&live),
            Err(_) => busy(),
        }
    }

    /// `session.accessed`.
    pub fn accessed(&self) -> JsValue {
        self.peek_state(|l| JsValue::from_bool(l.session.accessed()))
    }

    /// `session.modified`.
    pub fn modified(&self) -> JsValue {
        self.peek_state(|l| JsValue::from_bool(l.session.modified()))
    }

    /// Sets `accessed` and `modified` as Django code may (`session.modified = True`).
    #[wasm_bindgen(js_name = setFlags)]
    pub fn set_flags(&self, accessed: Option<bool>, modified: Option<bool>) -> JsValue {
        let Ok(mut live) = self.live.try_borrow_mut() else {
            return busy();
        };
        if let Some(accessed) = accessed {
            live.session.set_accessed(accessed);
        }
        if let Some(modified) = modified {
            live.session.set_modified(modified);
        }
        JsValue::UNDEFINED
    }

    /// `session.session_key`, null when there is none.
    #[wasm_bindgen(js_name = sessionKey)]
    pub fn session_key(&self) -> JsValue {
        self.peek_state(|l| {
            l.session
                .session_key()
                .map_or(JsValue::NULL, JsValue::from_str)
        })
    }

    /// Whether the dict has been read from storage.
    #[wasm_bindgen(js_name = isLoaded)]
    pub fn is_loaded(&self) -> JsValue {
        self.peek_state(|l| JsValue::from_bool(l.session.is_loaded()))
    }

    /// The loaded dict as a JS object, without loading or touching a flag;
    /// undefined when nothing is loaded.
    pub fn peek(&self) -> JsValue {
        self.peek_state(|l| match l.session.loaded() {
            Some(dict) => {
                let mut text = String::new();
                answer(
                    boundary::write_dict(&mut text, dict)
                        .and_then(|()| boundary::parse_text(&text)),
                )
            }
            None => JsValue::UNDEFINED,
        })
    }

    /// Why the last load gave an empty session, as `Name: message`; null when it did not.
    #[wasm_bindgen(js_name = loadProblem)]
    pub fn load_problem(&self) -> JsValue {
        self.peek_state(|l| {
            load_problem_text(&l.session).map_or(JsValue::NULL, |p| JsValue::from_str(&p))
        })
    }
}
