//! Django's five session engines, one file each, over the byte-oriented
//! stores of [`crate::store`].
//!
//! Each engine overrides the hooks Django's `SessionBase` leaves abstract:
//! `exists`, `create`, `save`, `delete`, `load` and `clear_expired`, plus
//! `flush`/`cycle_key` where Django's engine overrides those.

mod any;
mod cache;
mod cached_db;
mod db;
mod file;
mod signed_cookies;

pub use any::AnyEngine;
pub use cache::{CacheEngine, CACHE_KEY_PREFIX};
pub use cached_db::{CachedDbEngine, CACHED_DB_KEY_PREFIX};
pub use db::DbEngine;
pub use file::{file_name, FileEngine};
pub use signed_cookies::SignedCookies;

use crate::error::Result;
use crate::json::Dict;
use crate::session::{Config, SessionState};
use std::rc::Rc;

/// The storage hooks of Django's `SessionBase`.
#[allow(async_fn_in_trait)]
pub trait Engine {
    /// Whether a session with this key is stored.
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool>;

    /// Stores a new, empty session under a fresh key; sets `modified`.
    async fn create(&self, state: &mut SessionState) -> Result<()>;

    /// Stores the session. `must_create` stores it only if the key is new
    /// ([`crate::Error::CreateError`] otherwise); without it, the session
    /// must still be there ([`crate::Error::UpdateError`] otherwise).
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
        clear(state);
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
}

/// `SessionBase.clear()` on a state.
pub(crate) fn clear(state: &mut SessionState) {
    state.set_loaded(Dict::new());
    state.accessed = true;
    state.modified = true;
}

/// The loop of Django's `create()`: fresh keys until `save(must_create)`
/// does not collide.
pub(crate) async fn create_with_new_key<E: Engine + ?Sized>(
    engine: &E,
    state: &mut SessionState,
) -> Result<()> {
    for _ in 0..10_000 {
        let key = state.new_session_key(engine).await?;
        state.set_key(Some(key));
        match engine.save(state, true).await {
            Err(crate::Error::CreateError) => continue,
            Err(e) => return Err(e),
            Ok(()) => {
                state.modified = true;
                return Ok(());
            }
        }
    }
    Err(crate::Error::KeySpaceExhausted)
}

/// Django's `save()` without a key calls `create()`, which calls `save()`
/// again; boxing that one call keeps the future types finite.
pub(crate) fn boxed<'a, T>(
    future: impl std::future::Future<Output = T> + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>> {
    Box::pin(future)
}

/// A cache TTL from an expiry age: whole seconds, rounded up so a
/// fractional age is not cut to nothing. `None` means "already expired".
pub(crate) fn ttl_seconds(age: f64) -> Option<u64> {
    (age > 0.0).then(|| age.ceil().min(u64::MAX as f64) as u64)
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
}
