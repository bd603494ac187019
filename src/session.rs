//! `SessionBase`: the dict, the `accessed`/`modified` flags, the key, expiry,
//! `encode`/`decode`, and the [`Engine`] hooks Django leaves to its engines,
//! exactly as Django's `base.py` keeps them together.
//!
//! Every operation that Django routes through `self._session` may load the
//! session from storage, so those are `async` here (Django 5.1's `aget`,
//! `aset`, ... are the same idea). The clock is an input (`now`, seconds
//! since the epoch).
//!
//! ```
//! # edge_sessions::block_on(async {
//! use edge_sessions::{Config, Session, Settings, engines::SignedCookies, value::Value};
//! let config = Config::new(Settings::new("secret")).unwrap();
//! let mut s = Session::new(SignedCookies, config, None, 1_700_000_000.0);
//! s.set("cart", Value::List(vec![Value::from(1), Value::from(2)])).await.unwrap();
//! assert!(s.modified() && s.accessed());
//! s.save().await.unwrap();
//! assert!(s.session_key().unwrap().starts_with("eyJjYXJ0IjpbMSwyXX0:1r31eq:"));
//! # });
//! ```

use crate::datetime::DateTime;
use crate::error::{Error, PayloadError, Result};
use crate::settings::Settings;
use crate::signing::TimestampSigner;
use crate::value::{Dict, Value};
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
    session_signer: TimestampSigner,
    /// Signs signed_cookies sessions: salt [`SIGNED_COOKIES_SALT`].
    cookie_signer: TimestampSigner,
    /// The cache's `KEY_FUNCTION`, when not Django's default.
    cache_key_function: Option<KeyFunction>,
}

/// A cache's `KEY_FUNCTION(key, key_prefix, version)`.
pub type KeyFunction = Rc<dyn Fn(&str, &str, i64) -> Result<String>>;

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
        Self::with_cache_key_function(settings, None)
    }

    /// [`Config::new`] with the cache's `KEY_FUNCTION` (see
    /// [`crate::engines::make_key`]).
    pub fn with_cache_key_function(
        settings: Settings,
        cache_key_function: Option<KeyFunction>,
    ) -> Result<Rc<Config>> {
        settings.validate()?;
        let signer = |salt: &str| {
            TimestampSigner::new(&settings.secret_key, &settings.secret_key_fallbacks, salt)
                .with_max_inflated_size(settings.max_inflated_size)
        };
        Ok(Rc::new(Config {
            session_signer: signer(&settings.key_salt()),
            cookie_signer: signer(SIGNED_COOKIES_SALT),
            cache_key_function,
            settings,
        }))
    }

    /// The cache's custom `KEY_FUNCTION`, if one was given.
    pub fn cache_key_function(&self) -> Option<&KeyFunction> {
        self.cache_key_function.as_ref()
    }

    /// `SessionBase.encode`: signed, compressed when it pays, timestamped.
    pub fn encode(&self, dict: &Dict, now: f64) -> Result<String> {
        let json = crate::json::dumps_dict(dict)?;
        Ok(self.session_signer.sign_json(&json, true, now))
    }

    /// The signed_cookies engine's cookie value for `dict`.
    pub fn sign_cookie(&self, dict: &Dict, now: f64) -> Result<String> {
        let json = crate::json::dumps_dict(dict)?;
        Ok(self.cookie_signer.sign_json(&json, true, now))
    }

    /// The raw result of `signing.loads` inside `SessionBase.decode`: any
    /// value, or the error Django would log or swallow.
    pub fn decode_value(&self, data: &str, now: f64) -> Result<Value> {
        self.session_signer.unsign_object(data, None, now)
    }

    /// `SessionBase.decode`: the session dict, or `{}` plus the reason.
    /// (Django returns `{}` and logs; a non-dict payload is refused here
    /// rather than returned, since no dict operation could use it.)
    pub fn decode(&self, data: &str, now: f64) -> (Dict, Option<Error>) {
        as_dict(self.decode_value(data, now))
    }

    /// The signed_cookies engine's reading of a cookie value, with
    /// `max_age = SESSION_COOKIE_AGE`.
    pub fn unsign_cookie(&self, value: &str, now: f64) -> (Dict, Option<Error>) {
        let max_age = Some(self.settings.cookie_age as f64);
        as_dict(self.cookie_signer.unsign_object(value, max_age, now))
    }
}

/// A decoded value as a session dict, or `{}` and why not.
pub(crate) fn as_dict(decoded: Result<Value>) -> (Dict, Option<Error>) {
    match decoded {
        Ok(Value::Dict(dict)) => (dict, None),
        Ok(other) => (
            Dict::new(),
            Some(Error::BadPayload(PayloadError::Json(format!(
                "session payload is a {}, not a dict",
                other.type_name()
            )))),
        ),
        Err(e) => (Dict::new(), Some(e)),
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
            let c = VALID_KEY_CHARS
                .get(usize::from(b % 36))
                .copied()
                .unwrap_or(b'a');
            key.push(char::from(c));
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
    /// A value as stored under `_session_expiry` (None, a number or an ISO string).
    Stored(Value),
    /// A datetime (as `expire_date` of a db row).
    At(DateTime),
}

/// `_session_expiry` of a dict, as `get_expiry_age` reads it.
pub fn stored_expiry(dict: &Dict) -> ExpiryValue {
    ExpiryValue::Stored(dict.get(EXPIRY_KEY).cloned().unwrap_or(Value::None))
}

/// The storage hooks of Django's `SessionBase`, which its engines
/// (`crate::engines`) override.
#[allow(async_fn_in_trait)]
pub trait Engine {
    /// Whether a session with this key is stored.
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool>;

    /// Stores a new, empty session under a fresh key; sets `modified`.
    async fn create(&self, state: &mut SessionState) -> Result<()>;

    /// Stores the session. `must_create` stores it only if the key is new
    /// ([`Error::CreateError`] otherwise); without it, the session must
    /// still be there ([`Error::UpdateError`] otherwise).
    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()>;

    /// Removes a stored session (this one when `session_key` is `None`).
    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()>;

    /// Reads the session's dict from the store; `{}` (and usually a reset
    /// key) when it is missing or unreadable.
    async fn load(&self, state: &mut SessionState) -> Result<Dict>;

    /// Removes expired sessions from the store (a no-op where the store
    /// expires them itself).
    async fn clear_expired(&self, config: &Rc<Config>, now: f64) -> Result<()>;

    /// `flush()`: clear, delete, forget the key.
    async fn flush(&self, state: &mut SessionState) -> Result<()> {
        state.clear();
        self.delete(state, None).await?;
        state.set_key(None);
        Ok(())
    }

    /// `cycle_key()`: the same data under a new key, the old one deleted.
    async fn cycle_key(&self, state: &mut SessionState) -> Result<()> {
        let data = state.dict(self, false).await?.clone();
        let old_key = state.key().map(str::to_owned);
        self.create(state).await?;
        state.set_loaded(data);
        if let Some(old) = old_key {
            self.delete(state, Some(&old)).await?;
        }
        Ok(())
    }

    /// Whether the cookie carries the session itself rather than a key
    /// naming it (signed_cookies): then only the cookie's own size limits
    /// a save, and a store write cannot come before it.
    fn cookie_holds_session(&self) -> bool {
        false
    }
}

/// The loop of Django's `create()`: fresh keys until `save(must_create)`
/// does not collide.
pub async fn create_with_new_key<E: Engine + ?Sized>(
    engine: &E,
    state: &mut SessionState,
) -> Result<()> {
    for _ in 0..KEY_ATTEMPTS {
        let key = state.new_session_key(engine).await?;
        state.set_key(Some(key));
        match engine.save(state, true).await {
            Err(Error::CreateError) => continue,
            Err(e) => return Err(e),
            Ok(()) => {
                state.modified = true;
                return Ok(());
            }
        }
    }
    Err(Error::KeySpaceExhausted)
}

/// Django's `save()` without a key calls `create()`, which calls `save()`
/// again; boxing that one call keeps the future types finite.
pub fn boxed<'a, T>(
    future: impl std::future::Future<Output = T> + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>> {
    Box::pin(future)
}

/// An engine can be borrowed: a second session on the same store (a
/// concurrent request) uses the same engine.
impl<E: Engine + ?Sized> Engine for &E {
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool> {
        (**self).exists(session_key, state).await
    }
    async fn create(&self, state: &mut SessionState) -> Result<()> {
        (**self).create(state).await
    }
    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        (**self).save(state, must_create).await
    }
    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        (**self).delete(state, session_key).await
    }
    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        (**self).load(state).await
    }
    async fn clear_expired(&self, config: &Rc<Config>, now: f64) -> Result<()> {
        (**self).clear_expired(config, now).await
    }
    async fn flush(&self, state: &mut SessionState) -> Result<()> {
        (**self).flush(state).await
    }
    async fn cycle_key(&self, state: &mut SessionState) -> Result<()> {
        (**self).cycle_key(state).await
    }
    fn cookie_holds_session(&self) -> bool {
        (**self).cookie_holds_session()
    }
}

/// What `SessionBase` keeps for one request, as the engine hooks see it.
pub struct SessionState {
    config: Rc<Config>,
    now: f64,
    key: Option<String>,
    cache: Option<Dict>,
    accessed: bool,
    modified: bool,
    problem: Option<Error>,
    /// The stored form this session was read from (a db row's
    /// `session_data`, a cache entry): what a conflict-detecting save
    /// expects to find.
    stored: Option<Vec<u8>>,
}

impl SessionState {
    /// The state of `SessionStore(session_key)` at `now`.
    pub fn new(config: Rc<Config>, session_key: Option<&str>, now: f64) -> Self {
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

    /// The clock: seconds since the epoch for this request.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The session key, if valid (`session_key` in Django).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Django's `_session_key` setter: invalid keys become `None`.
    pub fn set_key(&mut self, key: Option<String>) {
        self.key = key.filter(|k| is_valid_session_key(k));
    }

    /// The loaded dict, if any, without loading or touching a flag.
    pub fn loaded(&self) -> Option<&Dict> {
        self.cache.as_ref()
    }

    /// Replaces the loaded dict (Django: `_session_cache = ...`).
    pub fn set_loaded(&mut self, dict: Dict) {
        self.cache = Some(dict);
    }

    /// `SessionBase.clear()`: an empty dict, accessed and modified.
    pub fn clear(&mut self) {
        self.cache = Some(Dict::new());
        self.accessed = true;
        self.modified = true;
    }

    /// Marks the session modified (a create, a re-signed cookie).
    pub fn mark_modified(&mut self) {
        self.modified = true;
    }

    /// The stored form read at load (or written by the last save).
    pub fn stored(&self) -> Option<&[u8]> {
        self.stored.as_deref()
    }

    /// Records the stored form of the session, as read or written.
    pub fn set_stored(&mut self, stored: Option<Vec<u8>>) {
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
            ExpiryValue::Stored(v) if !v.is_truthy() => return Ok(self.cookie_age() as f64),
            ExpiryValue::Stored(Value::Str(s)) => DateTime::parse_iso(s)?,
            ExpiryValue::Stored(v) => return expiry_number(v),
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
            ExpiryValue::Stored(Value::Str(s)) => return DateTime::parse_iso(s),
            ExpiryValue::Stored(v) if !v.is_truthy() => self.cookie_age() as f64,
            ExpiryValue::Stored(v) => expiry_number(v)?,
        };
        modification.plus_seconds(seconds)
    }
}

/// A stored `_session_expiry` that is a number of seconds (`True` is 1, as
/// in Python's arithmetic); a list or dict is Python's TypeError.
fn expiry_number(value: &Value) -> Result<f64> {
    let seconds = match value {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(_) | Value::Float(_) => value.as_f64().unwrap_or(f64::NAN),
        other => {
            // The session's JSON writer names it, as Django's repr would.
            let text = crate::json::dumps(other).unwrap_or_default();
            return Err(Error::InvalidExpiry(format!(
                "unsupported _session_expiry value {text}"
            )));
        }
    };
    if seconds.is_finite() {
        Ok(seconds)
    } else {
        let text = crate::json::dumps(value).unwrap_or_default();
        Err(Error::InvalidExpiry(format!(
            "expiry {text} is out of range"
        )))
    }
}

/// A Django session over one engine: `request.session`.
pub struct Session<E> {
    engine: E,
    state: SessionState,
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

    /// The storage engine (Django's `SessionStore` subclass).
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// The shared configuration.
    pub fn config(&self) -> &Rc<Config> {
        self.state.config()
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        self.state.settings()
    }

    /// This request's clock.
    pub fn now(&self) -> f64 {
        self.state.now
    }

    /// Moves this session's clock (tests of expiry and of re-signing).
    pub fn set_now(&mut self, now: f64) {
        self.state.now = now;
    }

    /// `session_key`: the valid key, or `None`.
    pub fn session_key(&self) -> Option<&str> {
        self.state.key()
    }

    /// `accessed`: set by every dict access, as Django sets it.
    pub fn accessed(&self) -> bool {
        self.state.accessed
    }

    /// `modified`: set by every change, as Django sets it.
    pub fn modified(&self) -> bool {
        self.state.modified
    }

    /// `session.accessed = ...`, as Django code may.
    pub fn set_accessed(&mut self, accessed: bool) {
        self.state.accessed = accessed;
    }

    /// `session.modified = True` (a nested value changed in place).
    pub fn set_modified(&mut self, modified: bool) {
        self.state.modified = modified;
    }

    /// Whether the dict has been loaded (Django: `_session_cache` exists).
    pub fn is_loaded(&self) -> bool {
        self.state.cache.is_some()
    }

    /// The loaded dict, if any, without loading or touching a flag.
    pub fn loaded(&self) -> Option<&Dict> {
        self.state.loaded()
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
        if self.state.cache.is_none() {
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

    /// `session.get(key)` without a copy: read what is needed in `read`.
    pub async fn get_with<T>(
        &mut self,
        key: &str,
        read: impl FnOnce(Option<&Value>) -> T,
    ) -> Result<T> {
        Ok(read(self.dict().await?.get(key)))
    }

    /// `session[key] = value`. A value nested too deep to be read back once
    /// saved is refused here, before it can make the session unsavable.
    pub async fn set(&mut self, key: &str, value: Value) -> Result<()> {
        check_depth(&value)?;
        self.dict().await?.insert(key.into(), value);
        self.state.modified = true;
        Ok(())
    }

    /// `del session[key]`: `KeyNotFound` (and no modification) when absent.
    pub async fn delete_item(&mut self, key: &str) -> Result<()> {
        self.dict()
            .await?
            .remove(key)
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
        let value = self.dict().await?.remove(key);
        self.state.modified |= value.is_some();
        value.ok_or_else(|| Error::KeyNotFound(key.into()))
    }

    /// `session.pop(key, default)`: modified only if the key was there.
    pub async fn pop_or(&mut self, key: &str, default: Value) -> Result<Value> {
        let value = self.dict().await?.remove(key);
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
        for value in other.values() {
            check_depth(value)?;
        }
        self.dict().await?.extend(other);
        self.state.modified = true;
        Ok(())
    }

    /// `session.keys()`.
    pub async fn keys(&mut self) -> Result<Vec<String>> {
        Ok(self.dict().await?.keys().map(str::to_owned).collect())
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
        self.state.clear();
    }

    /// `session.is_empty()`: no key and no data. Never loads.
    pub fn is_empty(&self) -> bool {
        self.state.key.is_none() && self.state.cache.as_ref().is_none_or(Dict::is_empty)
    }

    /// `set_test_cookie()`.
    pub async fn set_test_cookie(&mut self) -> Result<()> {
        self.set(TEST_COOKIE_NAME, Value::Str(TEST_COOKIE_VALUE.into()))
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
            Expiry::Seconds(s) => seconds_value(s)?,
            Expiry::In(s) => Value::Str(self.state.now_datetime().plus_seconds(s)?.isoformat()),
            Expiry::At(at) => Value::Str(at.isoformat()),
        };
        self.set(EXPIRY_KEY, stored).await
    }

    async fn stored_expiry(&mut self) -> Result<ExpiryValue> {
        Ok(ExpiryValue::Stored(
            self.get(EXPIRY_KEY).await?.unwrap_or(Value::None),
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
            None | Some(Value::None) => self.state.settings().expire_at_browser_close,
            // `get_expiry() == 0`: 0, 0.0 and False compare equal to 0.
            Some(Value::Int(n)) => n.as_i64() == Some(0),
            Some(Value::Float(f)) => f == 0.0,
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

/// A value that, stored in the session dict (one level more), would nest
/// past what the reader takes back.
fn check_depth(value: &Value) -> Result<()> {
    if value.depth() >= crate::json::MAX_DEPTH {
        return Err(Error::Unserializable(format!(
            "value nests lists and dicts {} deep; inside the session that is past the {} levels a session can read back",
            value.depth(),
            crate::json::MAX_DEPTH
        )));
    }
    Ok(())
}

/// A number of seconds for `_session_expiry`: integral values as ints, as
/// Python would have stored the int it was given.
fn seconds_value(seconds: f64) -> Result<Value> {
    if !seconds.is_finite() {
        return Err(Error::InvalidExpiry(format!(
            "expiry {} is not a finite number of seconds",
            crate::float::repr(seconds)
        )));
    }
    Ok(Value::from_js_number(seconds))
}
