//! Sessions for JS: `SessionsCore` holds the validated settings and the
//! adapters (one per application); `SessionCore` is one request's session.

use super::adapters::{self, CacheAdapter, DbAdapter, Fault, FileAdapter, JsCache, JsDb, JsFiles};
use super::{js_error, json_in, json_out, named_error, settle, to_js};
use crate::cookie::{cookie_value, vary_with_cookie};
use crate::datetime::DateTime;
use crate::engines::{AnyEngine, Engine};
use crate::error::{Error, Result};
use crate::json::{Dict, Value};
use crate::session::{Config, Expiry, ExpiryValue, Session};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

type JsEngine = AnyEngine<JsCache, JsDb, JsFiles>;

/// The settings and adapters of one application.
#[wasm_bindgen]
pub struct SessionsCore {
    config: Rc<Config>,
    cache: Option<CacheAdapter>,
    db: Option<DbAdapter>,
    files: Option<FileAdapter>,
}

#[wasm_bindgen]
impl SessionsCore {
    /// Validates everything up front: settings (`options_json` holds the
    /// settings options) and that the engine has the adapters it needs.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options_json: &str,
        cache: JsValue,
        db: JsValue,
        files: JsValue,
    ) -> Result<SessionsCore, JsValue> {
        to_js(Self::build(options_json, cache, db, files))
    }

    fn build(
        options_json: &str,
        cache: JsValue,
        db: JsValue,
        files: JsValue,
    ) -> Result<SessionsCore> {
        let options = match serde_json::from_str::<Value>(options_json) {
            Ok(Value::Object(options)) => options,
            _ => {
                return Err(Error::InvalidSetting {
                    setting: "options",
                    reason: "must be an object".into(),
                })
            }
        };
        let config = Config::new(crate::Settings::from_options(&options)?)?;
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
        core.engine(&Fault::default())?;
        Ok(core)
    }

    fn engine(&self, fault: &Fault) -> Result<JsEngine> {
        AnyEngine::new(
            self.config.settings.engine,
            self.cache.clone().map(|adapter| JsCache {
                adapter,
                fault: fault.clone(),
            }),
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

    fn session(
        &self,
        session_key: Option<&str>,
        cookie_sent: bool,
        now: f64,
    ) -> Result<SessionCore, JsValue> {
        let fault = Fault::default();
        let engine = to_js(self.engine(&fault))?;
        let session = Session::new(engine, self.config.clone(), session_key, now);
        Ok(SessionCore {
            live: Rc::new(RefCell::new(Live {
                session,
                cookie_sent,
                fault,
            })),
        })
    }

    /// `SessionStore(session_key)` at `now`.
    pub fn open(&self, session_key: Option<String>, now: f64) -> Result<SessionCore, JsValue> {
        self.session(session_key.as_deref(), false, now)
    }

    /// The request half of the middleware: the session named by the Cookie header.
    #[wasm_bindgen(js_name = fromCookieHeader)]
    pub fn for_cookie_header(
        &self,
        header: Option<String>,
        now: f64,
    ) -> Result<SessionCore, JsValue> {
        let key = header.and_then(|h| cookie_value(&h, &self.config.settings.cookie_name));
        self.session(key.as_deref(), key.is_some(), now)
    }

    /// `SessionStore.clear_expired()` at `now`.
    #[wasm_bindgen(js_name = clearExpired)]
    pub fn clear_expired(&self, now: f64) -> JsValue {
        let fault = Fault::default();
        let engine = match self.engine(&fault) {
            Ok(engine) => engine,
            Err(e) => return js_error(&e, None),
        };
        let config = self.config.clone();
        settle(async move {
            let result = engine.clear_expired(&config, now).await;
            result
                .map(|()| JsValue::UNDEFINED)
                .map_err(|e| js_error(&e, fault.take()))
        })
    }

    /// The settings in force, Django's names in camelCase, secrets left out.
    #[wasm_bindgen(js_name = settingsJson)]
    pub fn settings_json(&self) -> String {
        let s = &self.config.settings;
        let text = |v: &Option<String>| v.as_deref().map_or(Value::Null, Value::from);
        let settings: Dict = [
            ("cookieName", Value::from(s.cookie_name.as_str())),
            ("cookieAge", Value::from(s.cookie_age)),
            ("cookieDomain", text(&s.cookie_domain)),
            ("cookieSecure", Value::from(s.cookie_secure)),
            ("cookieHttpOnly", Value::from(s.cookie_httponly)),
            ("cookiePath", Value::from(s.cookie_path.as_str())),
            ("cookieSameSite", text(&s.cookie_samesite)),
            (
                "expireAtBrowserClose",
                Value::from(s.expire_at_browser_close),
            ),
            ("saveEveryRequest", Value::from(s.save_every_request)),
            ("engine", Value::from(s.engine.short_name())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        // The session writer, not serde_json's: one JSON writer in the wasm.
        crate::json::dumps_dict(&settings).unwrap_or_default()
    }
}

struct Live {
    session: Session<JsEngine>,
    /// Whether the request sent the session cookie (the middleware's rule).
    cookie_sent: bool,
    fault: Fault,
}

/// Appends a session's final state, for the `js/` layer to keep after
/// freeing it: `{"sessionKey","accessed","modified","isLoaded","loadProblem","peek"}`,
/// absent values as null. One string, parsed only if read; written in
/// place, as it ends every request.
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
        flag(session.accessed),
        ",\"modified\":",
        flag(session.modified),
        ",\"isLoaded\":",
        flag(session.is_loaded()),
        ",\"loadProblem\":",
    ]);
    text(out, load_problem_text(session).as_deref());
    out.push_str(",\"peek\":");
    let peek_at = out.len();
    let written = session
        .loaded()
        .is_some_and(|d| crate::json::write_dict(out, d).is_ok());
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
    live: Rc<RefCell<Live>>,
}

/// Runs `$body` (an async block's contents, with `$s` the session and,
/// optionally, `$sent` whether the request sent the cookie) on the live
/// session. A second call while one is waiting on storage is refused
/// rather than allowed to panic on the shared borrow.
macro_rules! op {
    ($self:ident, |$s:ident| $body:expr) => {
        op!($self, |$s, _cookie_sent| $body)
    };
    ($self:ident, |$s:ident, $sent:ident| $body:expr) => {{
        let live = Rc::clone(&$self.live);
        settle(async move {
            let mut live = live.try_borrow_mut().map_err(|_| busy())?;
            live.fault.set(None);
            let Live {
                session: $s,
                cookie_sent: $sent,
                fault,
            } = &mut *live;
            let result: Result<JsValue> = async { $body }.await;
            result.map_err(|e| js_error(&e, fault.take()))
        })
    }};
}

fn busy() -> JsValue {
    named_error(
        "SessionBusy",
        "the session is waiting on storage for an earlier call; await each call before the next",
        None,
    )
}

/// A value for `get`: null, booleans and numbers as themselves (what
/// `JSON.parse` of their text would give, without the text crossing),
/// anything else as JSON text; undefined when absent.
fn value_or_undefined(value: Option<&Value>) -> Result<JsValue> {
    match value {
        None => Ok(JsValue::UNDEFINED),
        Some(Value::Null) => Ok(JsValue::NULL),
        Some(Value::Bool(b)) => Ok(JsValue::from_bool(*b)),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) => Ok(JsValue::from_f64(f)),
            None => json_out(&Value::Number(n.clone())),
        },
        Some(other) => json_out(other),
    }
}

fn optional_date(iso: Option<String>) -> Result<Option<DateTime>> {
    iso.as_deref().map(DateTime::parse_iso).transpose()
}

fn expiry_value(stored_json: Option<String>) -> Result<Option<ExpiryValue>> {
    stored_json
        .as_deref()
        .map(json_in)
        .transpose()
        .map(|v| v.map(ExpiryValue::Stored))
}

/// A dict from JSON: an object, or `[key, value]` pairs (which keep the
/// order of keys a JS object would sort).
fn dict_in(text: &str) -> Result<Dict> {
    let bad =
        || Error::Unserializable("update() takes an object, a Map or [key, value] pairs".into());
    match json_in(text)? {
        Value::Object(dict) => Ok(dict),
        Value::Array(pairs) => pairs
            .into_iter()
            .map(|pair| match pair {
                Value::Array(kv) => match <[Value; 2]>::try_from(kv) {
                    Ok([Value::String(k), v]) => Ok((k, v)),
                    _ => Err(bad()),
                },
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

// The session stays borrowed while an operation waits on storage: on
// purpose, since a second operation must see the first one's result. The
// borrow is `try_`, so an overlapping call gets SessionBusy, never a panic.
#[allow(clippy::await_holding_refcell_ref)]
#[wasm_bindgen]
impl SessionCore {
    /// Reads the session from storage unless it is loaded (flags untouched).
    pub fn load(&self) -> JsValue {
        op!(self, |s| s.load().await.map(|()| JsValue::UNDEFINED))
    }

    /// `session.get(key)`: see [`value_or_undefined`].
    pub fn get(&self, key: String) -> JsValue {
        op!(self, |s| value_or_undefined(s.get(&key).await?.as_ref()))
    }

    /// `session[key] = value`.
    pub fn set(&self, key: String, value_json: String) -> JsValue {
        op!(self, |s| s
            .set(&key, json_in(&value_json)?)
            .await
            .map(|()| JsValue::UNDEFINED))
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

    /// `session.pop(key, default)`: the default's JSON (or undefined) when absent.
    pub fn pop(&self, key: String, default_json: Option<String>) -> JsValue {
        op!(self, |s| match s.pop(&key).await {
            Ok(value) => json_out(&value),
            Err(Error::KeyNotFound(_)) =>
                Ok(default_json.map_or(JsValue::UNDEFINED, |d| JsValue::from_str(&d))),
            Err(e) => Err(e),
        })
    }

    /// `session.setdefault(key, value)`: the value now under `key`.
    pub fn setdefault(&self, key: String, value_json: String) -> JsValue {
        op!(self, |s| json_out(
            &s.setdefault(&key, json_in(&value_json)?).await?
        ))
    }

    /// `session.update(other)`: an object or `[key, value]` pairs.
    pub fn update(&self, entries_json: String) -> JsValue {
        op!(self, |s| s
            .update(dict_in(&entries_json)?)
            .await
            .map(|()| JsValue::UNDEFINED))
    }

    /// `session.keys()` as a JSON array.
    pub fn keys(&self) -> JsValue {
        op!(self, |s| json_out(&Value::from(s.keys().await?)))
    }

    /// `session.values()` as a JSON array.
    pub fn values(&self) -> JsValue {
        op!(self, |s| json_out(&Value::Array(s.values().await?)))
    }

    /// `session.items()` as a JSON array of `[key, value]` pairs, in order.
    pub fn items(&self) -> JsValue {
        op!(self, |s| {
            let pairs = s
                .items()
                .await?
                .into_iter()
                .map(|(k, v)| Value::Array(vec![Value::String(k), v]));
            json_out(&Value::Array(pairs.collect()))
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
        op!(self, |s| s
            .set_test_cookie()
            .await
            .map(|()| JsValue::UNDEFINED))
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
        op!(self, |s| s
            .delete_test_cookie()
            .await
            .map(|()| JsValue::UNDEFINED))
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
            s.set_expiry(expiry).await.map(|()| JsValue::UNDEFINED)
        })
    }

    /// `get_expiry_age(modification=, expiry=)`: `expiry_json` is a value
    /// as stored under `_session_expiry`.
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
        op!(self, |s| {
            let saved = if must_create {
                s.save_new().await
            } else {
                s.save().await
            };
            saved.map(|()| JsValue::UNDEFINED)
        })
    }

    /// `create()`.
    pub fn create(&self) -> JsValue {
        op!(self, |s| s.create().await.map(|()| JsValue::UNDEFINED))
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
        op!(self, |s| s
            .delete(session_key.as_deref())
            .await
            .map(|()| JsValue::UNDEFINED))
    }

    /// `flush()`.
    pub fn flush(&self) -> JsValue {
        op!(self, |s| s.flush().await.map(|()| JsValue::UNDEFINED))
    }

    /// `cycle_key()`.
    #[wasm_bindgen(js_name = cycleKey)]
    pub fn cycle_key(&self) -> JsValue {
        op!(self, |s| s.cycle_key().await.map(|()| JsValue::UNDEFINED))
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
    /// [`write_final_state`]); undefined while an operation waits on storage.
    #[wasm_bindgen(js_name = finalState)]
    pub fn final_state(&self) -> Option<String> {
        self.peek_state(|l| {
            let mut out = String::new();
            write_final_state(&mut out, &l.session);
            out
        })
    }

    /// Reads a flag or the key without waiting (undefined while busy).
    fn peek_state<T>(&self, read: impl FnOnce(&Live) -> T) -> Option<T> {
        self.live.try_borrow().ok().map(|live| read(&live))
    }

    /// `session.accessed`.
    pub fn accessed(&self) -> Option<bool> {
        self.peek_state(|l| l.session.accessed)
    }

    /// `session.modified`.
    pub fn modified(&self) -> Option<bool> {
        self.peek_state(|l| l.session.modified)
    }

    /// Sets `accessed` and `modified` as Django code may (`session.modified = True`).
    #[wasm_bindgen(js_name = setFlags)]
    pub fn set_flags(&self, accessed: Option<bool>, modified: Option<bool>) -> Result<(), JsValue> {
        let mut live = self.live.try_borrow_mut().map_err(|_| busy())?;
        if let Some(accessed) = accessed {
            live.session.accessed = accessed;
        }
        if let Some(modified) = modified {
            live.session.modified = modified;
        }
        Ok(())
    }

    /// `session.session_key`.
    #[wasm_bindgen(js_name = sessionKey)]
    pub fn session_key(&self) -> Option<String> {
        self.peek_state(|l| l.session.session_key().map(str::to_owned))
            .flatten()
    }

    /// Whether the dict has been read from storage.
    #[wasm_bindgen(js_name = isLoaded)]
    pub fn is_loaded(&self) -> Option<bool> {
        self.peek_state(|l| l.session.is_loaded())
    }

    /// The loaded dict as JSON, without loading or touching a flag.
    pub fn peek(&self) -> Option<String> {
        self.peek_state(|l| {
            l.session
                .loaded()
                .and_then(|d| crate::json::dumps_dict(d).ok())
        })
        .flatten()
    }

    /// Why the last load gave an empty session, as `Name: message`.
    #[wasm_bindgen(js_name = loadProblem)]
    pub fn load_problem(&self) -> Option<String> {
        self.peek_state(|l| load_problem_text(&l.session)).flatten()
    }
}
