//! `django.contrib.auth`'s session protocol (Django 5.2): who the session
//! says is logged in (`get_user`), and `login`, `logout` and
//! `update_session_auth_hash`, over any [`Session`].
//!
//! The session holds three keys: `_auth_user_id` (the primary key as a
//! string), `_auth_user_backend` (a dotted path from
//! `AUTHENTICATION_BACKENDS`) and `_auth_user_hash`, an HMAC-SHA256 of the
//! user's password field under `SECRET_KEY`
//! (`AbstractBaseUser.get_session_auth_hash`). A password change (or a
//! `SECRET_KEY` rotation without the old key in `SECRET_KEY_FALLBACKS`)
//! therefore ends every session of that user.
//!
//! The user table stays with the caller: `get_user` asks `load_user(id,
//! backend)` for the row (`id`, `password`, `is_active`), as Django's
//! backend would query it. Django's own backends are known by name:
//! `ModelBackend` (and `RemoteUserBackend`, and any other listed backend)
//! refuses inactive users; `AllowAllUsersModelBackend` and
//! `AllowAllUsersRemoteUserBackend` accept them.
//!
//! ```
//! # edge_sessions::block_on(async {
//! use edge_sessions::{Config, Session, Settings, engines::SignedCookies};
//! use edge_sessions::django::auth::{get_user, login, AuthSettings, AuthUser};
//! let config = Config::new(Settings::new("secret")).unwrap();
//! let mut session = Session::new(SignedCookies, config, None, 1_700_000_000.0);
//! let alice = AuthUser { id: 1, password: "pbkdf2_sha256$...".into(), is_active: true, backend: None };
//! let settings = AuthSettings::default();
//! login(&mut session, &alice, None, &settings).await.unwrap();
//! let row = alice.clone();
//! let user = get_user(&mut session, &settings, |id, _backend| async move { Ok((id == 1).then_some(row)) }).await.unwrap();
//! assert_eq!(user.map(|u| u.id), Some(1));
//! # });
//! ```

use super::python::{self, ParsedInt};
use crate::error::{Error, Result};
use crate::session::{Engine, Session};
use crate::signing::{salted_hmac, Algorithm};
use crate::value::{Int, Value};
use subtle::ConstantTimeEq;

/// `SESSION_KEY`: the user's primary key, as a string.
pub const SESSION_KEY: &str = "_auth_user_id";
/// `BACKEND_SESSION_KEY`: the dotted path of the backend that logged the user in.
pub const BACKEND_SESSION_KEY: &str = "_auth_user_backend";
/// `HASH_SESSION_KEY`: [`session_auth_hash`] of the user's password field.
pub const HASH_SESSION_KEY: &str = "_auth_user_hash";
/// The key salt of `AbstractBaseUser.get_session_auth_hash`.
pub const SESSION_AUTH_HASH_SALT: &str =
    "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";
/// Django's default (and only) backend.
pub const MODEL_BACKEND: &str = "django.contrib.auth.backends.ModelBackend";
/// The backends whose `user_can_authenticate` accepts inactive users.
pub const ALLOW_ALL_BACKENDS: [&str; 2] = [
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
    "django.contrib.auth.backends.AllowAllUsersRemoteUserBackend",
];

/// The settings the protocol reads besides the session's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// `AUTHENTICATION_BACKENDS` (default `[ModelBackend]`).
    pub authentication_backends: Vec<String>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            authentication_backends: vec![MODEL_BACKEND.into()],
        }
    }
}

/// The columns of a user row the protocol reads.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthUser {
    /// The primary key (`auth_user.id`).
    pub id: i64,
    /// The password field as stored (`pbkdf2_sha256$...`, `!...` for an
    /// unusable password, or empty).
    pub password: String,
    /// `is_active`.
    pub is_active: bool,
    /// `user.backend`, as `authenticate()` sets it: what `login` stores
    /// when no backend is passed. `None` when the attribute is absent.
    pub backend: Option<Value>,
}

/// `user.get_session_auth_hash()` under `secret`: 64 lower-case hex chars.
///
/// ```
/// use edge_sessions::django::auth::session_auth_hash;
/// assert_eq!(session_auth_hash("", "k").len(), 64);
/// ```
pub fn session_auth_hash(password: &str, secret: &str) -> String {
    let digest = salted_hmac(
        Algorithm::Sha256,
        SESSION_AUTH_HASH_SALT,
        password.as_bytes(),
        secret,
    );
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Django's `constant_time_compare(value, text)`: `value` as
/// `force_bytes` sees it (`str()` of anything that is not a string).
fn same_text(value: &Value, text: &str) -> bool {
    let value = python::py_str(value);
    bool::from(value.as_bytes().ct_eq(text.as_bytes()))
}

/// The primary key a session holds, through `AutoField.to_python`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionUserId {
    /// `None`.
    None,
    /// An int in the 64-bit range.
    Id(i64),
    /// An int beyond it: no row can have it (Django's lookup finds nothing).
    OutOfRange,
}

fn validation_error(value: &Value) -> Error {
    Error::Django {
        exception: "ValidationError",
        message: format!(
            "\u{201c}{}\u{201d} value must be an integer.",
            python::py_str(value)
        ),
    }
}

/// `User._meta.pk.to_python(value)` for Django's `AutoField`: Python's
/// `int(value)` (its leniency included: `" 1"`, `"+1"`, `"0_1"`, other
/// scripts' digits, floats truncated, `True`), `None` kept, and Django's
/// `ValidationError` (as [`Error::Django`]) for what `int()` refuses.
///
/// ```
/// use edge_sessions::django::auth::{user_id_to_python, SessionUserId};
/// use edge_sessions::Value;
/// assert_eq!(user_id_to_python(&Value::from(" 1")).unwrap(), SessionUserId::Id(1));
/// assert_eq!(user_id_to_python(&Value::Float(1.5)).unwrap(), SessionUserId::Id(1));
/// let err = user_id_to_python(&Value::from("abc")).unwrap_err();
/// assert_eq!((err.name(), err.to_string()), ("ValidationError", "\u{201c}abc\u{201d} value must be an integer.".into()));
/// ```
pub fn user_id_to_python(value: &Value) -> Result<SessionUserId> {
    Ok(match value {
        Value::None => SessionUserId::None,
        Value::Bool(b) => SessionUserId::Id(i64::from(*b)),
        Value::Int(Int::Small(n)) => SessionUserId::Id(*n),
        Value::Int(Int::Big(_)) => SessionUserId::OutOfRange,
        Value::Float(x) if x.is_nan() => return Err(validation_error(value)),
        Value::Float(x) if x.is_infinite() => {
            return Err(Error::Django {
                exception: "OverflowError",
                message: "cannot convert float infinity to integer".into(),
            })
        }
        Value::Float(x) => {
            let truncated = x.trunc();
            // 2**63 itself is the first float past i64.
            if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&truncated) {
                SessionUserId::Id(truncated as i64)
            } else {
                SessionUserId::OutOfRange
            }
        }
        Value::Str(text) => match python::int_from_str(text) {
            Some(ParsedInt::Small(n)) => SessionUserId::Id(n),
            Some(ParsedInt::Big) => SessionUserId::OutOfRange,
            None => return Err(validation_error(value)),
        },
        Value::List(_) | Value::Dict(_) => return Err(validation_error(value)),
    })
}

/// What `get_user` must look up before it can decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserLookup {
    /// Nothing to look up: the anonymous user, the session untouched.
    Anonymous,
    /// `backend.get_user(user_id)`: the row for this id, from this backend.
    Load {
        /// The primary key.
        user_id: i64,
        /// The backend's dotted path (one of `AUTHENTICATION_BACKENDS`).
        backend: String,
    },
}

/// The first half of `get_user`: reads `_auth_user_id` (through
/// [`user_id_to_python`], whose ValidationError is returned as Django
/// raises it) and `_auth_user_backend`, and says which row to load.
pub async fn get_user_lookup<E: Engine>(
    session: &mut Session<E>,
    settings: &AuthSettings,
) -> Result<UserLookup> {
    let user_id = match session.get(SESSION_KEY).await? {
        Some(value) => user_id_to_python(&value)?,
        None => return Ok(UserLookup::Anonymous),
    };
    let backend = match session.get(BACKEND_SESSION_KEY).await? {
        Some(Value::Str(path)) if settings.authentication_backends.contains(&path) => path,
        _ => return Ok(UserLookup::Anonymous),
    };
    Ok(match user_id {
        SessionUserId::Id(user_id) => UserLookup::Load { user_id, backend },
        // `get(pk=None)` and an out-of-range pk match no row.
        SessionUserId::None | SessionUserId::OutOfRange => UserLookup::Anonymous,
    })
}

/// `backend.user_can_authenticate(user)`.
pub fn user_can_authenticate(backend: &str, user: &AuthUser) -> bool {
    user.is_active || ALLOW_ALL_BACKENDS.contains(&backend)
}

/// The second half of `get_user`, once `load_user` answered for
/// [`UserLookup::Load`]: the backend's activity rule, then the session
/// hash: a hash made under a `SECRET_KEY_FALLBACKS` key cycles the
/// session key and writes the current hash; a missing, empty or wrong
/// hash flushes the session. The verified user, or `None`.
pub async fn get_user_verify<E: Engine>(
    session: &mut Session<E>,
    backend: &str,
    user: Option<AuthUser>,
) -> Result<Option<AuthUser>> {
    let Some(user) = user.filter(|u| user_can_authenticate(backend, u)) else {
        return Ok(None);
    };
    let (secret, fallbacks) = {
        let s = session.settings();
        (s.secret_key.clone(), s.secret_key_fallbacks.clone())
    };
    let current = session_auth_hash(&user.password, &secret);
    let stored = session.get(HASH_SESSION_KEY).await?.unwrap_or(Value::None);
    if stored.is_truthy() && same_text(&stored, &current) {
        return Ok(Some(user));
    }
    let made_with_fallback = stored.is_truthy()
        && fallbacks
            .iter()
            .any(|old| same_text(&stored, &session_auth_hash(&user.password, old)));
    if made_with_fallback {
        session.cycle_key().await?;
        session.set(HASH_SESSION_KEY, Value::Str(current)).await?;
        Ok(Some(user))
    } else {
        session.flush().await?;
        Ok(None)
    }
}

/// `django.contrib.auth.get_user(request)`: the logged-in user, or `None`
/// for the anonymous user. `load_user(id, backend)` is the backend's
/// query: the row, or `None` when there is none.
pub async fn get_user<E, F, Fut>(
    session: &mut Session<E>,
    settings: &AuthSettings,
    load_user: F,
) -> Result<Option<AuthUser>>
where
    E: Engine,
    F: FnOnce(i64, String) -> Fut,
    Fut: std::future::Future<Output = Result<Option<AuthUser>>>,
{
    match get_user_lookup(session, settings).await? {
        UserLookup::Anonymous => Ok(None),
        UserLookup::Load { user_id, backend } => {
            let user = load_user(user_id, backend.clone()).await?;
            get_user_verify(session, &backend, user).await
        }
    }
}

/// `_get_backend_from_user(user, backend)`: the argument when truthy,
/// else `user.backend`, else the only configured backend; Django's
/// ValueError / TypeError / ImproperlyConfigured otherwise.
pub fn backend_for_login(
    user: &AuthUser,
    backend: Option<&Value>,
    settings: &AuthSettings,
) -> Result<String> {
    let chosen = match backend.filter(|b| b.is_truthy()) {
        Some(b) => Some(b),
        None => user.backend.as_ref(),
    };
    match chosen {
        Some(Value::Str(path)) => Ok(path.clone()),
        Some(other) => Err(Error::Django {
            exception: "TypeError",
            message: format!(
                "backend must be a dotted import path string (got {}).",
                python::py_repr(other)
            ),
        }),
        None => match settings.authentication_backends.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(Error::Django {
                exception: "ImproperlyConfigured",
                message: "No authentication backends have been defined. Does AUTHENTICATION_BACKENDS contain anything?".into(),
            }),
            _ => Err(Error::Django {
                exception: "ValueError",
                message: "You have multiple authentication backends configured and therefore must provide the `backend` argument or set the `backend` attribute on the user.".into(),
            }),
        },
    }
}

/// `django.contrib.auth.login(request, user, backend)`: a session that
/// belongs to another user (or holds another hash, or none) is flushed;
/// one without `_auth_user_id` gets a new key (`cycle_key`); the same user
/// with the same hash keeps its key. Then the three keys are written.
/// Django then rotates the CSRF token: call
/// [`crate::django::csrf::rotate_token`] (the JS layer does). The user's
/// `last_login` is not written (the edge does not write the user table).
pub async fn login<E: Engine>(
    session: &mut Session<E>,
    user: &AuthUser,
    backend: Option<&Value>,
    settings: &AuthSettings,
) -> Result<()> {
    let hash = session_auth_hash(&user.password, &session.settings().secret_key.clone());
    if session.contains(SESSION_KEY).await? {
        let stored_id = session.get(SESSION_KEY).await?.unwrap_or(Value::None);
        let same_user = user_id_to_python(&stored_id)? == SessionUserId::Id(user.id);
        let stored_hash = session
            .get(HASH_SESSION_KEY)
            .await?
            .unwrap_or_else(|| Value::from(""));
        if !same_user || !same_text(&stored_hash, &hash) {
            session.flush().await?;
        }
    } else {
        session.cycle_key().await?;
    }
    let backend = backend_for_login(user, backend, settings)?;
    session
        .set(SESSION_KEY, Value::Str(user.id.to_string()))
        .await?;
    session
        .set(BACKEND_SESSION_KEY, Value::Str(backend))
        .await?;
    session.set(HASH_SESSION_KEY, Value::Str(hash)).await?;
    Ok(())
}

/// `django.contrib.auth.logout(request)`: `flush()`. The CSRF token is
/// not rotated.
pub async fn logout<E: Engine>(session: &mut Session<E>) -> Result<()> {
    session.flush().await
}

/// The user id the session names (`_get_user_session_key`), `None` when
/// it names none or one no row can have; ValidationError as Django raises it.
pub async fn session_user_id<E: Engine>(session: &mut Session<E>) -> Result<Option<i64>> {
    Ok(match session.get(SESSION_KEY).await? {
        Some(value) => match user_id_to_python(&value)? {
            SessionUserId::Id(id) => Some(id),
            _ => None,
        },
        None => None,
    })
}

/// `update_session_auth_hash(request, user)` after a password change:
/// a new session key, and the new hash when `user` is the request's user
/// (`request_user`: the id of `request.user`, `None` when anonymous).
pub async fn update_session_auth_hash<E: Engine>(
    session: &mut Session<E>,
    user: &AuthUser,
    request_user: Option<i64>,
) -> Result<()> {
    session.cycle_key().await?;
    if request_user == Some(user.id) {
        let hash = session_auth_hash(&user.password, &session.settings().secret_key.clone());
        session.set(HASH_SESSION_KEY, Value::Str(hash)).await?;
    }
    Ok(())
}
