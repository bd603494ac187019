//! The engine named by `SESSION_ENGINE`, chosen at run time: what a host
//! (the wasm bindings, a server reading its settings) needs when the engine
//! comes from configuration rather than from the type system.

use super::{CacheEngine, CachedDbEngine, DbEngine, FileEngine, SignedCookies};
use crate::error::{Error, Result};
use crate::session::{Config, Engine, SessionState};
use crate::settings::EngineKind;
use crate::store::{CacheStore, DbStore, FileStore};
use crate::value::Dict;
use std::rc::Rc;

/// One of Django's five engines over the stores `C`, `D` and `F`.
#[derive(Debug, Clone)]
pub enum AnyEngine<C, D, F> {
    /// `signed_cookies`: no store.
    SignedCookies(SignedCookies),
    /// `cache` over `C`.
    Cache(CacheEngine<C>),
    /// `db` over `D`.
    Db(DbEngine<D>),
    /// `cached_db` over `C` in front of `D`.
    CachedDb(CachedDbEngine<C, D>),
    /// `file` over `F`.
    File(FileEngine<F>),
}

impl<C: CacheStore, D: DbStore, F: FileStore> AnyEngine<C, D, F> {
    /// The engine of `kind` over the stores it needs; a missing store is an
    /// [`Error::InvalidSetting`] naming it, so a misconfiguration is caught
    /// before the first request.
    pub fn new(
        kind: EngineKind,
        cache: Option<C>,
        db: Option<D>,
        files: Option<F>,
    ) -> Result<Self> {
        let missing = |store: &str| Error::InvalidSetting {
            setting: "SESSION_ENGINE",
            reason: format!("the {} engine needs a {store} adapter", kind.short_name()),
        };
        Ok(match kind {
            EngineKind::SignedCookies => AnyEngine::SignedCookies(SignedCookies),
            EngineKind::Cache => {
                AnyEngine::Cache(CacheEngine::new(cache.ok_or_else(|| missing("cache"))?))
            }
            EngineKind::Db => AnyEngine::Db(DbEngine::new(db.ok_or_else(|| missing("db"))?)),
            EngineKind::CachedDb => AnyEngine::CachedDb(CachedDbEngine::new(
                cache.ok_or_else(|| missing("cache"))?,
                db.ok_or_else(|| missing("db"))?,
            )),
            EngineKind::File => {
                AnyEngine::File(FileEngine::new(files.ok_or_else(|| missing("files"))?))
            }
        })
    }
}

/// Forwards each hook to the engine inside.
macro_rules! dispatch {
    ($self:ident, $engine:ident => $call:expr) => {
        match $self {
            AnyEngine::SignedCookies($engine) => $call,
            AnyEngine::Cache($engine) => $call,
            AnyEngine::Db($engine) => $call,
            AnyEngine::CachedDb($engine) => $call,
            AnyEngine::File($engine) => $call,
        }
    };
}

impl<C: CacheStore, D: DbStore, F: FileStore> Engine for AnyEngine<C, D, F> {
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool> {
        dispatch!(self, e => e.exists(session_key, state).await)
    }
    async fn create(&self, state: &mut SessionState) -> Result<()> {
        dispatch!(self, e => e.create(state).await)
    }
    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        dispatch!(self, e => e.save(state, must_create).await)
    }
    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        dispatch!(self, e => e.delete(state, session_key).await)
    }
    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        dispatch!(self, e => e.load(state).await)
    }
    async fn clear_expired(&self, config: &Rc<Config>, now: f64) -> Result<()> {
        dispatch!(self, e => e.clear_expired(config, now).await)
    }
    async fn flush(&self, state: &mut SessionState) -> Result<()> {
        dispatch!(self, e => e.flush(state).await)
    }
    async fn cycle_key(&self, state: &mut SessionState) -> Result<()> {
        dispatch!(self, e => e.cycle_key(state).await)
    }
    fn cookie_holds_session(&self) -> bool {
        dispatch!(self, e => e.cookie_holds_session())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryCache, MemoryDb, MemoryFiles};

    type Memory = AnyEngine<MemoryCache, MemoryDb, MemoryFiles>;

    #[test]
    fn a_missing_store_is_an_invalid_setting() {
        let err =
            Memory::new(EngineKind::CachedDb, Some(MemoryCache::new()), None, None).unwrap_err();
        assert_eq!(err.name(), "InvalidSetting");
        assert!(
            err.to_string()
                .contains("cached_db engine needs a db adapter"),
            "{err}"
        );
        assert!(Memory::new(EngineKind::SignedCookies, None, None, None).is_ok());
    }

    #[test]
    fn forwards_to_the_engine_chosen() {
        let config = Config::new(crate::Settings::new("k")).unwrap();
        let cache = Rc::new(MemoryCache::new());
        let engine = AnyEngine::<_, MemoryDb, MemoryFiles>::new(
            EngineKind::Cache,
            Some(cache.clone()),
            None,
            None,
        )
        .unwrap();
        let mut s = crate::Session::new(engine, config, None, 1_700_000_000.0);
        crate::block_on(async {
            s.set("a", 1.into()).await.unwrap();
            s.save().await.unwrap();
        });
        let key = s.session_key().unwrap().to_owned();
        assert!(cache
            .entry(&format!(":1:django.contrib.sessions.cache{key}"))
            .is_some());
    }
}
