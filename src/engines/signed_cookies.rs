//! `django.contrib.sessions.backends.signed_cookies`: the whole session,
//! signed and compressed, is the cookie value. No storage.

use super::Engine;
use crate::error::Result;
use crate::json::Dict;
use crate::session::{as_dict, Config, SessionState};
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
        state.modified = true;
        Ok(())
    }

    /// The session key becomes the signed payload.
    async fn save(&self, state: &mut SessionState, _must_create: bool) -> Result<()> {
        let json = crate::json::dumps_dict(state.dict(self, false).await?)?;
        let signed = state
            .config()
            .cookie_signer
            .sign_json(&json, true, state.now);
        state.set_key(Some(signed));
        state.modified = true;
        Ok(())
    }

    async fn delete(&self, state: &mut SessionState, _: Option<&str>) -> Result<()> {
        state.set_key(None);
        state.set_loaded(Dict::new());
        state.modified = true;
        Ok(())
    }

    /// Verifies the cookie with `max_age = SESSION_COOKIE_AGE`. Anything bad
    /// gives `{}` and marks the session modified (Django's `create()`);
    /// the bad key is kept, as in Django.
    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        let key = state.key().unwrap_or_default();
        let max_age = Some(state.cookie_age() as f64);
        let (dict, problem) = as_dict(
            state
                .config()
                .cookie_signer
                .unsign_object(key, max_age, state.now),
        );
        if let Some(problem) = problem {
            state.note_problem(problem);
            state.modified = true;
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
}
