//! `SessionBase`: the dict, the `accessed`/`modified` flags, the key, expiry,
//! and `encode`/`decode`, exactly as Django sets and computes them.
//!
//! Every operation that Django routes through `self._session` may load the
//! session from storage, so those are `async` here (Django 5.1's `aget`,
//! `aset`, ... are the same idea). Engines supply the storage hooks through
//! [`Engine`]; the clock is an input (`now`, seconds since the epoch).
//!
//! ```
//! # futures_lite_block_on(async {
//! use edge_sessions::{Config, Session, Settings, engines::SignedCookies};
//! use serde_json::json;
//! let config = Config::new(Settings::new("secret")).unwrap();
//! let mut s = Session::new(SignedCookies, config, None, 1_700_000_000.0);
//! s.set("cart", json!([1, 2])).await.unwrap();
//! assert!(s.modified && s.accessed);
//! s.save().await.unwrap();
//! assert!(s.session_key().unwrap().starts_with("eyJjYXJ0IjpbMSwyXX0:1r31eq:"));
//! # });
//! # fn futures_lite_block_on(f: impl std::future::Future<Output = ()>) { edge_sessions::block_on(f) }
//! ```

use crate::datetime::DateTime;
use crate::engines::Engine;
use crate::error::{Error, Result};
use crate::json::{Dict, Value};
use crate::settings::Settings;
use crate::signing::TimestampSigner;
use std::rc::Rc;

/// Characters of a session key (Django's `VALID_KEY_CHARS`).
pub const VALID_KEY_CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// The dict key Django stores custom expiry under.
pub const EXPIRY_KEY: &str = "_session_expiry";
/// `SessionBase.TEST_COOKIE_NAME` / `TEST_COOKIE_VALUE`.
pub const TEST_COOKIE_NAME: &str = "testcookie";
const TEST_COOKIE_VALUE: &str = "worked";
/// The salt the signed_cookies engine signs the whole session with.
pub const SIGNED_COOKIES_SALT: &str = "django.contrib.sessions.backends.signed_cookies";
/// How many fresh keys are tried before giving up (Django's cache engine: 10000).
const KEY_ATTEMPTS: usize = 10_000;

/// Validated settings with the signing keys derived once, shared by every
/// session (build one per application, not per request).
pub struct Config {
    /// The settings this was built from.
    pub settings: Settings,
    /// Signs `encode()`d sessions: salt `django.contrib.sessions.<class>`.
    pub(crate) session_signer: TimestampSigner,
    /// Signs signed_cookies sessions: salt [`SIGNED_COOKIES_SALT`].
    pub(crate) cookie_signer: TimestampSigner,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Validates `settings` and derives the signing keys.
    pub fn new(settings: Settings) -> Result<Rc<Config>> {
        settings.validate()?;
        let signer = |salt: &str| {
            TimestampSigner::new(&settings.secret_key, &settings.secret_key_fallbacks, salt)
                .with_max_inflated_size(settings.max_inflated_size)
        };
        Ok(Rc::new(Config {
            session_signer: signer(&settings.key_salt()),
            cookie_signer: signer(SIGNED_COOKIES_SALT),
            settings,
        }))
    }

    /// `SessionBase.encode`: signed, compressed when it pays, timestamped.
    pub fn encode(&self, dict: &Dict, now: f64) -> Result<String> {
        let json = crate::json::dumps_dict(dict)?;
        Ok(self.session_signer.sign_json(&json, true, now))
    }

    /// The raw result of `signing.loads` inside `SessionBase.decode`: any
    /// JSON value, or the error Django would log or swallow.
    pub fn decode_value(&self, data: &str, now: f64) -> Result<Value> {
        self.session_signer.unsign_object(data, None, now)
    }

    /// `SessionBase.decode`: the session dict, or `{}` plus the reason.
    /// (Django returns `{}` and logs; a non-dict payload is refused here
    /// rather than returned, since no dict operation could use it.)
    pub fn decode(&self, data: &str, now: f64) -> (Dict, Option<Error>) {
        as_dict(self.decode_value(data, now))
    }
}

/// A decoded value as a session dict, or `{}` and why not.
pub(crate) fn as_dict(decoded: Result<Value>) -> (Dict, Option<Error>) {
    match decoded {
        Ok(Value::Object(dict)) => (dict, None),
        Ok(other) => (
            Dict::new(),
            Some(Error::BadPayload(crate::error::PayloadError::Json(
                format!(
                    "session payload is a JSON {}, not an object",
                    json_type(&other)
                ),
            ))),
        ),
        Err(e) => (Dict::new(), Some(e)),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A new session key: 32 characters from `[a-z0-9]`, from the OS CSPRNG
/// (`crypto.getRandomValues` in wasm).
pub fn random_session_key() -> Result<String> {
    let mut key = String::with_capacity(32);
    let mut buf = [0u8; 64];
    while key.len() < 32 {
        getrandom::fill(&mut buf).map_err(|e| Error::Storage(format!("no random source: {e}")))?;
        // 252 = 7 * 36: rejecting the rest keeps every character equally likely.
        for b in buf.iter().filter(|&&b| b < 252).take(32 - key.len()) {
            key.push(char::from(VALID_KEY_CHARS[usize::from(b % 36)]));
        }
    }
    Ok(key)
}

/// Django's `_validate_session_key`: at least 8 characters.
pub fn is_valid_session_key(key: &str) -> bool {
    key.chars().nth(7).is_some() // Python's len() counts characters
}

/// How `set_expiry` was asked to expire the session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expiry {
    /// `None`: back to the global policy (`SESSION_COOKIE_AGE`,
    /// `SESSION_EXPIRE_AT_BROWSER_CLOSE`).
    Default,
    /// A number of seconds of inactivity (`0` = when the browser closes).
    /// Stored as the number itself.
    Seconds(f64),
    /// A `timedelta`: now plus this many seconds, stored as an ISO date.
    In(f64),
    /// A `datetime`, stored as its ISO form (offset kept as given).
    At(DateTime),
}

/// The `expiry=` argument of `get_expiry_age`/`get_expiry_date`.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpiryValue {
    /// A value as stored under `_session_expiry` (null, number or ISO string).
    Stored(Value),
    /// A datetime (as `expire_date` of a db row).
    At(DateTime),
}

/// SessionBase's state. Engines receive it in their hooks.
pub struct SessionState {
    pub(crate) config: Rc<Config>,
    /// The clock: seconds since the epoch for this request.
    pub now: f64,
    key: Option<String>,
    cache: Option<Dict>,
    /// Set by every dict access, as Django sets it.
    pub accessed: bool,
    /// Set by every change, as Django sets it.
    pub modified: bool,
    problem: Option<Error>,
    /// The stored form this session was read from (a db row's
    /// `session_data`, a cache entry's text): what a conflict-detecting save
    /// expects to find.
    stored: Option<String>,
}

impl SessionState {
    pub(crate) fn new(config: Rc<Config>, session_key: Option<&str>, now: f64) -> Self {
        let mut state = SessionState {
            config,
            now,
            key: None,
            cache: None,
            accessed: false,
            modified: false,
            problem: None,
            stored: None,
        };
        state.set_key(session_key.map(str::to_owned));
        state
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.config.settings
    }

    /// The shared configuration (settings and signers).
    pub fn config(&self) -> &Rc<Config> {
        &self.config
    }

    /// The session key, if valid (`session_key` in Django).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Django's `_session_key` setter: invalid keys become `None`.
    pub fn set_key(&mut self, key: Option<String>) {
        self.key = key.filter(|k| is_valid_session_key(k));
    }

    /// Whether the dict has been loaded (Django: `_session_cache` exists).
    pub fn is_loaded(&self) -> bool {
        self.cache.is_some()
    }

    /// The loaded dict, if any, without loading or touching a flag.
    pub fn loaded(&self) -> Option<&Dict> {
        self.cache.as_ref()
    }

    /// Replaces the loaded dict (Django: `_session_cache = ...`).
    pub fn set_loaded(&mut self, dict: Dict) {
        self.cache = Some(dict);
    }

    /// The stored form read at load (or written by the last save).
    pub fn stored(&self) -> Option<&str> {
        self.stored.as_deref()
    }

    /// Records the stored form of the session, as read or written.
    pub fn set_stored(&mut self, stored: Option<String>) {
        self.stored = stored;
    }

    /// Records why a load ended with an empty session.
    pub fn note_problem(&mut self, problem: Error) {
        self.problem = Some(problem);
    }

    /// `timezone.now()`.
    pub fn now_datetime(&self) -> DateTime {
        DateTime::from_timestamp(self.now)
    }

    /// `SessionBase.encode` at this session's clock.
    pub fn encode(&self, dict: &Dict) -> Result<String> {
        self.config.encode(dict, self.now)
    }

    /// `SessionBase.decode` at this session's clock; records the reason for `{}`.
    pub fn decode(&mut self, data: &str) -> Dict {
        let (dict, problem) = self.config.decode(data, self.now);
        if let Some(p) = problem {
            self.problem = Some(p);
        }
        dict
    }

    /// Django's `_get_session(no_load)`: marks the session accessed and
    /// loads it on first use (unless there is no key or `no_load`).
    pub async fn dict<E: Engine + ?Sized>(
        &mut self,
        engine: &E,
        no_load: bool,
    ) -> Result<&mut Dict> {
        self.accessed = true;
        if self.cache.is_none() {
            let loaded = if self.key.is_none() || no_load {
                Dict::new()
            } else {
                engine.load(self).await?
            };
            self.cache = Some(loaded);
        }
        Ok(self.cache.get_or_insert_with(Dict::new))
    }

    /// Django's `_get_new_session_key`: random keys until one is unused.
    pub async fn new_session_key<E: Engine + ?Sized>(&self, engine: &E) -> Result<String> {
        for _ in 0..KEY_ATTEMPTS {
            let key = random_session_key()?;
            if !engine.exists(&key, self).await? {
                return Ok(key);
            }
        }
        Err(Error::KeySpaceExhausted)
    }

    /// `get_session_cookie_age()`.
    pub fn cookie_age(&self) -> i64 {
        self.config.settings.cookie_age
    }

    /// `get_expiry_age(modification=..., expiry=...)` with the expiry given.
    /// Numbers are returned as they are; dates count whole seconds from
    /// `modification` (default now), rounded down.
    pub fn expiry_age_of(
        &self,
        expiry: &ExpiryValue,
        modification: Option<DateTime>,
    ) -> Result<f64> {
        let modification = modification.unwrap_or_else(|| self.now_datetime());
        let at = match expiry {
            ExpiryValue::At(at) => *at,
            ExpiryValue::Stored(v) if is_falsy(v) => return Ok(self.cookie_age() as f64),
            ExpiryValue::Stored(Value::Number(n)) => return number_as_f64(n),
            ExpiryValue::Stored(Value::Bool(true)) => return Ok(1.0),
            ExpiryValue::Stored(Value::String(s)) => DateTime::parse_iso(s)?,
            ExpiryValue::Stored(other) => return Err(unsupported_expiry(other)),
        };
        Ok(modification.seconds_until(&at)? as f64)
    }

    /// `get_expiry_date(modification=..., expiry=...)` with the expiry given.
    pub fn expiry_date_of(
        &self,
        expiry: &ExpiryValue,
        modification: Option<DateTime>,
    ) -> Result<DateTime> {
        let modification = modification.unwrap_or_else(|| self.now_datetime());
        let seconds = match expiry {
            ExpiryValue::At(at) => return Ok(*at),
            ExpiryValue::Stored(Value::String(s)) => return DateTime::parse_iso(s),
            ExpiryValue::Stored(v) if is_falsy(v) => self.cookie_age() as f64,
            ExpiryValue::Stored(Value::Number(n)) => number_as_f64(n)?,
            ExpiryValue::Stored(Value::Bool(true)) => 1.0,
            ExpiryValue::Stored(other) => return Err(unsupported_expiry(other)),
        };
        modification.plus_seconds(seconds)
    }
}

/// Python's truthiness for a JSON value.
pub(crate) fn is_falsy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Number(n) => n.as_str().parse::<f64>().is_ok_and(|f| f == 0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(true) => false,
    }
}

/// An `_session_expiry` of a type Django cannot compute with (a list, an object).
fn unsupported_expiry(value: &Value) -> Error {
    // The session's JSON writer: serde_json's Display would add a second one to the wasm.
    let text = crate::json::dumps(value).unwrap_or_default();
    Error::InvalidExpiry(format!("unsupported _session_expiry value {text}"))
}

fn number_as_f64(n: &crate::json::Number) -> Result<f64> {
    n.as_str()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| Error::InvalidExpiry(format!("expiry {n} is out of range")))
}

/// A Django session over one engine: `request.session`.
pub struct Session<E> {
    /// The storage engine (Django's `SessionStore` subclass).
    pub engine: E,
    state: SessionState,
}

impl<E> std::ops::Deref for Session<E> {
    type Target = SessionState;
    fn deref(&self) -> &SessionState {
        &self.state
    }
}

impl<E> std::ops::DerefMut for Session<E> {
    fn deref_mut(&mut self) -> &mut SessionState {
        &mut self.state
    }
}

impl<E: Engine> Session<E> {
    /// `SessionStore(session_key)` at time `now`. Nothing is loaded until
    /// the first access, as in Django.
    pub fn new(engine: E, config: Rc<Config>, session_key: Option<&str>, now: f64) -> Self {
        Session {
            engine,
            state: SessionState::new(config, session_key, now),
        }
    }

    /// `session_key`: the valid key, or `None`.
    pub fn session_key(&self) -> Option<&str> {
        self.state.key()
    }

    /// Why the last load produced an empty session, if it did (Django logs
    /// `SuspiciousSession` or swallows the error; we keep it for the caller).
    pub fn load_problem(&self) -> Option<&Error> {
        self.state.problem.as_ref()
    }

    /// Reads the dict from the store now, if it is not loaded yet, without
    /// marking the session accessed: a host that loads ahead of the first
    /// access (to answer later accesses without waiting) must not change
    /// what the middleware decides.
    pub async fn load(&mut self) -> Result<()> {
        if !self.state.is_loaded() {
            let accessed = self.state.accessed;
            let loaded = self.state.dict(&self.engine, false).await.map(|_| ());
            self.state.accessed = accessed;
            loaded?;
        }
        Ok(())
    }

    async fn dict(&mut self) -> Result<&mut Dict> {
        self.state.dict(&self.engine, false).await
    }

    /// `session[key]`: the value, or `KeyNotFound`.
    pub async fn get_item(&mut self, key: &str) -> Result<Value> {
        self.dict()
            .await?
            .get(key)
            .cloned()
            .ok_or_else(|| Error::KeyNotFound(key.into()))
    }

    /// `session.get(key)`.
    pub async fn get(&mut self, key: &str) -> Result<Option<Value>> {
        Ok(self.dict().await?.get(key).cloned())
    }

    /// `session[key] = value`.
    pub async fn set(&mut self, key: &str, value: Value) -> Result<()> {
        self.dict().await?.insert(key.into(), value);
        self.state.modified = true;
        Ok(())
    }

    /// `del session[key]`: `KeyNotFound` (and no modification) when absent.
    pub async fn delete_item(&mut self, key: &str) -> Result<()> {
        self.dict()
            .await?
            .shift_remove(key)
            .ok_or_else(|| Error::KeyNotFound(key.into()))?;
        self.state.modified = true;
        Ok(())
    }

    /// `key in session`.
    pub async fn contains(&mut self, key: &str) -> Result<bool> {
        Ok(self.dict().await?.contains_key(key))
    }

    /// `session.pop(key)`: `KeyNotFound` when absent.
    pub async fn pop(&mut self, key: &str) -> Result<Value> {
        let value = self.dict().await?.shift_remove(key);
        self.state.modified |= value.is_some();
        value.ok_or_else(|| Error::KeyNotFound(key.into()))
    }

    /// `session.pop(key, default)`: modified only if the key was there.
    pub async fn pop_or(&mut self, key: &str, default: Value) -> Result<Value> {
        let value = self.dict().await?.shift_remove(key);
        self.state.modified |= value.is_some();
        Ok(value.unwrap_or(default))
    }

    /// `session.setdefault(key, value)`.
    pub async fn setdefault(&mut self, key: &str, value: Value) -> Result<Value> {
        if let Some(existing) = self.dict().await?.get(key) {
            return Ok(existing.clone());
        }
        self.set(key, value.clone()).await?;
        Ok(value)
    }

    /// `session.update(other)`: modified even when `other` is empty.
    pub async fn update(&mut self, other: Dict) -> Result<()> {
        self.dict().await?.extend(other);
        self.state.modified = true;
        Ok(())
    }

    /// `session.keys()`.
    pub async fn keys(&mut self) -> Result<Vec<String>> {
        Ok(self.dict().await?.keys().cloned().collect())
    }

    /// `session.values()`.
    pub async fn values(&mut self) -> Result<Vec<Value>> {
        Ok(self.dict().await?.values().cloned().collect())
    }

    /// `session.items()`.
    pub async fn items(&mut self) -> Result<Dict> {
        Ok(self.dict().await?.clone())
    }

    /// `len(session._session)`.
    pub async fn len(&mut self) -> Result<usize> {
        Ok(self.dict().await?.len())
    }

    /// `session.clear()`: empties the dict without loading it.
    pub fn clear(&mut self) {
        self.state.cache = Some(Dict::new());
        self.state.accessed = true;
        self.state.modified = true;
    }

    /// `session.is_empty()`: no key and no data. Never loads.
    pub fn is_empty(&self) -> bool {
        self.state.key.is_none() && self.state.cache.as_ref().is_none_or(Dict::is_empty)
    }

    /// `set_test_cookie()`.
    pub async fn set_test_cookie(&mut self) -> Result<()> {
        self.set(TEST_COOKIE_NAME, Value::String(TEST_COOKIE_VALUE.into()))
            .await
    }

    /// `test_cookie_worked()`.
    pub async fn test_cookie_worked(&mut self) -> Result<bool> {
        Ok(self
            .get(TEST_COOKIE_NAME)
            .await?
            .is_some_and(|v| v == TEST_COOKIE_VALUE))
    }

    /// `delete_test_cookie()`: `KeyNotFound` when it was never set.
    pub async fn delete_test_cookie(&mut self) -> Result<()> {
        self.delete_item(TEST_COOKIE_NAME).await
    }

    /// `set_expiry(value)`.
    pub async fn set_expiry(&mut self, expiry: Expiry) -> Result<()> {
        let stored = match expiry {
            Expiry::Default => {
                // Django swallows the KeyError: no modification when absent.
                return match self.delete_item(EXPIRY_KEY).await {
                    Err(Error::KeyNotFound(_)) => Ok(()),
                    other => other,
                };
            }
            Expiry::Seconds(s) => number_value(s)?,
            Expiry::In(s) => Value::String(self.state.now_datetime().plus_seconds(s)?.isoformat()),
            Expiry::At(at) => Value::String(at.isoformat()),
        };
        self.set(EXPIRY_KEY, stored).await
    }

    async fn stored_expiry(&mut self) -> Result<ExpiryValue> {
        Ok(ExpiryValue::Stored(
            self.get(EXPIRY_KEY).await?.unwrap_or(Value::Null),
        ))
    }

    /// `get_expiry_age()`: seconds until expiry, from now.
    pub async fn get_expiry_age(&mut self) -> Result<f64> {
        self.get_expiry_age_with(None, None).await
    }

    /// `get_expiry_age(modification=..., expiry=...)`; the session is read
    /// only when `expiry` is not given, as in Django.
    pub async fn get_expiry_age_with(
        &mut self,
        modification: Option<DateTime>,
        expiry: Option<ExpiryValue>,
    ) -> Result<f64> {
        let expiry = match expiry {
            Some(e) => e,
            None => self.stored_expiry().await?,
        };
        self.state.expiry_age_of(&expiry, modification)
    }

    /// `get_expiry_date()`.
    pub async fn get_expiry_date(&mut self) -> Result<DateTime> {
        self.get_expiry_date_with(None, None).await
    }

    /// `get_expiry_date(modification=..., expiry=...)`.
    pub async fn get_expiry_date_with(
        &mut self,
        modification: Option<DateTime>,
        expiry: Option<ExpiryValue>,
    ) -> Result<DateTime> {
        let expiry = match expiry {
            Some(e) => e,
            None => self.stored_expiry().await?,
        };
        self.state.expiry_date_of(&expiry, modification)
    }

    /// `get_expire_at_browser_close()`.
    pub async fn get_expire_at_browser_close(&mut self) -> Result<bool> {
        Ok(match self.get(EXPIRY_KEY).await? {
            None | Some(Value::Null) => self.state.settings().expire_at_browser_close,
            Some(Value::Number(n)) => n.as_str().parse::<f64>().is_ok_and(|f| f == 0.0),
            Some(Value::Bool(b)) => !b,
            Some(_) => false,
        })
    }

    /// `exists(session_key)` in the store.
    pub async fn exists(&self, session_key: &str) -> Result<bool> {
        self.engine.exists(session_key, &self.state).await
    }

    /// `create()`: a fresh key stored with an empty session.
    pub async fn create(&mut self) -> Result<()> {
        self.engine.create(&mut self.state).await
    }

    /// `save()`.
    pub async fn save(&mut self) -> Result<()> {
        self.engine.save(&mut self.state, false).await
    }

    /// `save(must_create=True)`.
    pub async fn save_new(&mut self) -> Result<()> {
        self.engine.save(&mut self.state, true).await
    }

    /// `delete(session_key)`: removes a stored session (this one when `None`).
    pub async fn delete(&mut self, session_key: Option<&str>) -> Result<()> {
        self.engine.delete(&mut self.state, session_key).await
    }

    /// `flush()`: empties the session and deletes it from the store and the
    /// key (log out).
    pub async fn flush(&mut self) -> Result<()> {
        self.engine.flush(&mut self.state).await
    }

    /// `cycle_key()`: same data under a new key; the old record is deleted
    /// (log in, against session fixation).
    pub async fn cycle_key(&mut self) -> Result<()> {
        self.engine.cycle_key(&mut self.state).await
    }

    /// `clear_expired()` for this engine.
    pub async fn clear_expired(&self) -> Result<()> {
        self.engine
            .clear_expired(&self.state.config, self.state.now)
            .await
    }
}

/// A number for `_session_expiry`: integral values as ints, as Python would
/// have stored the int it was given.
fn number_value(seconds: f64) -> Result<Value> {
    if seconds.fract() == 0.0 && seconds.abs() < 9.0e15 {
        return Ok(Value::from(seconds as i64));
    }
    let repr = crate::json::float_repr(seconds)?;
    serde_json::from_str(&repr).map_err(|e| Error::InvalidExpiry(e.to_string()))
}
