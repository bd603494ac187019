//! `django.contrib.sessions.backends.cached_db`: the db engine with a
//! write-through cache in front, as a composition of the two.

use super::cache::{self, encode_entry, make_key};
use super::db::row_expiry;
use super::DbEngine;
use crate::error::Result;
use crate::session::{boxed, create_with_new_key, stored_expiry, Config, Engine, SessionState};
use crate::store::{CacheStore, DbStore};
use crate::value::Dict;
use std::rc::Rc;

/// Django's `KEY_PREFIX` for cached_db.
pub const CACHED_DB_KEY_PREFIX: &str = "django.contrib.sessions.cached_db";

/// The cached_db engine: a [`CacheStore`] in front of a [`DbEngine`].
#[derive(Debug, Clone)]
pub struct CachedDbEngine<C, D> {
    /// The cache in front.
    pub cache: C,
    /// The database behind, the source of truth.
    pub db: DbEngine<D>,
}

impl<C: CacheStore, D: DbStore> CachedDbEngine<C, D> {
    /// The engine over `cache` and `db`.
    pub fn new(cache: C, db: D) -> Self {
        CachedDbEngine {
            cache,
            db: DbEngine::new(db),
        }
    }

    /// `cache_key`: the cache key of a session key.
    fn cache_key(config: &Config, session_key: &str) -> Result<String> {
        make_key(config, &format!("{CACHED_DB_KEY_PREFIX}{session_key}"))
    }

    /// A cache write that may fail: Django 5.1+ logs it and carries on, the
    /// database having the data. We record it on the session instead.
    async fn refresh_cache(&self, state: &mut SessionState, dict: &Dict, age: f64) {
        let written = async {
            let key = Self::cache_key(state.config(), state.key().unwrap_or_default())?;
            let entry = encode_entry(state.settings().cache_format, dict)?;
            cache::put(&self.cache, &key, &entry, age, cache::Write::Set).await
        };
        if let Err(e) = written.await {
            state.note_problem(e);
        }
    }
}

impl<C: CacheStore, D: DbStore> Engine for CachedDbEngine<C, D> {
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool> {
        if !session_key.is_empty()
            && self
                .cache
                .get(&Self::cache_key(state.config(), session_key)?)
                .await?
                .is_some()
        {
            return Ok(true);
        }
        self.db.exists(session_key, state).await
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        create_with_new_key(self, state).await
    }

    /// Write-through: the row first, then the cache.
    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        if state.key().is_none() {
            boxed(self.create(state)).await?;
        } else {
            self.db.save_row(self, state, must_create).await?;
        }
        let dict = state.loaded().cloned().unwrap_or_default();
        let age = state.expiry_age_of(&stored_expiry(&dict), None)?;
        self.refresh_cache(state, &dict, age).await;
        Ok(())
    }

    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        self.db.delete_row(state, session_key).await?;
        match session_key.or(state.key()) {
            Some(k) => {
                self.cache
                    .delete(&Self::cache_key(state.config(), k)?)
                    .await
            }
            None => Ok(()),
        }
    }

    /// The cache first; on a miss the row, which then refills the cache.
    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        let key = Self::cache_key(state.config(), state.key().unwrap_or_default())?;
        if let Some((dict, _)) = cache::get(&self.cache, &key, state).await {
            return Ok(dict);
        }
        let Some(row) = self.db.live_row(state).await? else {
            return Ok(Dict::new());
        };
        let dict = state.decode(&row.session_data);
        let age = state.expiry_age_of(&row_expiry(&row), None)?;
        self.refresh_cache(state, &dict, age).await;
        Ok(dict)
    }

    async fn clear_expired(&self, config: &Rc<Config>, now: f64) -> Result<()> {
        self.db.clear_expired(config, now).await
    }

    /// Django's cached_db `flush()` deletes by the current key explicitly.
    async fn flush(&self, state: &mut SessionState) -> Result<()> {
        state.clear();
        let key = state.key().map(str::to_owned);
        self.delete(state, key.as_deref()).await?;
        state.set_key(None);
        Ok(())
    }
}
