//! `django.contrib.sessions.backends.cache`: the session dict under
//! `make_key("django.contrib.sessions.cache<key>")`, expiring with the
//! session; plus what cached_db shares with it: Django's cache keys and
//! the cache entry formats.
//!
//! Django's cache backends pickle the dict; so does this engine by default
//! ([`CacheFormat::Pickle`]), with a data-only codec ([`crate::pickle`]),
//! so the edge and a stock Django read and write the same entries.

use crate::error::{Error, Result};
use crate::session::{boxed, create_with_new_key, stored_expiry, Config, Engine, SessionState};
use crate::settings::CacheFormat;
use crate::store::CacheStore;
use crate::value::{Dict, Value};
use std::rc::Rc;

/// Django's `KEY_PREFIX` for the cache engine (no separator before the key).
pub const CACHE_KEY_PREFIX: &str = "django.contrib.sessions.cache";

/// Django's `BaseCache.make_key(key)`: the configured `KEY_FUNCTION`, or
/// `"<KEY_PREFIX>:<VERSION>:<key>"` (so `:1:django.contrib.sessions.cache…`
/// with the defaults).
///
/// ```
/// use edge_sessions::{Config, Settings, engines::make_key};
/// let config = Config::new(Settings::new("k")).unwrap();
/// assert_eq!(make_key(&config, "django.contrib.sessions.cacheabc").unwrap(), ":1:django.contrib.sessions.cacheabc");
/// ```
pub fn make_key(config: &Config, key: &str) -> Result<String> {
    let settings = &config.settings;
    match config.cache_key_function() {
        Some(function) => function(key, &settings.cache_key_prefix, settings.cache_version),
        None => Ok(format!(
            "{}:{}:{key}",
            settings.cache_key_prefix, settings.cache_version
        )),
    }
}

/// A session dict as a cache entry in `format`.
pub fn encode_entry(format: CacheFormat, dict: &Dict) -> Result<Vec<u8>> {
    match format {
        CacheFormat::Pickle => crate::pickle::dumps_dict(dict),
        CacheFormat::Json => crate::json::dumps_dict(dict).map(String::into_bytes),
    }
}

/// A cache entry as a value, whichever format wrote it: a pickle starts
/// with its PROTO opcode (0x80); bare digits are an int, as Django's
/// `RedisSerializer` stores ints; anything else is JSON text.
pub fn decode_entry(entry: &[u8]) -> Result<Value> {
    match entry.first() {
        Some(0x80) => crate::pickle::loads(entry),
        _ => match crate::pickle::int_entry(entry) {
            Some(int) => Ok(Value::Int(int)),
            None => crate::json::loads(entry),
        },
    }
}

/// A cache TTL from an expiry age: whole seconds, rounded up so a
/// fractional age is not cut to nothing. `None` means "already expired".
pub(crate) fn ttl_seconds(age: f64) -> Option<u64> {
    (age > 0.0).then(|| age.ceil().min(u64::MAX as f64) as u64)
}

/// How [`put`] writes.
pub(crate) enum Write<'a> {
    /// Only if absent (`cache.add`).
    Add,
    /// Unconditionally (`cache.set`).
    Set,
    /// Only if the current value is this one (conflict detection).
    Replace(&'a [u8]),
}

/// Stores `entry` under `key` for the session's expiry age; an age that is
/// already over (a negative `set_expiry`) stores nothing, as Django's
/// caches drop such a value at once. Returns whether the store took it.
pub(crate) async fn put<C: CacheStore>(
    cache: &C,
    key: &str,
    entry: &[u8],
    age: f64,
    write: Write<'_>,
) -> Result<bool> {
    match (ttl_seconds(age), write) {
        (Some(ttl), Write::Add) => cache.add(key, entry, ttl).await,
        (Some(ttl), Write::Set) => cache.set(key, entry, ttl).await.map(|()| true),
        (Some(ttl), Write::Replace(expected)) => cache.replace_if(key, entry, ttl, expected).await,
        (None, Write::Add) => Ok(cache.get(key).await?.is_none()),
        (None, _) => cache.delete(key).await.map(|()| true),
    }
}

/// Reads a cached dict; a missing, unreadable or failing cache is a miss
/// (Django #17810), the reason kept on the session. Returns the dict and
/// the entry's bytes.
pub(crate) async fn get<C: CacheStore>(
    cache: &C,
    key: &str,
    state: &mut SessionState,
) -> Option<(Dict, Vec<u8>)> {
    let entry = match cache.get(key).await {
        Ok(Some(entry)) => entry,
        Ok(None) => return None,
        Err(e) => {
            state.note_problem(e);
            return None;
        }
    };
    match decode_entry(&entry) {
        Ok(Value::Dict(dict)) => Some((dict, entry)),
        Ok(other) => {
            state.note_problem(Error::Storage(format!(
                "cached session {key} holds a {}, not a dict",
                other.type_name()
            )));
            None
        }
        Err(e) => {
            state.note_problem(e);
            None
        }
    }
}

/// The cache engine over any [`CacheStore`].
#[derive(Debug, Clone)]
pub struct CacheEngine<C> {
    /// The cache the sessions live in.
    pub cache: C,
}

impl<C: CacheStore> CacheEngine<C> {
    /// The engine over `cache`.
    pub fn new(cache: C) -> Self {
        CacheEngine { cache }
    }

    /// `cache_key`: the cache key of a session key.
    fn key(config: &Config, session_key: &str) -> Result<String> {
        make_key(config, &format!("{CACHE_KEY_PREFIX}{session_key}"))
    }
}

impl<C: CacheStore> Engine for CacheEngine<C> {
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool> {
        if session_key.is_empty() {
            return Ok(false);
        }
        let key = Self::key(state.config(), session_key)?;
        Ok(self.cache.get(&key).await?.is_some())
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        create_with_new_key(self, state).await
    }

    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        let Some(session_key) = state.key().map(str::to_owned) else {
            return boxed(self.create(state)).await;
        };
        let key = Self::key(state.config(), &session_key)?;
        if !must_create && self.cache.get(&key).await?.is_none() {
            return Err(Error::UpdateError);
        }
        let dict = state.dict(self, must_create).await?.clone();
        let age = state.expiry_age_of(&stored_expiry(&dict), None)?;
        let entry = encode_entry(state.settings().cache_format, &dict)?;
        let expected = state
            .stored()
            .filter(|_| !must_create && state.settings().detect_conflicts)
            .map(<[u8]>::to_vec);
        let write = match (&expected, must_create) {
            (_, true) => Write::Add,
            (Some(expected), false) => Write::Replace(expected),
            (None, false) => Write::Set,
        };
        match (
            put(&self.cache, &key, &entry, age, write).await?,
            must_create,
        ) {
            (true, _) => {
                state.set_stored(Some(entry));
                Ok(())
            }
            (false, true) => Err(Error::CreateError),
            (false, false) => Err(Error::UpdateError), // changed by another request
        }
    }

    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        match session_key.or(state.key()) {
            Some(k) => self.cache.delete(&Self::key(state.config(), k)?).await,
            None => Ok(()),
        }
    }

    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        let key = Self::key(state.config(), state.key().unwrap_or_default())?;
        match get(&self.cache, &key, state).await {
            Some((dict, entry)) => {
                state.set_stored(Some(entry));
                Ok(dict)
            }
            None => {
                state.set_key(None);
                Ok(Dict::new())
            }
        }
    }

    async fn clear_expired(&self, _: &Rc<Config>, _: f64) -> Result<()> {
        Ok(())
    }
}
