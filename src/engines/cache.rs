//! `django.contrib.sessions.backends.cache`: the session dict under
//! `django.contrib.sessions.cache<key>`, expiring with the session.
//!
//! Django's cache pickles the dict; we store its JSON text (the same text
//! Django would sign), since no edge runtime can read a pickle.

use super::{create_with_new_key, ttl_seconds, Engine};
use crate::error::{Error, Result};
use crate::json::{self, Dict, Value};
use crate::session::{Config, SessionState};
use crate::store::CacheStore;
use std::rc::Rc;

/// Django's `KEY_PREFIX` for the cache engine (no separator before the key).
pub const CACHE_KEY_PREFIX: &str = "django.contrib.sessions.cache";

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
}

/// Stores `text` (a dict's JSON) under `key` for the session's expiry age;
/// an age that is already over (a negative `set_expiry`) stores nothing, as
/// Django's caches drop such a value at once. `Write::Replace(expected)`
/// compare-and-swaps. Returns whether the store took the value.
pub(crate) async fn put<C: CacheStore>(
    cache: &C,
    key: &str,
    text: &str,
    age: f64,
    write: Write<'_>,
) -> Result<bool> {
    match (ttl_seconds(age), write) {
        (Some(ttl), Write::Add) => cache.add(key, text, ttl).await,
        (Some(ttl), Write::Set) => cache.set(key, text, ttl).await.map(|()| true),
        (Some(ttl), Write::Replace(expected)) => cache.replace_if(key, text, ttl, expected).await,
        (None, Write::Add) => Ok(cache.get(key).await?.is_none()),
        (None, _) => cache.delete(key).await.map(|()| true),
    }
}

/// How [`put`] writes.
pub(crate) enum Write<'a> {
    /// Only if absent (`cache.add`).
    Add,
    /// Unconditionally (`cache.set`).
    Set,
    /// Only if the current value is this one (conflict detection).
    Replace(&'a str),
}

/// Reads a cached dict; a missing, unreadable or failing cache is a miss
/// (Django #17810), the reason kept on the session.
pub(crate) async fn get<C: CacheStore>(
    cache: &C,
    key: &str,
    state: &mut SessionState,
) -> Option<(Dict, String)> {
    match cache.get(key).await {
        Ok(Some(text)) => match json::loads(text.as_bytes()) {
            Ok(Value::Object(dict)) => Some((dict, text)),
            Ok(_) => {
                state.note_problem(Error::Storage(format!(
                    "cached session {key} is not a JSON object"
                )));
                None
            }
            Err(e) => {
                state.note_problem(e);
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            state.note_problem(e);
            None
        }
    }
}

impl<C: CacheStore> Engine for CacheEngine<C> {
    async fn exists(&self, session_key: &str, _: &SessionState) -> Result<bool> {
        if session_key.is_empty() {
            return Ok(false);
        }
        Ok(self
            .cache
            .get(&format!("{CACHE_KEY_PREFIX}{session_key}"))
            .await?
            .is_some())
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        create_with_new_key(self, state).await
    }

    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        let Some(key) = state.key().map(|k| format!("{CACHE_KEY_PREFIX}{k}")) else {
            return super::boxed(self.create(state)).await;
        };
        if !must_create && self.cache.get(&key).await?.is_none() {
            return Err(Error::UpdateError);
        }
        let dict = state.dict(self, must_create).await?.clone();
        let age = state.expiry_age_of(&stored_expiry(&dict), None)?;
        let text = json::dumps_dict(&dict)?;
        let expected = state
            .stored()
            .filter(|_| !must_create && state.settings().detect_conflicts)
            .map(str::to_owned);
        let write = match (&expected, must_create) {
            (_, true) => Write::Add,
            (Some(expected), false) => Write::Replace(expected),
            (None, false) => Write::Set,
        };
        match (
            put(&self.cache, &key, &text, age, write).await?,
            must_create,
        ) {
            (true, _) => {
                state.set_stored(Some(text));
                Ok(())
            }
            (false, true) => Err(Error::CreateError),
            (false, false) => Err(Error::UpdateError), // changed by another request
        }
    }

    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        match session_key.or(state.key()) {
            Some(k) => self.cache.delete(&format!("{CACHE_KEY_PREFIX}{k}")).await,
            None => Ok(()),
        }
    }

    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        let key = format!("{CACHE_KEY_PREFIX}{}", state.key().unwrap_or_default());
        match get(&self.cache, &key, state).await {
            Some((dict, text)) => {
                state.set_stored(Some(text));
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

/// `_session_expiry` of a dict, as `get_expiry_age` reads it.
pub(crate) fn stored_expiry(dict: &Dict) -> crate::session::ExpiryValue {
    crate::session::ExpiryValue::Stored(
        dict.get(crate::session::EXPIRY_KEY)
            .cloned()
            .unwrap_or(Value::Null),
    )
}
