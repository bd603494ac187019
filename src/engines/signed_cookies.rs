//! `django.contrib.sessions.backends.signed_cookies`: the whole session,
//! signed and compressed, is the cookie value. No storage.

use crate::error::Result;
use crate::session::{Config, Engine, SessionState};
use crate::value::Dict;
use std::rc::Rc;

/// The signed_cookies engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedCookies;

impl Engine for SignedCookies {
    /// Always false: there is no store to collide in.
    async fn exists(&self, _: &str, _: &SessionState) -> Result<bool> {
        Ok(false)
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        state.mark_modified();
        Ok(())
    }

    /// The session key becomes the signed payload.
    async fn save(&self, state: &mut SessionState, _must_create: bool) -> Result<()> {
        let config = state.config().clone();
        let now = state.now();
        let signed = config.sign_cookie(state.dict(self, false).await?, now)?;
        state.set_key(Some(signed));
        state.mark_modified();
        Ok(())
    }

    async fn delete(&self, state: &mut SessionState, _: Option<&str>) -> Result<()> {
        state.set_key(None);
        state.set_loaded(Dict::new());
        state.mark_modified();
        Ok(())
    }

    /// Verifies the cookie with `max_age = SESSION_COOKIE_AGE`. Anything bad
    /// gives `{}` and marks the session modified (Django's `create()`);
    /// the bad key is kept, as in Django.
    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        let key = state.key().unwrap_or_default();
        let (dict, problem) = state.config().unsign_cookie(key, state.now());
        if let Some(problem) = problem {
            state.note_problem(problem);
            state.mark_modified();
        }
        Ok(dict)
    }

    async fn clear_expired(&self, _: &Rc<Config>, _: f64) -> Result<()> {
        Ok(())
    }

    /// Re-signs the same data: a new value only if the second changed.
    async fn cycle_key(&self, state: &mut SessionState) -> Result<()> {
        self.save(state, false).await
    }

    fn cookie_holds_session(&self) -> bool {
        true
    }
}
