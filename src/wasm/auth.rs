//! Django's auth session protocol ([`crate::django::auth`]) for
//! `edge-sessions/django`, compiled into both session modules (full and
//! signed) so it runs on a session from either: `SessionCore` methods on
//! the live session, like its own operations. (CSRF needs no session and
//! has a module of its own: see `csrf.rs`.)
//!
//! `get_user` is two calls (`djangoUserLookup`, then `djangoUserVerify`)
//! so that the JS layer awaits the user's `loadUser` itself: the signed
//! module never waits inside wasm.

use super::session::{busy, op, SessionCore};
use crate::django::auth::{self, AuthSettings, AuthUser, UserLookup};
use crate::error::{Error, Result};
use crate::value::Value;
use wasm_bindgen::prelude::*;

fn auth_settings(backends: Vec<String>) -> AuthSettings {
    AuthSettings {
        authentication_backends: backends,
    }
}

/// A primary key given as decimal text (the JS layer's `String(id)`).
fn user_id(id: &str) -> Result<i64> {
    id.parse::<i64>().map_err(|_| Error::InvalidSetting {
        setting: "user.id",
        reason: format!("a user's id must be an integer in the 64-bit range, not {id:?}"),
    })
}

/// An optional argument: undefined is absent; a scalar crosses as itself,
/// anything else as JSON text.
fn optional_value(scalar: &JsValue, json: Option<String>) -> Result<Option<Value>> {
    if let Some(text) = json {
        return super::boundary::from_text(&text).map(Some);
    }
    if scalar.is_undefined() {
        return Ok(None);
    }
    Ok(Some(
        super::boundary::scalar_from_js(scalar).unwrap_or(Value::None),
    ))
}

fn array(items: impl IntoIterator<Item = JsValue>) -> JsValue {
    items.into_iter().collect::<js_sys::Array>().into()
}

fn unit(result: Result<()>) -> Result<JsValue> {
    result.map(|()| JsValue::UNDEFINED)
}

// As in the session's own bindings: the session stays borrowed while an
// operation waits on storage, and a second call gets SessionBusy.
#[allow(clippy::await_holding_refcell_ref)]
#[wasm_bindgen]
impl SessionCore {
    /// The first half of `get_user`: null for the anonymous user (nothing
    /// to look up), or `[id as decimal text, backend]` to load.
    #[wasm_bindgen(js_name = djangoUserLookup)]
    pub fn django_user_lookup(&self, backends: Vec<String>) -> JsValue {
        op!(self, |s| {
            Ok(
                match auth::get_user_lookup(s, &auth_settings(backends)).await? {
                    UserLookup::Anonymous => JsValue::NULL,
                    UserLookup::Load { user_id, backend } => array([
                        JsValue::from_str(&user_id.to_string()),
                        JsValue::from_str(&backend),
                    ]),
                },
            )
        })
    }

    /// The second half of `get_user`, with what `loadUser` answered
    /// (`found` false for no row): whether the user is logged in (the
    /// session may have been cycled or flushed).
    #[wasm_bindgen(js_name = djangoUserVerify)]
    pub fn django_user_verify(
        &self,
        backend: String,
        found: bool,
        id: String,
        password: String,
        is_active: bool,
    ) -> JsValue {
        op!(self, |s| {
            let user = if found {
                Some(AuthUser {
                    id: user_id(&id)?,
                    password,
                    is_active,
                    backend: None,
                })
            } else {
                None
            };
            let verified = auth::get_user_verify(s, &backend, user).await?;
            Ok(JsValue::from_bool(verified.is_some()))
        })
    }

    /// `login(request, user, backend)`; `user_backend` is `user.backend`
    /// (undefined when the user has none), `backend` the argument
    /// (undefined when not passed); either may be any value, as in Python.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = djangoLogin)]
    pub fn django_login(
        &self,
        id: String,
        password: String,
        user_backend: JsValue,
        user_backend_json: Option<String>,
        backend: JsValue,
        backend_json: Option<String>,
        backends: Vec<String>,
    ) -> JsValue {
        op!(self, |s| {
            let user = AuthUser {
                id: user_id(&id)?,
                password,
                is_active: true,
                backend: optional_value(&user_backend, user_backend_json)?,
            };
            let backend = optional_value(&backend, backend_json)?;
            unit(auth::login(s, &user, backend.as_ref(), &auth_settings(backends)).await)
        })
    }

    /// `logout(request)`.
    #[wasm_bindgen(js_name = djangoLogout)]
    pub fn django_logout(&self) -> JsValue {
        op!(self, |s| unit(auth::logout(s).await))
    }

    /// `update_session_auth_hash(request, user)`, `request.user` being
    /// the user the session names.
    #[wasm_bindgen(js_name = djangoUpdateSessionAuthHash)]
    pub fn django_update_session_auth_hash(&self, id: String, password: String) -> JsValue {
        op!(self, |s| {
            let user = AuthUser {
                id: user_id(&id)?,
                password,
                is_active: true,
                backend: None,
            };
            let request_user = auth::session_user_id(s).await?;
            unit(auth::update_session_auth_hash(s, &user, request_user).await)
        })
    }

    /// `SESSION_COOKIE_DOMAIN` of this session's settings (for the CSRF
    /// Referer check with `CSRF_USE_SESSIONS`), null when unset.
    #[wasm_bindgen(js_name = djangoCookieDomain)]
    pub fn django_cookie_domain(&self) -> JsValue {
        match self.live.try_borrow() {
            Ok(live) => live
                .session
                .settings()
                .cookie_domain
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
            Err(_) => busy(),
        }
    }
}
