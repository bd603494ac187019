//! Django's `SESSION_*` settings with Django's defaults, validated once.
//!
//! Django discovers a bad cookie name or SameSite value only when the first
//! response is written; here [`Settings::validate`] refuses it up front,
//! naming the setting, so a broken header can never be produced.

use crate::cookie::{check_attribute, is_token, SameSite};
use crate::error::{Error, Result};
use crate::signing::DEFAULT_MAX_INFLATED_SIZE;

/// Which of Django's five session engines stores the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// `django.contrib.sessions.backends.db` (Django's default).
    Db,
    /// `django.contrib.sessions.backends.cache`.
    Cache,
    /// `django.contrib.sessions.backends.cached_db`.
    CachedDb,
    /// `django.contrib.sessions.backends.file`.
    File,
    /// `django.contrib.sessions.backends.signed_cookies`.
    SignedCookies,
}

impl EngineKind {
    /// Accepts Django's dotted path (`django.contrib.sessions.backends.db`)
    /// or the short name (`db`, `cache`, `cached_db`, `file`, `signed_cookies`).
    pub fn parse(name: &str) -> Result<Self> {
        let short = name
            .strip_prefix("django.contrib.sessions.backends.")
            .unwrap_or(name);
        Ok(match short {
            "db" => EngineKind::Db,
            "cache" => EngineKind::Cache,
            "cached_db" => EngineKind::CachedDb,
            "file" => EngineKind::File,
            "signed_cookies" => EngineKind::SignedCookies,
            _ => {
                return Err(Error::InvalidSetting {
                    setting: "SESSION_ENGINE",
                    reason: format!("unknown engine {name:?}"),
                })
            }
        })
    }

    /// The short name (`cached_db`), as options and messages spell it.
    pub fn short_name(self) -> &'static str {
        self.django_path()
            .trim_start_matches("django.contrib.sessions.backends.")
    }

    /// Django's dotted module path for this engine.
    pub fn django_path(self) -> &'static str {
        match self {
            EngineKind::Db => "django.contrib.sessions.backends.db",
            EngineKind::Cache => "django.contrib.sessions.backends.cache",
            EngineKind::CachedDb => "django.contrib.sessions.backends.cached_db",
            EngineKind::File => "django.contrib.sessions.backends.file",
            EngineKind::SignedCookies => "django.contrib.sessions.backends.signed_cookies",
        }
    }
}

/// The session settings, named as in Django without the `SESSION_` prefix.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// `SECRET_KEY`: signs every session. Must not be empty.
    pub secret_key: String,
    /// `SECRET_KEY_FALLBACKS`: older keys still accepted when verifying.
    pub secret_key_fallbacks: Vec<String>,
    /// `SESSION_COOKIE_NAME` (default `sessionid`).
    pub cookie_name: String,
    /// `SESSION_COOKIE_AGE` in seconds (default two weeks, 1209600).
    pub cookie_age: i64,
    /// `SESSION_COOKIE_DOMAIN` (default none: a host-only cookie).
    pub cookie_domain: Option<String>,
    /// `SESSION_COOKIE_SECURE` (default false).
    pub cookie_secure: bool,
    /// `SESSION_COOKIE_HTTPONLY` (default true).
    pub cookie_httponly: bool,
    /// `SESSION_COOKIE_PATH` (default `/`).
    pub cookie_path: String,
    /// `SESSION_COOKIE_SAMESITE`: `Lax` (default), `Strict`, `None`, or no
    /// attribute at all (`None` here, Python's `None` there).
    pub cookie_samesite: Option<SameSite>,
    /// `SESSION_EXPIRE_AT_BROWSER_CLOSE` (default false).
    pub expire_at_browser_close: bool,
    /// `SESSION_SAVE_EVERY_REQUEST` (default false).
    pub save_every_request: bool,
    /// `SESSION_ENGINE` (default `db`).
    pub engine: EngineKind,
    /// The session class name in the key salt `django.contrib.sessions.<name>`;
    /// Django's built-in stores are all `SessionStore`.
    pub session_class: String,
    /// Largest inflated session payload accepted (not in Django, which has no cap).
    pub max_inflated_size: usize,
    /// Refuse a save when another request changed the stored session since
    /// this one read it (not in Django, where the last write wins). The save
    /// fails as `UpdateError`, which the middleware answers as
    /// `SessionInterrupted`. db and cache engines, over stores that can
    /// compare-and-swap.
    pub detect_conflicts: bool,
    /// How the cache engines store the session dict: pickled, as Django's
    /// cache backends store every value (the default), or as JSON text.
    pub cache_format: CacheFormat,
    /// The cache's `KEY_PREFIX` (default empty), as `make_key` joins it.
    pub cache_key_prefix: String,
    /// The cache's `VERSION` (default 1), as `make_key` joins it.
    pub cache_version: i64,
}

/// The serializer of the cache the cache engines write to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheFormat {
    /// `pickle.dumps(dict, HIGHEST_PROTOCOL)`: what Django's Redis,
    /// Memcached, locmem, file and database caches store.
    Pickle,
    /// The dict's JSON, the text Django signs: for caches only the edge
    /// reads, or a Django cache configured with a JSON serializer.
    Json,
}

impl CacheFormat {
    /// `"pickle"` or `"json"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "pickle" => Ok(CacheFormat::Pickle),
            "json" => Ok(CacheFormat::Json),
            _ => Err(Error::InvalidSetting {
                setting: "cache_format",
                reason: format!("unknown cache format {name:?}: \"pickle\" or \"json\""),
            }),
        }
    }

    /// The name `parse` takes.
    pub fn name(self) -> &'static str {
        match self {
            CacheFormat::Pickle => "pickle",
            CacheFormat::Json => "json",
        }
    }
}

impl std::fmt::Debug for Settings {
    // Secrets stay out of logs and error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("secret_key", &"<hidden>")
            .field(
                "secret_key_fallbacks",
                &format_args!("<{} hidden>", self.secret_key_fallbacks.len()),
            )
            .field("cookie_name", &self.cookie_name)
            .field("cookie_age", &self.cookie_age)
            .field("cookie_domain", &self.cookie_domain)
            .field("cookie_secure", &self.cookie_secure)
            .field("cookie_httponly", &self.cookie_httponly)
            .field("cookie_path", &self.cookie_path)
            .field("cookie_samesite", &self.cookie_samesite)
            .field("expire_at_browser_close", &self.expire_at_browser_close)
            .field("save_every_request", &self.save_every_request)
            .field("detect_conflicts", &self.detect_conflicts)
            .field("engine", &self.engine)
            .field("cache_format", &self.cache_format)
            .field("cache_key_prefix", &self.cache_key_prefix)
            .field("cache_version", &self.cache_version)
            .field("session_class", &self.session_class)
            .finish()
    }
}

impl Settings {
    /// Django's defaults with the given `SECRET_KEY`.
    ///
    /// ```
    /// let s = edge_sessions::Settings::new("a secret");
    /// assert_eq!((s.cookie_name.as_str(), s.cookie_age), ("sessionid", 1_209_600));
    /// assert!(s.validate().is_ok());
    /// ```
    pub fn new(secret_key: impl Into<String>) -> Self {
        Settings {
            secret_key: secret_key.into(),
            secret_key_fallbacks: Vec::new(),
            cookie_name: "sessionid".into(),
            cookie_age: 1_209_600,
            cookie_domain: None,
            cookie_secure: false,
            cookie_httponly: true,
            cookie_path: "/".into(),
            cookie_samesite: Some(SameSite::LAX),
            expire_at_browser_close: false,
            save_every_request: false,
            engine: EngineKind::Db,
            session_class: "SessionStore".into(),
            max_inflated_size: DEFAULT_MAX_INFLATED_SIZE,
            detect_conflicts: false,
            cache_format: CacheFormat::Pickle,
            cache_key_prefix: String::new(),
            cache_version: 1,
        }
    }

    /// The key salt of `encode`/`decode`: `django.contrib.sessions.` + class name.
    pub fn key_salt(&self) -> String {
        format!("django.contrib.sessions.{}", self.session_class)
    }

    /// Refuses values that would break a header or weaken signing, naming
    /// the setting at fault.
    pub fn validate(&self) -> Result<()> {
        let invalid = |setting, reason: &str| {
            Err(Error::InvalidSetting {
                setting,
                reason: reason.into(),
            })
        };
        if self.secret_key.is_empty() {
            return invalid("SECRET_KEY", "must not be empty");
        }
        // Django accepts an empty fallback; it would let anyone forge a
        // session, since the HMAC key would be public. We refuse it.
        if self.secret_key_fallbacks.iter().any(String::is_empty) {
            return invalid("SECRET_KEY_FALLBACKS", "must not contain an empty key");
        }
        if !is_token(&self.cookie_name) {
            return invalid(
                "SESSION_COOKIE_NAME",
                "must be non-empty and use only letters, digits and !#$%&'*+-.^_`|~:",
            );
        }
        if let Some(domain) = &self.cookie_domain {
            check_attribute("SESSION_COOKIE_DOMAIN", domain)?;
        }
        check_attribute("SESSION_COOKIE_PATH", &self.cookie_path)?;
        if self.cookie_age < 0 || self.cookie_age > MAX_COOKIE_AGE {
            return invalid(
                "SESSION_COOKIE_AGE",
                "must be between 0 and 100 years in seconds",
            );
        }
        if self.session_class.is_empty()
            || self
                .session_class
                .bytes()
                .any(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.'))
        {
            return invalid(
                "session_class",
                "must be a Python class name such as SessionStore",
            );
        }
        if self.max_inflated_size == 0 {
            return invalid("max_inflated_size", "must be positive");
        }
        if self.detect_conflicts && !matches!(self.engine, EngineKind::Db | EngineKind::Cache) {
            return invalid(
                "detect_conflicts",
                "works with the db and cache engines (the stores that can compare-and-swap)",
            );
        }
        Ok(())
    }
}

/// Far beyond any browser's cap (400 days), but small enough that every
/// date computed from it stays inside Python's year 9999.
const MAX_COOKIE_AGE: i64 = 100 * 365 * 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(change: impl FnOnce(&mut Settings)) -> &'static str {
        let mut s = Settings::new("secret");
        change(&mut s);
        match s.validate() {
            Err(Error::InvalidSetting { setting, .. }) => setting,
            other => panic!("expected InvalidSetting, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_djangos_and_valid() {
        let s = Settings::new("secret");
        assert!(s.validate().is_ok());
        assert_eq!(s.key_salt(), "django.contrib.sessions.SessionStore");
        assert_eq!(
            s.cookie_samesite.as_ref().map(SameSite::as_str),
            Some("Lax")
        );
        assert_eq!((s.cache_format, s.cache_version), (CacheFormat::Pickle, 1));
        assert!(s.cookie_httponly && !s.cookie_secure && !s.expire_at_browser_close);
        assert_eq!(s.engine, EngineKind::Db);
    }

    #[test]
    fn header_breaking_values_name_their_setting() {
        assert_eq!(
            refused(|s| s.cookie_name = "a;b".into()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_name = "a b".into()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_name = String::new()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_domain = Some("a.com\r\nX: y".into())),
            "SESSION_COOKIE_DOMAIN"
        );
        assert_eq!(
            refused(|s| s.cookie_path = "/a,b".into()),
            "SESSION_COOKIE_PATH"
        );
        assert_eq!(
            refused(|s| s.cookie_path = "/\0".into()),
            "SESSION_COOKIE_PATH"
        );
        assert_eq!(refused(|s| s.secret_key = String::new()), "SECRET_KEY");
        assert_eq!(
            refused(|s| s.secret_key_fallbacks = vec!["old".into(), String::new()]),
            "SECRET_KEY_FALLBACKS"
        );
        assert_eq!(refused(|s| s.cookie_age = -1), "SESSION_COOKIE_AGE");
    }

    #[test]
    fn engine_names_parse_and_secrets_stay_hidden() {
        let s = Settings::new("secret");
        assert_eq!(
            EngineKind::parse("django.contrib.sessions.backends.cached_db").unwrap(),
            EngineKind::CachedDb
        );
        assert_eq!(
            EngineKind::parse("signed_cookies").unwrap(),
            EngineKind::SignedCookies
        );
        assert!(EngineKind::parse("redis").is_err());
        assert!(format!("{s:?}").contains("<hidden>") && !format!("{s:?}").contains("secret\""));
        assert!(CacheFormat::parse("yaml").is_err());
    }
}
